"""Chapter 15 program: the queue feeds the worker function, which may only take jobs and store PNGs."""

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


def test_the_queue_invokes_the_worker_which_reports_failed_jobs(checked: CheckResult) -> None:
    [mapping] = resources(checked, "aws:lambda/eventSourceMapping:EventSourceMapping")
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"] and mapping.inputs["batchSize"] == 5
    assert mapping.inputs["eventSourceArn"] == "arn:aws:sqs:us-east-1:123456789012:ch15-url2png-dev-url2png"
    [function] = resources(checked, "aws:lambda/function:Function")
    assert function.inputs["handler"] == "url2png.handler" and set(function.inputs["code"].assets) == {"url2png.py", "png_image.py"}
    main = next(q for q in resources(checked, "aws:sqs/queue:Queue") if not q.name.endswith("-dlq"))
    assert main.inputs["visibilityTimeoutSeconds"] >= 6 * function.inputs["timeout"]
    assert json.loads(main.inputs["redrivePolicy"])["maxReceiveCount"] == 3


def test_the_worker_may_only_take_jobs_and_store_pngs(checked: CheckResult) -> None:
    [policy] = resources(checked, "aws:iam/rolePolicy:RolePolicy")
    actions = {a for s in json.loads(policy.inputs["policy"])["Statement"] for a in s["Action"]}
    assert "s3:PutObject" in actions and "sqs:ReceiveMessage" in actions
    assert not actions & {"sqs:SendMessage", "s3:GetObject", "s3:DeleteObject"}


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(
        program, {"ch15-url2png:visibilityTimeoutSeconds": 60}, "ch15-url2png:visibilityTimeoutSeconds: 60 is outside 120..43200")
    book_checks.assert_bad_config_is_one_line(program, {"ch15-url2png:maxReceiveCount": 0}, "ch15-url2png:maxReceiveCount: 0 is outside")
