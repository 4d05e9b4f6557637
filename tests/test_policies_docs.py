"""docs/policies.md stays true: every policy of the least-privilege and cost packs in its tables with its kind and default level,
and the anchor-coverage counts computed from the "Same as" column and the declined list."""

import re
from pathlib import Path

import pytest

from policies.offline.analyze import analyzer_info
from tests.policy_harness import pack

DOC = (Path(__file__).resolve().parent.parent / "docs" / "policies.md").read_text()
AWSGUARD = {
    "ec2-instance-no-public-ip",
    "ec2-instance-detailed-monitoring-enabled",
    "ec2-volume-inuse",
    "encrypted-volumes",
    "elb-logging-enabled",
    "elb-deletion-protection-enabled",
    "rds-instance-public-access-check",
    "rds-instance-backup-enabled",
    "rds-instance-multi-az-enabled",
    "rds-storage-encrypted",
    "efs-encrypted",
    "redshift-cluster-configuration-check",
    "redshift-cluster-public-access-check",
    "dynamodb-table-encryption-enabled",
    "cmk-backing-key-rotation-enabled",
    "alb-http-to-https-redirection",
    "s3-bucket-logging-enabled",
    "security-group-no-rule-management-conflicts",
    "iam-role-no-policy-management-conflicts",
    "acm-certificate-expiration",
}
"""AWSGuard's rule names (pulumi/pulumi-policy-aws); the other anchors' ids carry their own prefix."""


def section(title: str) -> str:
    start = DOC.index(title)
    end = DOC.find("\n#", start + len(title))
    return DOC[start : end if end > 0 else None]


def rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("| `")]


def anchor_ids(text: str) -> dict[str, set[str]]:
    """Anchor rule ids named in a piece of the page, by anchor."""
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]+", text))
    return {
        "compliance": {w for w in words if w.startswith("aws-") and w.count("-") >= 3},
        "awsguard": words & AWSGUARD,
        "cdk-nag": {w for w in words if w.startswith("AwsSolutions-")},
    }


def test_every_policy_is_in_the_tables_with_its_kind_and_default_level() -> None:
    documented = {row[0].strip("`"): row[1] for row in rows(section("## The policies"))}
    for folder in ("least_privilege", "cost"):
        loaded = pack(folder)
        levels = {info.name: info.level for info in analyzer_info(loaded.servicer())}
        for policy in loaded.policies:
            kind = "stack" if type(policy).__name__ == "StackValidationPolicy" else "resource"
            assert policy.name in documented, policy.name
            cell = documented[policy.name]
            assert cell.startswith(kind), (policy.name, cell)
            if folder == "least_privilege":
                assert cell.endswith(", M" if levels[policy.name] == "mandatory" else ", A"), (policy.name, cell)
    names = {p.name for folder in ("least_privilege", "cost") for p in pack(folder).policies}
    assert set(documented) == names, set(documented) ^ names


def test_coverage_counts_come_from_the_tables() -> None:
    same_as = anchor_ids(" ".join(row[-1] for row in rows(section("## The policies"))))
    declined = anchor_ids(
        " ".join(line.split("|")[1] for line in section("### Anchor rules we do not adopt").splitlines() if line.startswith("| "))
    )
    table = {
        row[0]: row[1:]
        for row in (line.strip("|").split("|") for line in section("### Coverage of the anchors").splitlines()[4:] if line.startswith("| "))
    }
    for anchor, label in (
        ("compliance", "Pulumi compliance-ready policies"),
        ("awsguard", "AWSGuard"),
        ("cdk-nag", "cdk-nag AwsSolutions"),
    ):
        covered, refused = same_as[anchor] - declined[anchor], declined[anchor]
        total, shown_covered, shown_declined = (int(cell.strip()) for cell in table[f" {label} "])
        assert (total, shown_covered, shown_declined) == (len(covered | refused), len(covered), len(refused)), (
            anchor,
            sorted(covered),
            sorted(refused),
        )


@pytest.mark.parametrize("needle", ["README text (for the lead", "for the lead to merge"])
def test_no_hand_off_notes(needle: str) -> None:
    assert needle not in DOC
