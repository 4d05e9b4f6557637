"""Only the package lists; every other packaging setting is in pyproject.toml.

pyproject.toml maps the folder components/ to the import name `awsinaction` and policies/ to
`awsinaction_policies`, and setuptools cannot discover subpackages under a renamed folder. This lists
each subfolder (templates/, handlers/, the packs and their rules, ...) as a subpackage, so adding a
folder needs no configuration change.
"""

from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
PACKAGES = {"awsinaction": ROOT / "components", "awsinaction_policies": ROOT / "policies"}
"""Import name -> source folder."""
SKIPPED = {"__pycache__", "venv", ".venv", "config"}
"""Folders that are not code: caches, a pack's CLI virtualenv, the repository's own per-stack pack config."""


def subpackages(name: str, source: Path) -> list[str]:
    """`<name>.<sub>` for every importable-named folder below `source`."""
    folders = (p for p in source.rglob("*") if p.is_dir() and not SKIPPED & set(p.relative_to(source).parts))
    return sorted(
        ".".join((name, *folder.relative_to(source).parts))
        for folder in folders
        if all(part.isidentifier() for part in folder.relative_to(source).parts)
    )


setup(packages=[package for name, source in PACKAGES.items() for package in (name, *subpackages(name, source))])
