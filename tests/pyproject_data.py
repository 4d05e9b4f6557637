"""pyproject.toml as data, on every Python the package supports (tomllib arrived in 3.11)."""

import sys
from typing import Any

from tests.harness import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def load_pyproject() -> dict[str, Any]:
    """The parsed pyproject.toml of the repository."""
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def runtime_dependencies() -> list[str]:
    """[project].dependencies: what the wheel, the plugin and the consumer example install."""
    return list(load_pyproject()["project"]["dependencies"])
