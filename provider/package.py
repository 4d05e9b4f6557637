"""Load the repository's components/ folder as the package `awsinaction` and serve it to other languages."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Optional

from pulumi import Output
from pulumi.provider import Provider, main
from pulumi.provider.experimental.analyzer import PropertyDefinition, PropertyType
from pulumi.provider.experimental.component import ComponentProvider

REPO = Path(__file__).resolve().parent.parent
"""The repository root: the plugin is cloned with the whole repository, so components/ sits next to provider/."""
SOURCE = REPO / "components"
"""The folder the wheel installs as `awsinaction`."""
PACKAGE = "awsinaction"
"""Import name of the components and name of the Pulumi package (type tokens `awsinaction:index:<Class>`)."""


def load_package() -> ModuleType:
    """Import components/ under the name `awsinaction`, as the wheel does, without installing anything.

    Loading by path (not by sys.path) keeps the plugin independent of how the repository folder is
    named and of any other `components` package on the machine. An already imported `awsinaction`
    (an editable install, or a previous call) is reused.
    """
    loaded = sys.modules.get(PACKAGE)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(PACKAGE, SOURCE / "__init__.py", submodule_search_locations=[str(SOURCE)])
    if spec is None or spec.loader is None:
        raise ImportError(f"{SOURCE} is not a Python package")
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    return module


def _whole(value: Any) -> Any:
    """2.0 -> 2; anything else unchanged (a fractional number then fails the component's own validation)."""
    if isinstance(value, Output):
        return value.apply(_whole)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


def _is_integer(prop: PropertyDefinition) -> bool:
    items = prop.items.type if prop.type == PropertyType.ARRAY and prop.items is not None else None
    return PropertyType.INTEGER in (prop.type, items)


class AwsInActionProvider(ComponentProvider):
    """The SDK's component provider, plus integer inputs delivered as `int`.

    The engine sends every number as a float. pulumi 3.272's ComponentProvider.map_input_properties
    converts integer inputs with int() and then overwrites the result with the original float, so a
    YAML `azCount: 2` reached Network as 2.0 and was refused. tests/test_provider.py keeps a canary
    that fails once the SDK delivers ints itself; this class can go then.
    """

    def map_input_properties(
        self,
        inputs: Any,
        properties: dict[str, PropertyDefinition],
        mapping: dict[str, str],
        component_name: str,
        property_path: str,
    ) -> Any:
        mapped = super().map_input_properties(inputs, properties, mapping, component_name, property_path)
        for schema_name, prop in properties.items():
            python_name = mapping[schema_name]
            if python_name in mapped and _is_integer(prop):
                mapped[python_name] = _whole(mapped[python_name])
        return mapped


def build_provider(package: Optional[ModuleType] = None) -> AwsInActionProvider:
    """The provider serving every component of ALL_COMPONENTS under the package's version."""
    package = package or load_package()
    return AwsInActionProvider(list(package.ALL_COMPONENTS), PACKAGE, None, package.__version__)


def serve(run: Callable[[Provider, list[str]], None] = main) -> None:
    """Start the gRPC server the engine talks to (what component_provider_host does, with AwsInActionProvider)."""
    run(build_provider(), sys.argv[1:])
