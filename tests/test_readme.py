"""The README is the front door: its config table must match the code and the committed stacks."""

from settings.docs import render_readme
from tests.harness import REPO


def test_readme_config_table_is_current() -> None:
    readme = (REPO / "README.md").read_text()
    assert render_readme(readme) == readme, "run `python -m settings.docs --write` and commit README.md"


def test_readme_shows_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme and "make check STACK=dev" in readme
