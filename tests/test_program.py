"""The program, run for every committed stack under mocks: dev is cheap, prod is highly available."""

import pytest

from tests.harness import STACKS, run_stack, world_open_ingress

SUBNET = "aws:ec2/subnet:Subnet"


def zones_by_tier(result) -> dict[str, set[str]]:
    tiers: dict[str, set[str]] = {}
    for subnet in result.of_type(SUBNET):
        tiers.setdefault(subnet.inputs["tags"]["Tier"], set()).add(subnet.inputs["availabilityZone"])
    return tiers


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_runs_in_both_modes(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    assert result.count("aws:ec2/vpc:Vpc") == 1
    assert not [r for r in world_open_ingress(result) if r[1] <= 22 <= r[2] or r[1] == -1]


def test_prod_spans_three_azs_with_a_nat_gateway_each(preview: bool) -> None:
    result = run_stack("prod", preview)
    assert {tier: len(zones) for tier, zones in zones_by_tier(result).items()} == {"public": 3, "private": 3, "isolated": 3}
    assert result.count("aws:ec2/natGateway:NatGateway") == 3


def test_dev_spans_two_azs_with_one_nat(preview: bool) -> None:
    result = run_stack("dev", preview)
    assert {tier: len(zones) for tier, zones in zones_by_tier(result).items()} == {"public": 2, "private": 2, "isolated": 2}
    nat_instances = [i for i in result.of_type("aws:ec2/instance:Instance") if i.inputs["tags"].get("Role") == "nat-instance"]
    assert result.count("aws:ec2/natGateway:NatGateway") + len(nat_instances) == 1


def test_stack_outputs_are_exported_in_camel_case() -> None:
    result = run_stack("prod")
    assert result.outputs, "the program exports its outputs"
    for name in result.outputs:
        assert name[0].islower() and "_" not in name and "-" not in name, name
    assert result.outputs["availabilityZones"] == ["us-east-1a", "us-east-1b", "us-east-1c"]
