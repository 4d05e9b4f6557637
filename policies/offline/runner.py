"""Run a Pulumi program or a function under mocks and return what it registered and exported."""

import functools
import json
import os
import pathlib
import runpy
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence

import pulumi
import pulumi.runtime.resource
from pulumi.runtime.mocks import Mocks
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.settings import get_root_resource

from .mocks import AwsMocks, RecordedResource, RecordingMonitor
from .stack_config import StackConfig, load_stack_config, placeholders_announced

__all__ = ["MockRun", "StackConfig", "load_stack_config", "run_project", "run_under_mocks"]


@dataclass
class MockRun:
    """What one run under mocks registered, and the stack outputs it exported."""

    resources: list[RecordedResource]
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, token: str) -> list[RecordedResource]:
        """Every resource of one type token (e.g. aws:ec2/subnet:Subnet)."""
        return [r for r in self.resources if r.type == token]

    def count(self, token: str) -> int:
        """How many resources of one type were registered."""
        return len(self.of_type(token))

    def find(self, token: str, **inputs: Any) -> list[RecordedResource]:
        """Resources of one type whose inputs contain all the given camelCase key/values."""
        return [r for r in self.of_type(token) if all(r.inputs.get(k) == v for k, v in inputs.items())]

    def one(self, token: str, **inputs: Any) -> RecordedResource:
        """The single resource of a type matching `inputs`; fails when there are none or several."""
        found = self.find(token, **inputs)
        if len(found) != 1:
            raise AssertionError(f"expected exactly one {token} with {inputs}, found {len(found)}: {[r.name for r in found]}")
        return found[0]

    def by_id(self, resource_id: Any) -> Optional[RecordedResource]:
        """The resource whose mock ID is `resource_id`."""
        return next((r for r in self.resources if r.id == resource_id), None)

    def named(self, name: str, token: Optional[str] = None) -> RecordedResource:
        """The resource with this logical name (and type, when names repeat across types)."""
        matches = [r for r in self.resources if r.name == name and token in (None, r.type)]
        if len(matches) != 1:
            raise AssertionError(f"expected one resource named {name}, found {len(matches)}")
        return matches[0]

    def duplicate_urns(self) -> list[str]:
        """URNs registered more than once (the real engine refuses them; the mock monitor does not)."""
        seen: set[str] = set()
        return sorted({r.urn for r in self.resources if r.urn in seen or seen.add(r.urn)})  # type: ignore[func-returns-value]


def _config_string(value: Any) -> str:
    """Config values reach programs as strings; structured ones as JSON, as the CLI sends them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def run_under_mocks(
    program: Callable[[], Any],
    *,
    project: str = "project",
    stack: str = "stack",
    config: Optional[Mapping[str, Any]] = None,
    secret_keys: Sequence[str] = (),
    preview: bool = False,
    mocks: Optional[Mocks] = None,
) -> MockRun:
    """Run `program` under AWS mocks in update (or preview) mode and record its resources and exports."""
    monitor = RecordingMonitor(mocks or AwsMocks(preview=preview))
    pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config({k: _config_string(v) for k, v in (config or {}).items()}, list(secret_keys))
    exports: dict[str, Any] = {}

    def body() -> Any:
        program()
        root = get_root_resource()
        outputs = dict(getattr(root, "outputs", {}) or {})
        return pulumi.Output.from_input(outputs).apply(exports.update)

    try:
        with _source_frame_only():
            pulumi.runtime.test(body)()
    except Exception as error:
        # Let callers prove that a refused config registered nothing.
        error.registered = list(monitor.recorded)  # type: ignore[attr-defined]
        raise
    finally:
        pulumi.runtime.set_all_config({}, [])
        pulumi.runtime.settings.reset_options()
    return MockRun(resources=list(monitor.recorded), outputs=exports)


@functools.cache
def _file_uri(filename: str) -> str:
    try:
        return pathlib.Path(filename).as_uri()
    except ValueError:  # a relative or odd name (<string>): as the SDK, no position
        return ""


@contextmanager
def _source_frame_only() -> Iterator[None]:
    """Build only the frame the monitor reads from each registration's stack trace: the resource's source position.

    The SDK walks every frame of the stack and turns each file name into a URI for every resource it registers,
    a sixth of a mock run in a deep stack such as pytest's; the mock monitor keeps only the source position, the
    first frame outside the resource constructors, which is found here the same way (the third `__init__` up).
    """
    module = pulumi.runtime.resource
    original = getattr(module, "_get_stack_trace", None)
    if original is None:  # another SDK version: keep its own
        yield
        return

    def source_frame() -> Any:
        frame, inits = sys._getframe(1), 0
        while frame is not None:
            if frame.f_code.co_name == "__init__":
                inits += 1
                if inits == 3:
                    caller = frame.f_back
                    uri = _file_uri(caller.f_code.co_filename) if caller is not None else ""
                    if uri:
                        position = source_pb2.SourcePosition(uri=uri, line=caller.f_lineno)
                        return source_pb2.StackTrace(frames=[source_pb2.StackFrame(pc=position)])
                    break
            frame = frame.f_back
        return source_pb2.StackTrace()

    module._get_stack_trace = source_frame
    try:
        yield
    finally:
        module._get_stack_trace = original


def _default_mocks(region: str, preview: bool) -> Mocks:
    return AwsMocks(region=region, preview=preview)


@contextmanager
def _inside(project_dir: Path) -> Iterator[None]:
    """Run with the project folder as working directory and first on sys.path, as the language host does."""
    old_cwd, old_path, old_modules = os.getcwd(), list(sys.path), set(sys.modules)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        # The program's own modules go, as they would with the process under `pulumi up`: a second run
        # imports them afresh (a helper module may declare resources when it is imported).
        for name in set(sys.modules) - old_modules:
            path = str(getattr(sys.modules[name], "__file__", "") or "")
            if path.startswith(str(project_dir) + os.sep) and "-packages" + os.sep not in path:  # not a virtualenv inside the project
                del sys.modules[name]


def run_project(
    project_dir: Path,
    stack: str,
    *,
    preview: bool = False,
    overrides: Optional[Mapping[str, Any]] = None,
    mocks: Optional[AwsMocks] = None,
    mocks_factory: Optional[Callable[[str, bool], Mocks]] = None,
    stack_config: Optional[StackConfig] = None,
) -> MockRun:
    """Run a project's __main__.py for one stack under mocks; `overrides` replace or add config keys.

    `mocks_factory(region, preview)` builds the mocks when the stack's region matters to them; `stack_config` is
    the stack's config when the caller has read it already.
    """
    project_dir = Path(project_dir).resolve()
    stack_config = stack_config or load_stack_config(project_dir, stack)
    values = {**stack_config.values, **(overrides or {})}
    region = str(values.get("aws:region", "us-east-1"))
    entry = stack_config.entry or project_dir / "__main__.py"
    if not entry.is_file():
        where = entry.relative_to(project_dir) if entry.is_relative_to(project_dir) else entry
        raise FileNotFoundError(f"the program's entry point {where} is not in {project_dir} (see Pulumi.yaml main:)")
    with _inside(entry.parent), placeholders_announced(stack_config.secret_keys):
        return run_under_mocks(
            lambda: runpy.run_path(str(entry), run_name="__main__"),
            project=stack_config.project,
            stack=stack,
            config=values,
            secret_keys=stack_config.secret_keys,
            preview=preview,
            mocks=mocks or (mocks_factory or _default_mocks)(region, preview),
        )
