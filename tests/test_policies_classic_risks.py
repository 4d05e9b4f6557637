"""A program holding one instance of each classic AWS risk fails, naming every one (the offline check, once per module)."""

from pathlib import Path

import pytest

from policies.offline.check import CheckResult, run_check

PROGRAM = Path(__file__).resolve().parent / "fixtures" / "classic_risks"


@pytest.fixture(scope="module")
def checked() -> CheckResult:
    return run_check(PROGRAM, "test")


def found(result: CheckResult) -> set[tuple[str, str, str]]:
    names = {r.urn: r.name for r in result.resources}
    return {(names.get(d.urn, ""), d.policy, d.level) for d in result.violations}


@pytest.mark.parametrize(
    ("resource", "policy", "level"),
    [
        ("plain-http-alb", "access-logging", "advisory"),
        ("http-forward", "alb-http-redirects-to-https", "mandatory"),
        ("old-tls", "lb-listener-modern-tls", "mandatory"),
        ("http-origin", "cloudfront-origin-tls", "mandatory"),
        ("admin-halves", "sg-no-public-admin-ports", "mandatory"),
        ("db-open-egress", "sg-egress-restricted", "mandatory"),
        ("public-api", "eks-endpoint-not-public", "mandatory"),
        ("public-tasks", "ecs-no-public-ip", "mandatory"),
        ("warehouse", "redshift-encrypted", "mandatory"),
        ("warehouse", "redshift-not-public", "mandatory"),
        ("unrotated-key", "kms-key-rotation", "mandatory"),
        ("lockout-key", "kms-no-lockout-bypass", "mandatory"),
        ("plain-topic", "sns-encrypted", "mandatory"),
        ("plain-queue", "sqs-encrypted", "mandatory"),
        ("unverified-trail", "cloudtrail-secure", "mandatory"),
        ("old-runtime", "lambda-runtime-supported", "mandatory"),
        ("any-bucket", "lambda-permission-scoped", "mandatory"),
        ("todo", "durable-data", "mandatory"),
        ("open-cache", "elasticache-encrypted", "mandatory"),
        ("open-cache", "elasticache-auth", "mandatory"),
    ],
)
def test_each_classic_risk_is_named(checked: CheckResult, resource: str, policy: str, level: str) -> None:
    assert (resource, policy, level) in found(checked), sorted(f for f in found(checked) if f[0] == resource)


def test_well_configured_resources_of_the_program_are_not_blamed(checked: CheckResult) -> None:
    blamed = {name for name, _, level in found(checked) if level == "mandatory"}
    assert not blamed & {"db", "tls-alb", "http-redirect", "targets", "cluster-role", "function-role", "app"}


def test_the_estimate_prices_every_resource_billed_by_the_hour(checked: CheckResult) -> None:
    assert checked.cost.missing == [] and checked.cost.not_estimated == []
    priced = {item.name for item in checked.cost.items}
    assert {"warehouse", "public-api", "public-tasks", "open-cache", "plain-http-alb", "todo"} <= priced
