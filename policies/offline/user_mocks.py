"""`--mocks module:Class`: the user's own answers, in front of ours.

The class is imported with the project folder first on sys.path. A subclass of AwsMocks is built with the
stack's region and mode and answers everything itself (call `super()` for what it does not override). Any
other `pulumi.runtime.Mocks` subclass is asked first; where its `call` or `new_resource` returns None, the
check's own mocks answer.
"""

import importlib
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks

from .mocks import AwsMocks


class MocksSpecError(Exception):
    """A --mocks value that does not name a Mocks class that imports and builds, or whose answers failed; one line."""


class MocksError(Exception):
    """The user's mocks raised while answering; the message names the method, the resource or invoke, and the line."""


def _answering(what: str, call: Any, args: Any) -> Any:
    """Call the user's mocks; an exception they raise becomes a MocksError naming what they were asked."""
    try:
        return call(args)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        raise MocksError(f"its {what} raised {type(error).__name__}: {' '.join(str(error).split())[:120]}{where}") from None


class ChainedMocks(AwsMocks):
    """The user's mocks first; ours for whatever they leave unanswered (None)."""

    def __init__(self, user: Mocks, region: str, preview: bool) -> None:
        super().__init__(region=region, preview=preview)
        self.user = user

    def call(self, args: MockCallArgs) -> Any:
        answered = _answering(f"call for {args.token}", self.user.call, args)
        return super().call(args) if answered is None else answered

    def new_resource(self, args: MockResourceArgs) -> Any:
        answered = _answering(f"new_resource for {args.name} ({args.typ})", self.user.new_resource, args)
        if answered is not None and not (isinstance(answered, tuple) and len(answered) == 2):
            raise MocksError(f"its new_resource for {args.name} ({args.typ}) returned {answered!r}, not (id, state) or None")
        return super().new_resource(args) if answered is None else answered


def load_mocks(spec: str, project_dir: Path) -> Callable[[str, bool], Mocks]:
    """A factory (region, preview) -> mocks for `module:Class`; raises MocksSpecError naming what is wrong."""
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise MocksSpecError(f"--mocks {spec!r}: expected module:Class, e.g. tests.mocks:MyMocks")
    sys.path.insert(0, str(Path(project_dir).resolve()))
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # the user's file: an import or any error it raises while loading
        raise MocksSpecError(f"--mocks {spec!r}: cannot import {module_name} ({type(error).__name__}: {error})") from None
    finally:
        sys.path.pop(0)
    cls: Optional[type] = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Mocks):
        raise MocksSpecError(f"--mocks {spec!r}: {module_name} has no pulumi.runtime.Mocks subclass named {class_name}")
    def build(region: str, preview: bool) -> Mocks:
        try:
            return cls(region=region, preview=preview) if issubclass(cls, AwsMocks) else ChainedMocks(cls(), region, preview)
        except Exception as error:
            raise MocksError(f"{class_name}() raised {type(error).__name__}: {error}") from None

    return build
