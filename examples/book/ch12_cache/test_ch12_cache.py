"""Chapter 12 program: one encrypted, AUTH-protected cache node in dev, reachable only from the VPC's app group."""

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

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def test_dev_runs_one_encrypted_node_in_the_isolated_subnets(checked: CheckResult) -> None:
    [group] = resources(checked, GROUP)
    assert (group.inputs["numCacheClusters"], group.inputs["multiAzEnabled"]) == (1, False)
    assert group.inputs["transitEncryptionEnabled"] is True and group.inputs["atRestEncryptionEnabled"] is True
    [subnet_group] = resources(checked, "aws:elasticache/subnetGroup:SubnetGroup")
    isolated = {s.id for s in resources(checked, "aws:ec2/subnet:Subnet") if s.inputs["tags"].get("Tier") == "isolated"}
    assert set(subnet_group.inputs["subnetIds"]) == isolated and len(isolated) == 2
    assert not resources(checked, "aws:ec2/natGateway:NatGateway") and not resources(checked, "aws:ec2/internetGateway:InternetGateway")


def test_bad_config_is_one_line(program: Path) -> None:
    book_checks.assert_bad_config_is_one_line(program, {"ch12-cache:engine": "memcached"}, "ch12-cache:engine: 'memcached' is not allowed")
    book_checks.assert_bad_config_is_one_line(program, {"ch12-cache:multiAz": "true"}, "ch12-cache:replicaCount: 0 leaves Multi-AZ")
