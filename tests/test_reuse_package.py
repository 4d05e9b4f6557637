"""The components folder is a self-contained package: relative imports, declared dependencies, one catalogue."""

import ast
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pulumi
import pytest

import components
from tests.harness import REPO
from tests.pyproject_data import load_pyproject, runtime_dependencies

SOURCE = REPO / "components"
HANDLERS = SOURCE / "handlers"
LAMBDA_RUNTIME = {"boto3", "botocore"}
"""What the AWS Lambda Python runtime provides to the handlers (they never run inside a Pulumi program)."""


def python_files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts)


def absolute_imports(path: Path) -> list[str]:
    """Top-level module names of every absolute import in a file."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module.split(".")[0])
    return names


def declared_import_names() -> set[str]:
    """Import names of pyproject's runtime dependencies (pulumi-aws -> pulumi_aws)."""
    dependencies = runtime_dependencies()
    return {re.split(r"[<>=!~ ;\[]", dep, maxsplit=1)[0].replace("-", "_").lower() for dep in dependencies}


def component_classes() -> list[type]:
    """Every ComponentResource subclass defined in a module of components/ (handlers excluded)."""
    found = []
    for module_info in pkgutil.iter_modules(components.__path__, "components."):
        if module_info.name == "components.handlers":
            continue
        module = importlib.import_module(module_info.name)
        found += [
            value for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, pulumi.ComponentResource) and value.__module__ == module.__name__
        ]
    return found


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_modules_import_each_other_relatively(path: Path) -> None:
    # The wheel installs components/ as `awsinaction`: `from components.x import ...` breaks every consumer.
    assert "components" not in absolute_imports(path), f"{path.name}: use `from .module import name` inside components/"


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_modules_import_only_the_standard_library_and_declared_dependencies(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | declared_import_names()
    if path.is_relative_to(HANDLERS):
        # Handler modules are shipped flat (Lambda archive, the servers' /opt/<app>) and import each other by name.
        allowed |= LAMBDA_RUNTIME | {sibling.stem for sibling in HANDLERS.glob("*.py")}
    undeclared = sorted(set(absolute_imports(path)) - allowed)
    assert not undeclared, f"{path.name} imports {undeclared}: not in pyproject [project].dependencies"


def test_declared_dependencies_are_the_pulumi_sdks() -> None:
    assert {"pulumi", "pulumi_aws"} <= declared_import_names()


def test_all_components_lists_every_component_class() -> None:
    listed = {cls.__name__ for cls in components.ALL_COMPONENTS}
    defined = {cls.__name__ for cls in component_classes()}
    assert not defined - listed, f"add {sorted(defined - listed)} to ALL_COMPONENTS in components/__init__.py (import + list entry)"
    assert len(listed) == len(components.ALL_COMPONENTS), "a component is listed twice"


@pytest.mark.parametrize("cls", components.ALL_COMPONENTS, ids=lambda c: c.__name__)
def test_type_token_is_package_index_class_name(cls: type) -> None:
    # The provider host finds the class to construct from the token's last part.
    source = inspect.getsource(cls.__init__)
    assert f'"awsinaction:index:{cls.__name__}"' in source, f"{cls.__name__} must register as awsinaction:index:{cls.__name__}"


@pytest.mark.parametrize("cls", components.ALL_COMPONENTS, ids=lambda c: c.__name__)
def test_constructor_takes_name_args_opts(cls: type) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters)
    assert parameters[:4] == ["self", "name", "args", "opts"], f"{cls.__name__}.__init__{parameters}"


def test_version_has_one_source() -> None:
    pyproject = load_pyproject()
    assert "version" in pyproject["project"]["dynamic"] and "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "awsinaction.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", components.__version__)


def test_package_is_typed() -> None:
    assert (SOURCE / "py.typed").is_file()
