"""Every security group of the committed stacks as AWS will see it: text EC2 accepts, and exactly the egress we mean.

Mocks accept any string and any rule; EC2 does not (an apostrophe in a description fails `pulumi up` with
InvalidParameterValue), and a rule too many (a bastion with SSH to 0.0.0.0/0) passes every other check.
"""

import dataclasses
import re
from typing import Any, Optional

import pytest

from policies.offline.runner import MockRun
from tests.harness import STACKS, run_stack

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
EC2_TEXT = re.compile(r"^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*$")
"""What EC2 accepts in security group names and descriptions and in rule descriptions (CreateSecurityGroup,
AuthorizeSecurityGroupEgress API references), at most 255 characters."""
EC2_TEXT_MAX = 255
VPC = "10.0.0.0/16"
WORLD = "0.0.0.0/0"

Rule = tuple[str, Optional[int], Optional[int], str]
"""(protocol, from port, to port, destination): a CIDR, pl:<logical name of the gateway endpoint whose prefix list it is>,
or sg:<logical name of the group>."""

EXPECTED_EGRESS: dict[str, set[Rule]] = {
    "shop-network-nat": {("-1", None, None, WORLD)},
    "shop-network-bastion": {("tcp", 22, 22, VPC), ("tcp", 443, 443, "pl:shop-network-s3-endpoint")},
    "shop-network-app": {("-1", None, None, VPC), ("tcp", 443, 443, WORLD)},
    "shop-lb-alb": {("tcp", 80, 80, VPC)},
    "shop-db-db": set(),
    "shop-files-efs-client": {("tcp", 2049, 2049, "sg:shop-files-efs-mount-target")},
    "shop-files-efs-mount-target": set(),
    "shop-web-servers": {("tcp", 443, 443, WORLD), ("tcp", 3306, 3306, VPC), ("tcp", 2049, 2049, VPC)},
}
"""Every egress rule of every security group the committed stacks create; a group without rules sends nothing."""
GROUPS_BY_STACK = {
    "dev": set(EXPECTED_EGRESS) - {"shop-network-bastion"},
    "prod": set(EXPECTED_EGRESS) - {"shop-network-nat"},
}
"""dev egresses through a NAT instance and has no bastion; prod has NAT gateways and a bastion."""


def ec2_texts(result: MockRun) -> list[tuple[str, str, Any]]:
    """(resource, field, value) of every name and description EC2 restricts to its character set."""
    found = []
    for group in result.of_type(SECURITY_GROUP):
        for key in ("description", "name", "namePrefix"):
            if key in group.inputs:
                found.append((group.name, key, group.inputs[key]))
        for direction in ("ingress", "egress"):
            for index, rule in enumerate(group.inputs.get(direction) or []):
                if "description" in rule:
                    found.append((group.name, f"{direction}[{index}].description", rule["description"]))
    for rule in result.of_type(INGRESS_RULE) + result.of_type(EGRESS_RULE) + result.of_type(LEGACY_RULE):
        if "description" in rule.inputs:
            found.append((rule.name, "description", rule.inputs["description"]))
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_security_group_names_and_descriptions_are_text_ec2_accepts(stack: str, preview: bool) -> None:
    texts = ec2_texts(run_stack(stack, preview))
    assert len(texts) >= 15, "every group and rule of the stack is described"
    refused = [(name, key, value) for name, key, value in texts if not (EC2_TEXT.match(value) and len(value) <= EC2_TEXT_MAX)]
    assert refused == [], "EC2 refuses these at pulumi up (InvalidParameterValue)"


@pytest.mark.parametrize("text", ["Load balancer: the fleet's port", "tab\there", "über", "x" * 256])
def test_the_ec2_character_set_refuses_what_ec2_refuses(text: str) -> None:
    assert not (EC2_TEXT.match(text) and len(text) <= EC2_TEXT_MAX)


