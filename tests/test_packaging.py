"""`python -m build` makes a wheel and an sdist that carry every file of components/ under the name awsinaction."""

import os
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import components
from tests.harness import REPO
from tests.pyproject_data import runtime_dependencies

SOURCE = REPO / "components"


DIST_VARIABLE = "AWSINACTION_DIST"
"""Folder holding the wheel and sdist built by examples/consumer/run-tests.sh, which runs this module."""


@pytest.fixture(scope="module")
def dist() -> dict[str, Path]:
    """The distributions `python -m build` made (sdist, then the wheel from the sdist, as a release does).

    Building takes seconds in an isolated environment, so the build runs once, in
    examples/consumer/run-tests.sh (CI), which hands its output folder over in AWSINACTION_DIST.
    """
    folder = os.environ.get(DIST_VARIABLE)
    if not folder:
        pytest.skip(f"packaging is checked by `bash examples/consumer/run-tests.sh` (it sets {DIST_VARIABLE})")
    [wheel] = Path(folder).glob("awsinaction_components-*.whl")
    [sdist] = Path(folder).glob("awsinaction_components-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def source_files() -> list[str]:
    """Every file of components/ relative to it (what must ship), caches excluded."""
    return sorted(
        str(p.relative_to(SOURCE)) for p in SOURCE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def test_wheel_ships_every_module_template_handler_and_the_typed_marker(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
    shipped = sorted(n.removeprefix("awsinaction/") for n in names if n.startswith("awsinaction/"))
    missing = sorted(set(source_files()) - set(shipped))
    assert not missing, f"not in the wheel: {missing}; add their suffix to [tool.setuptools.package-data] in pyproject.toml"
    assert {"py.typed", "__init__.py", "network.py", "templates/nat_instance.sh"} <= set(shipped)


def test_wheel_holds_nothing_but_the_package(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        tops = {n.split("/")[0] for n in wheel.namelist()}
    assert tops == {"awsinaction", "awsinaction_policies", f"awsinaction_components-{components.__version__}.dist-info"}


PACK_FILES = ("PulumiPolicy.yaml", "requirements.txt", "__main__.py")
"""What the CLI needs in a pack folder."""


def test_wheel_ships_the_offline_check_and_every_pack_as_the_cli_needs_it(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"awsinaction_components-{components.__version__}.dist-info/entry_points.txt").decode()
    packs = [p.parent.name for p in (REPO / "policies").glob("*/PulumiPolicy.yaml")]
    assert packs
    for pack in packs:
        assert {f"awsinaction_policies/{pack}/{f}" for f in PACK_FILES} <= names
    data = [p.relative_to(REPO / "policies") for pack in packs for p in (REPO / "policies" / pack).glob("*.[jy][sa]*")]
    assert {f"awsinaction_policies/{p}" for p in data} <= names
    assert "awsinaction_policies/cli.py" in names and "awsinaction_policies/offline/mocks.py" in names
    assert not any("/config/" in n or "/venv/" in n for n in names if n.startswith("awsinaction_policies/"))
    assert "awsinaction-check = awsinaction_policies.cli:console" in entry_points


def test_wheel_metadata_has_the_version_and_only_the_runtime_dependencies(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        metadata = Parser().parsestr(wheel.read(f"awsinaction_components-{components.__version__}.dist-info/METADATA").decode())
    assert metadata["Name"] == "awsinaction-components" and metadata["Version"] == components.__version__
    runtime = {normalized(r) for r in metadata.get_all("Requires-Dist") if "extra ==" not in r}
    declared = {normalized(d) for d in runtime_dependencies()}
    assert runtime == declared


def normalized(requirement: str) -> tuple[str, frozenset[str]]:
    parsed = Requirement(requirement)
    return parsed.name, frozenset(str(s) for s in parsed.specifier)


def test_sdist_rebuilds_the_wheel_and_carries_changelog_and_schema(dist: dict[str, Path]) -> None:
    root = f"awsinaction_components-{components.__version__}"
    with tarfile.open(dist["sdist"]) as sdist:
        names = set(sdist.getnames())
    expected = {"pyproject.toml", "setup.py", "CHANGELOG.md", "schema/awsinaction.json", *(f"components/{f}" for f in source_files())}
    assert not {f"{root}/{name}" for name in expected} - names
