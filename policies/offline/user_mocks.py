"""`--mocks module:Class`: the user's own answers, in front of ours.

The class is imported with the project folder first on sys.path. A subclass of AwsMocks is built with the
stack's region and mode and answers everything itself (call `super()` for what it does not override). Any
other `pulumi.runtime.Mocks` subclass is asked first; where its `call` or `new_resource` returns None, the
check's own mocks answer.
"""

import importlib
import sys
from pathlib import Path
from typing import Any, Callable, Optional

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks

from .mocks import AwsMocks


class MocksSpecError(Exception):
    """A --mocks value that does not name an importable Mocks class."""


class ChainedMocks(AwsMocks):
    """The user's mocks first; ours for whatever they leave unanswered (None)."""

    def __init__(self, user: Mocks, region: str, preview: bool) -> None:
        super().__init__(region=region, preview=preview)
        self.user = user

    def call(self, args: MockCallArgs) -> Any:
        answered = self.user.call(args)
        return super().call(args) if answered is None else answered

    def new_resource(self, args: MockResourceArgs) -> Any:
        answered = self.user.new_resource(args)
        return super().new_resource(args) if answered is None else answered


def load_mocks(spec: str, project_dir: Path) -> Callable[[str, bool], Mocks]:
    """A factory (region, preview) -> mocks for `module:Class`; raises MocksSpecError naming what is wrong."""
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise MocksSpecError(f"--mocks {spec!r}: expected module:Class, e.g. tests.mocks:MyMocks")
    sys.path.insert(0, str(Path(project_dir).resolve()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise MocksSpecError(f"--mocks {spec!r}: cannot import {module_name} ({error})") from None
    finally:
        sys.path.pop(0)
    cls: Optional[type] = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Mocks):
        raise MocksSpecError(f"--mocks {spec!r}: {module_name} has no pulumi.runtime.Mocks subclass named {class_name}")
    if issubclass(cls, AwsMocks):
        return lambda region, preview: cls(region=region, preview=preview)
    return lambda region, preview: ChainedMocks(cls(), region, preview)