def _group_names(result: MockRun) -> dict[str, str]:
    return {group.urn: group.name for group in result.of_type(SECURITY_GROUP)}


def _port(value: Any) -> Optional[int]:
    return None if value in (None, -1, -1.0) else int(value)


def _owner(result: MockRun, rule: Any, key: str) -> str:
    """The logical name of the group a rule input refers to, from its recorded dependency (known in preview too)."""
    names = _group_names(result)
    [urn] = [u for u in rule.property_dependencies.get(key, []) if u in names]
    return names[urn]


def _prefix_list(result: MockRun, rule: Any) -> str:
    """pl:<logical name of the gateway endpoint> whose prefix list the rule names (known in preview too), else the ID."""
    endpoints = {e.urn: e.name for e in result.of_type(ENDPOINT)}
    named = [endpoints[u] for u in rule.property_dependencies.get("prefixListId", []) if u in endpoints]
    return f"pl:{named[0]}" if named else str(rule.inputs["prefixListId"])


def egress_by_group(result: MockRun) -> dict[str, set[Rule]]:
    """Every egress rule of the run, in any of the three forms the provider offers, by group logical name."""
    table: dict[str, set[Rule]] = {group.name: set() for group in result.of_type(SECURITY_GROUP)}
    for rule in result.of_type(EGRESS_RULE):
        spec = rule.inputs
        destination = (
            spec.get("cidrIpv4")
            or spec.get("cidrIpv6")
            or (_prefix_list(result, rule) if "prefixListId" in spec else None)
            or (f"sg:{_owner(result, rule, 'referencedSecurityGroupId')}" if "referencedSecurityGroupId" in spec else "?")
        )
        table[_owner(result, rule, "securityGroupId")].add(
            (str(spec["ipProtocol"]), _port(spec.get("fromPort")), _port(spec.get("toPort")), destination)
        )
    for rule in result.of_type(LEGACY_RULE):
        if rule.inputs.get("type") == "egress":
            blocks = [*(rule.inputs.get("cidrBlocks") or []), *(rule.inputs.get("ipv6CidrBlocks") or [])] or ["sg-or-prefix-list"]
            for block in blocks:
                table[_owner(result, rule, "securityGroupId")].add(
                    (str(rule.inputs["protocol"]), _port(rule.inputs.get("fromPort")), _port(rule.inputs.get("toPort")), block)
                )
    for group in result.of_type(SECURITY_GROUP):
        for inline in group.inputs.get("egress") or []:
            for block in [*(inline.get("cidrBlocks") or []), *(inline.get("ipv6CidrBlocks") or [])] or ["sg-or-prefix-list"]:
                table[group.name].add((str(inline["protocol"]), _port(inline.get("fromPort")), _port(inline.get("toPort")), block))
    return table


@pytest.mark.parametrize("stack", sorted(GROUPS_BY_STACK))  # the stacks whose groups are written down here
def test_every_security_group_has_exactly_the_egress_it_needs(stack: str, preview: bool) -> None:
    table = egress_by_group(run_stack(stack, preview))
    assert set(table) == GROUPS_BY_STACK[stack]
    assert table == {group: EXPECTED_EGRESS[group] for group in table}


def test_a_bastion_with_ssh_egress_to_the_internet_fails_the_egress_check() -> None:
    result = run_stack("prod")
    [ssh_out] = [r for r in result.of_type(EGRESS_RULE) if r.name == "shop-network-bastion-ssh-out"]
    widened = dataclasses.replace(ssh_out, inputs={**ssh_out.inputs, "cidrIpv4": WORLD})
    mutant = MockRun(resources=[widened if r is ssh_out else r for r in result.resources], outputs=result.outputs)
    assert egress_by_group(mutant)["shop-network-bastion"] != EXPECTED_EGRESS["shop-network-bastion"]
    assert egress_by_group(result)["shop-network-bastion"] == EXPECTED_EGRESS["shop-network-bastion"]
