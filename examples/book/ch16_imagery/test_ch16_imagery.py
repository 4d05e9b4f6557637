"""Chapter 16 program: Imagery in its own VPC, one server and one worker in dev, the book's ten tries."""

import json
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


def test_dev_runs_the_fleets_in_the_private_subnets_with_the_books_retries(checked: CheckResult) -> None:
    groups = {g.name: g.inputs for g in resources(checked, "aws:autoscaling/group:Group")}
    assert (groups["imagery-server-asg"]["minSize"], groups["imagery-server-asg"]["maxSize"]) == (1, 2)
    private = {s.id for s in resources(checked, "aws:ec2/subnet:Subnet") if s.inputs["tags"].get("Tier") == "private"}
    assert all(set(g["vpcZoneIdentifiers"]) == private for g in groups.values())
    main = next(q for q in resources(checked, "aws:sqs/queue:Queue") if not q.name.endswith("-dlq"))
    assert json.loads(main.inputs["redrivePolicy"])["maxReceiveCount"] == 10
    [table] = resources(checked, "aws:dynamodb/table:Table")
    assert table.inputs["deletionProtectionEnabled"] is False


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(program, {"ch16-imagery:serverMinSize": 5}, "ch16-imagery:serverMinSize: 5 is greater than")
    book_checks.assert_bad_config_is_one_line(program, {"ch16-imagery:natStrategy": "none"}, "ch16-imagery:natStrategy: 'none' leaves")
    book_checks.assert_bad_config_is_one_line(program, {"ch16-imagery:natStrategy": "cheap"}, "ch16-imagery:natStrategy: 'cheap' is not")
