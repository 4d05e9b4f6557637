"""Shared fixtures of the chapter programs' tests: each program runs under mocks once per module and mode.

    .venv/bin/python -m pytest examples/book/ch13_nosql     (what .ci/run does for every folder)
"""

import sys
from pathlib import Path
from typing import Any

import pytest

BOOK = Path(__file__).resolve().parent
sys.path.insert(0, str(BOOK))  # readme_table, book_checks
pytest.register_assert_rewrite("book_checks")

from policies.offline.check import CheckResult, run_check  # noqa: E402 - after the path setup
from policies.offline.runner import MockRun, run_project  # noqa: E402


@pytest.fixture(scope="module")
def program(request: pytest.FixtureRequest) -> Path:
    """The folder of the program under test (the test module's own folder)."""
    return Path(request.module.__file__).resolve().parent


@pytest.fixture(scope="module")
def checked(program: Path) -> CheckResult:
    """The offline check of the dev stack: the program under mocks in update mode, then both policy packs."""
    return run_check(program, "dev")


@pytest.fixture(scope="module")
def previewed(program: Path) -> MockRun:
    """The program as `pulumi preview` runs it: values AWS computes stay unknown."""
    return run_project(program, "dev", preview=True)


def resources(result: Any, token: str) -> list[Any]:
    """Resources of one type in a CheckResult or a MockRun."""
    return [r for r in result.resources if r.type == token]
