"""Chapter 13 program: the to-do tables pass the packs, match the book's keys, and refuse bad config in one line."""

from pathlib import Path

import book_checks
from book_checks import (  # noqa: F401 - the checks every program passes, collected here
    test_every_resource_is_tagged,
    test_passes_the_policy_packs,
    test_preview_registers_the_same_resources,
    test_readme_shows_the_estimate,
)
from conftest import resources

from policies.offline.check import CheckResult

TABLE = "aws:dynamodb/table:Table"


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
