"""The components come from the installed wheel, and this project's own components/ folder is untouched."""

import importlib
import importlib.metadata
import pkgutil
import sys
import sysconfig
from pathlib import Path

import awsinaction

import components

PROJECT_DIR = Path(__file__).resolve().parent.parent
REPO = PROJECT_DIR.parent.parent


def test_awsinaction_is_the_installed_wheel_not_the_source_tree() -> None:
    location = Path(awsinaction.__file__).resolve()
    assert location.is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve()), location
    assert not location.is_relative_to(REPO / "components")
    assert str(REPO) not in [str(Path(p).resolve()) for p in sys.path if p], "the repository root must not be importable"


def test_this_projects_components_folder_is_its_own() -> None:
    assert Path(components.__file__).resolve().parent == PROJECT_DIR / "components"
    assert importlib.import_module("components.naming").shop_name


def test_installed_version_matches_the_package() -> None:
    assert importlib.metadata.version("awsinaction-components") == awsinaction.__version__


def test_every_module_imports_with_only_the_declared_dependencies() -> None:
    # Lambda handlers run in AWS Lambda (boto3 is there); everything else runs in the consumer's program.
    names = [m.name for m in pkgutil.walk_packages(awsinaction.__path__, "awsinaction.") if ".handlers" not in m.name]
    assert "awsinaction.network" in names and "awsinaction.database" in names
    for name in names:
        importlib.import_module(name)


def test_typed_package_ships_its_marker_and_templates() -> None:
    root = Path(awsinaction.__file__).parent
    assert (root / "py.typed").is_file()
    assert (root / "templates" / "nat_instance.sh").is_file()


def test_all_components_are_listed_for_the_plugin() -> None:
    assert awsinaction.ALL_COMPONENTS, "ALL_COMPONENTS is empty"
    assert all(c.__module__.startswith("awsinaction.") for c in awsinaction.ALL_COMPONENTS)
