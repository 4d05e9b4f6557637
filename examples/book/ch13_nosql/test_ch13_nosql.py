"""Chapter 13 program: the to-do tables pass the packs, match the book's keys, and refuse bad config in one line."""

from pathlib import Path

import book_checks
from conftest import resources

from policies.offline.check import CheckResult
from policies.offline.runner import MockRun

TABLE = "aws:dynamodb/table:Table"


def test_passes_the_policy_packs(checked: CheckResult) -> None:
    book_checks.assert_passes_the_policy_packs(checked)


def test_preview_registers_the_same_resources(checked: CheckResult, previewed: MockRun) -> None:
    book_checks.assert_preview_registers_the_same_resources(checked, previewed)


def test_readme_shows_the_estimate(program: Path, checked: CheckResult) -> None:
    book_checks.assert_readme_shows_the_estimate(program, checked)


def test_every_resource_is_tagged(checked: CheckResult) -> None:
    book_checks.assert_every_resource_is_tagged(checked)


def test_the_books_tables_on_demand_without_deletion_protection_in_dev(checked: CheckResult) -> None:
    tables = {t.name: t.inputs for t in resources(checked, TABLE)}
    assert tables["todo-user"]["hashKey"] == "uid" and "rangeKey" not in tables["todo-user"]
    task = tables["todo-task"]
    assert (task["hashKey"], task["rangeKey"]) == ("uid", "tid")
    assert task["globalSecondaryIndexes"][0]["name"] == "category-index"
    assert all(t["billingMode"] == "PAY_PER_REQUEST" and t["deletionProtectionEnabled"] is False for t in tables.values())
    assert all(t["pointInTimeRecovery"] == {"enabled": True} for t in tables.values())
    assert len(resources(checked, "aws:sns/topic:Topic")) == 1  # one alarm topic for both tables


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(program, {"ch13-nosql:billingMode": "FREE"}, "ch13-nosql:billingMode: 'FREE' is not allowed")
    book_checks.assert_bad_config_is_one_line(program, {"ch13-nosql:alarmEmail": "ops"}, "ch13-nosql:alarmEmail: 'ops' is not an e-mail")
