"""--compare: each resource's monthly change against a previous JSON report, the total, and the limits."""

import json
from pathlib import Path

import pytest

from policies.cli import main
from policies.offline.check import CheckResult, run_check
from policies.offline.cost_diff import CompareError, compare, read_base, resource_key
from policies.offline.formats import render
from policies.offline.formats.json_report import to_json
from tests.harness import REPO, run_stack

PRICES = json.loads((REPO / "policies" / "cost" / "prices.json").read_text())
HOURS = PRICES["hoursPerMonth"]


def checked(stack: str, **overrides: object) -> CheckResult:
    return run_check(REPO, stack, program_run=run_stack(stack, overrides=overrides or None))


@pytest.fixture(scope="module")
def dev() -> CheckResult:
    return checked("dev")


@pytest.fixture(scope="module")
def prod() -> CheckResult:
    return checked("prod")


def changes_by_name(diff) -> dict:
    return {c.name: c for c in diff.changes}


def test_keys_drop_the_stack_so_two_stacks_compare_resource_by_resource() -> None:
    assert resource_key("urn:pulumi:dev::shop::aws:ec2/vpc:Vpc::net") == resource_key("urn:pulumi:prod::shop::aws:ec2/vpc:Vpc::net")


def test_one_instance_type_changes_only_the_web_fleet_by_its_price_difference(dev: CheckResult) -> None:
    bigger = checked("dev", **{"awsinaction:webInstanceType": "t4g.small"})
    diff = compare(to_json(dev), bigger, "dev.json")
    step = round((PRICES["ec2InstanceHour"]["t4g.small"] - PRICES["ec2InstanceHour"]["t4g.micro"]) * HOURS, 2)
    assert [(c.name, c.status, c.delta_usd) for c in diff.changes] == [("shop-web-asg", "changed", step)]
    assert diff.delta_usd == round(bigger.cost.monthly_usd - dev.cost.monthly_usd, 2) == step


def test_dev_against_prod_adds_the_nat_gateways_removes_the_nat_instance_and_doubles_the_database(
    dev: CheckResult, prod: CheckResult
) -> None:
    diff = compare(to_json(dev), prod, "dev.json")
    by_name = changes_by_name(diff)
    nat_hour = PRICES["natGateway"]
    gateways = [c for c in diff.changes if c.type == "aws:ec2/natGateway:NatGateway"]
    assert len(gateways) == 3 and all(c.status == "added" and c.base_usd == 0 for c in gateways), nat_hour
    assert by_name["shop-network-nat"].status == "removed" and by_name["shop-network-nat"].head_usd == 0
    database = by_name["shop-db-db"]
    secret = PRICES["secretsManager"]["secretMonth"]  # the managed master password's secret, not doubled
    assert database.status == "changed"
    assert database.head_usd - secret == pytest.approx(2 * (database.base_usd - secret), abs=0.01), "Multi-AZ doubles instance and storage"
    assert diff.delta_usd == round(prod.cost.monthly_usd - dev.cost.monthly_usd, 2)
    assert round(sum(c.delta_usd for c in diff.changes), 2) == pytest.approx(diff.delta_usd, abs=0.05)
    assert diff.delta_percent == round(100 * diff.delta_usd / dev.cost.monthly_usd, 1)


def test_every_format_shows_the_change(dev: CheckResult, prod: CheckResult) -> None:
    diff = compare(to_json(dev), prod, "dev.json")
    total = f"{diff.delta_usd:+,.2f}"
    assert total in render("text", prod, diff) and total in render("markdown", prod, diff) and total in render("html", prod, diff)
    assert json.loads(render("json", prod, diff))["cost_diff"]["delta_usd"] == diff.delta_usd
    assert json.loads(render("sarif", prod, diff))["runs"][0]["properties"]["cost"]["deltaUsd"] == diff.delta_usd
    assert "cost-change" in render("junit", prod, diff)


def test_limits_fail_only_when_the_increase_passes_them(dev: CheckResult, prod: CheckResult) -> None:
    diff = compare(to_json(dev), prod)
    diff.max_usd = diff.delta_usd
    assert diff.over_limit() == ""
    diff.max_usd = diff.delta_usd - 0.01
    assert "more than --max-increase" in diff.over_limit()
    diff.max_usd, diff.max_percent = None, 50
    assert "more than --max-increase-percent 50 %" in diff.over_limit()
    shrink = compare(to_json(prod), dev)
    shrink.max_usd, shrink.max_percent = 0, 0
    assert shrink.delta_usd < 0 and shrink.over_limit() == "", "a saving never fails"


@pytest.mark.parametrize(("limit", "code"), [("1000", 0), ("10", 3)])
def test_the_check_exits_3_when_the_increase_passes_the_limit(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    dev: CheckResult,
    prod: CheckResult,
    limit: str,
    code: int,
) -> None:
    base = tmp_path / "dev.json"
    base.write_text(json.dumps(to_json(dev)))
    monkeypatch.setattr("policies.cli.run_check", lambda *args, **kwargs: prod)
    assert main(["check", "--stack", "prod", "--compare", str(base), "--max-increase", limit]) == code
    out = capsys.readouterr().out
    assert ("OVER THE LIMIT" in out) is (code == 3) and out.rstrip().splitlines()[-1].startswith("FAIL" if code else "PASS")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file"), ("{not json", "not a JSON report"), ('{"stack": "dev"}', "write one with --format json")],
)
def test_a_bad_base_report_is_refused_in_one_line(tmp_path: Path, content, message: str) -> None:
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CompareError, match=message) as refused:
        read_base(path)
    assert str(refused.value).startswith(f"--compare {path}") and "\n" not in str(refused.value)
