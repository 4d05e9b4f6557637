"""What AWS enforces across resources and cfn-lint does not know: counts, one row each with its source."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Iterator

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import UNKNOWN, StackIndex, is_list, known, number, policy_config
from .limits import ROLE_INLINE_CHARACTERS, Limit, iam_size, known_text, report_text, role_inline_documents, skip_schema

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
SCHEDULES_PER_GROUP = 125
SECURITY_GROUP_RULE_TYPES = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress",
}


def _role_inline_totals(index: StackIndex, _config: Mapping[str, Any]) -> Iterator[tuple[Any, str]]:
    for role in index.of_type("aws:iam/role:Role"):
        sizes = [iam_size(d) for d in role_inline_documents(role.props)]
        for attached in index.referrers(role, (ROLE_POLICY,), "role"):
            document = known_text(attached.props, "policy")
            sizes.append(iam_size(document) if document else 0)
        if len(sizes) > 1 and sum(sizes) > ROLE_INLINE_CHARACTERS:
            yield (
                role,
                (
                    f"its {len(sizes)} inline policies (inline_policies and aws.iam.RolePolicy) hold {sum(sizes):,} characters "
                    f"together (white space not counted); a role takes at most {ROLE_INLINE_CHARACTERS:,}"
                ),
            )


def _schedules_per_group(index: StackIndex, _config: Mapping[str, Any]) -> Iterator[tuple[Any, str]]:
    for group in index.of_type("aws:autoscaling/group:Group"):
        count = len(index.referrers(group, (SCHEDULE,), "autoscalingGroupName"))
        if count > SCHEDULES_PER_GROUP:
            yield group, f"{count} aws.autoscaling.Schedule resources target it; an auto-scaling group takes at most {SCHEDULES_PER_GROUP}"


def _sources(rule: Any) -> dict[str, int]:
    """Rule entries per IP family (a lower bound: a referenced prefix list counts as one, AWS counts its size)."""
    counts = {"IPv4": 0, "IPv6": 0}
    for key, family in (("cidrBlocks", "IPv4"), ("ipv6CidrBlocks", "IPv6")):
        blocks = known(rule, key)
        counts[family] += len(blocks) if is_list(blocks) else 0
    for key in ("cidrIpv4", "securityGroups", "self", "referencedSecurityGroupId", "prefixListId", "prefixListIds"):
        value = known(rule, key)
        if value is UNKNOWN or value in (None, False, ""):
            continue
        counts["IPv4"] += len(value) if is_list(value) else 1
    if known(rule, "cidrIpv6") not in (None, UNKNOWN, ""):
        counts["IPv6"] += 1
    return counts


def _security_group_rules(index: StackIndex, config: Mapping[str, Any]) -> Iterator[tuple[Any, str]]:
    quota = int(number(config["rulesPerSecurityGroup"], 60))
    for group in index.of_type("aws:ec2/securityGroup:SecurityGroup"):
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for direction in ("ingress", "egress"):
            rules = known(group.props, direction)
            for i in range(len(rules)) if is_list(rules) else []:
                for family, count in _sources(known(rules, i)).items():
                    totals[(direction, family)] += count
        for rule_type, direction in SECURITY_GROUP_RULE_TYPES.items():
            for rule in index.referrers(group, (rule_type,), "securityGroupId"):
                for family, count in _sources(rule.props).items():
                    totals[(direction, family)] += count
        for (direction, family), count in sorted(totals.items()):
            if count > quota:
                yield (
                    group,
                    (
                        f"{direction} holds at least {count} {family} rules (inline and aws.vpc rule resources); "
                        f"the account's quota is {quota} per group (raise rulesPerSecurityGroup if yours is higher)"
                    ),
                )


STACK_LIMITS: tuple[Limit, ...] = (
    Limit(
        "role-inline-policies-size",
        "a role's inline policies together at most 10,240 characters (white space not counted)",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
        _role_inline_totals,
    ),
    Limit(
        "scheduled-actions-per-group",
        "at most 125 scheduled actions per auto-scaling group",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-quotas.html",
        _schedules_per_group,
    ),
    Limit(
        "security-group-rules",
        "inbound and outbound rules per security group, per IP family: 60 by default (an adjustable quota)",
        "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups",
        _security_group_rules,
    ),
)
"""The rows counted across the stack."""
STACK_DEFAULTS = {"skip": [], "rulesPerSecurityGroup": 60}


def validate_documented_stack_limits(args: StackValidationArgs, report: ReportViolation) -> None:
    config = policy_config(args, STACK_DEFAULTS)
    index = StackIndex(args.resources)
    for limit in STACK_LIMITS:
        if limit.id not in set(config["skip"]):
            for resource, problem in limit.check(index, config):
                report(report_text(limit, problem), resource.urn)


POLICIES = [
    StackValidationPolicy(
        name="aws-documented-stack-limits",
        description=(
            "Counts across resources stay within AWS's limits: a role's inline policies, scheduled actions per group, "
            "rules per security group."
        ),
        validate=validate_documented_stack_limits,
        config_schema=PolicyConfigSchema(
            properties={
                "skip": skip_schema(STACK_LIMITS),
                "rulesPerSecurityGroup": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1000,
                    "default": STACK_DEFAULTS["rulesPerSecurityGroup"],
                    "description": "The account's quota of inbound (and of outbound) rules per security group.",
                },
            }
        ),
        remediation_steps="Split the policy, the schedules or the rules, or raise the quota where AWS allows it.",
    ),
]
