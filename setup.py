"""Only the package list; every other packaging setting is in pyproject.toml.

pyproject.toml maps the folder components/ to the import name `awsinaction`, and setuptools
cannot discover subpackages under a renamed folder. This lists each subfolder (templates/,
handlers/, ...) as a subpackage, so adding a folder needs no configuration change.
"""

from pathlib import Path

from setuptools import setup

SOURCE = Path(__file__).resolve().parent / "components"


def subpackages() -> list[str]:
    """`awsinaction.<sub>` for every importable-named folder below components/."""
    folders = (p for p in SOURCE.rglob("*") if p.is_dir() and "__pycache__" not in p.parts)
    return sorted(
        ".".join(("awsinaction", *folder.relative_to(SOURCE).parts))
        for folder in folders
        if all(part.isidentifier() for part in folder.relative_to(SOURCE).parts)
    )


setup(packages=["awsinaction", *subpackages()])
