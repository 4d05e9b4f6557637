"""Cost guardrails: allowed instance sizes, capped scaling and NAT gateways, gp3 volumes, log retention."""

import fnmatch
from typing import Any, Iterator

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import get, items, number, policy_config
from .estimate import load_prices

INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
VOLUME = "aws:ebs/volume:Volume"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
def _known_sizes() -> dict[str, list[str]]:
    """The sizes the price table prices, per allow-list: nothing unpriced is allowed by default."""
    prices = load_prices()
    return {
        "ec2InstanceTypes": sorted(prices["ec2InstanceHour"]),
        "rdsInstanceClasses": sorted({size for sizes in prices["rdsInstanceHour"].values() for size in sizes}),
        "elasticacheNodeTypes": sorted({size for sizes in prices["elasticacheNodeHour"].values() for size in sizes}),
        "redshiftNodeTypes": sorted(prices["redshiftNodeHour"]),
    }


SIZES = _known_sizes()
"""Default allow-lists (fnmatch patterns such as "t4g.*" are accepted): the sizes the price table knows."""
COSTLY_VOLUME_TYPES = ("gp2", "io1", "standard")
"""Volume types that cost more than gp3 for the same or less performance."""


def _sizes(resource_type: str, props: Any) -> Iterator[tuple[str, str, Any]]:
    """(allow-list key, where, size) of every instance size a resource asks for."""
    if resource_type in (INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION, "aws:ec2/spotInstanceRequest:SpotInstanceRequest"):
        yield "ec2InstanceTypes", "instanceType", get(props, "instanceType")
    elif resource_type == AUTOSCALING_GROUP:
        for index, override in enumerate(items(get(props, "mixedInstancesPolicy", "launchTemplate", "overrides"))):
            yield "ec2InstanceTypes", f"mixedInstancesPolicy override {index}", get(override, "instanceType")
    elif resource_type in ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"):
        yield "rdsInstanceClasses", "instanceClass", get(props, "instanceClass")
    elif resource_type in ("aws:elasticache/cluster:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup"):
        yield "elasticacheNodeTypes", "nodeType", get(props, "nodeType")
    elif resource_type == "aws:redshift/cluster:Cluster":
        yield "redshiftNodeTypes", "nodeType", get(props, "nodeType")
    elif resource_type == "aws:eks/nodeGroup:NodeGroup":
        for index, size in enumerate(items(get(props, "instanceTypes"))):
            yield "ec2InstanceTypes", f"instanceTypes[{index}]", size


def validate_allowed_instance_types(args: ResourceValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, SIZES)
    for key, where, size in _sizes(args.resource_type, args.props):
        allowed = list(cfg[key])
        if isinstance(size, str) and not any(fnmatch.fnmatchcase(size, pattern) for pattern in allowed):
            report(
                f"{where} {size} is not on this stack's {key} allow-list ({', '.join(allowed)}). "
                f"Fix: pick an allowed size, or add it to {key} in the stack's pack config after checking its price."
            )


def validate_asg_max_size(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != AUTOSCALING_GROUP:
        return
    cap = number(policy_config(args, {"maxSize": 10})["maxSize"])
    size = number(get(args.props, "maxSize"))
    if size > cap:
        report(
            f"maxSize is {size:.0f}, above this stack's cap of {cap:.0f}: a scaling storm multiplies the bill. Fix: max_size<={cap:.0f}."
        )


def validate_nat_gateway_count(args: StackValidationArgs, report: ReportViolation) -> None:
    cap = number(policy_config(args, {"maxNatGateways": 3})["maxNatGateways"])
    gateways = [r for r in args.resources if r.resource_type == NAT_GATEWAY]
    if len(gateways) > cap:
        names = ", ".join(r.name for r in gateways)
        report(
            f"{len(gateways)} NAT gateways ({names}) exceed this stack's cap of {cap:.0f}; each costs about $33 a month before traffic. "
            "Fix: natStrategy single (or instance) outside production, or raise maxNatGateways."
        )


def _volume_types(resource_type: str, props: Any) -> Iterator[tuple[str, Any]]:
    if resource_type in (INSTANCE, LAUNCH_CONFIGURATION):
        yield "rootBlockDevice", get(props, "rootBlockDevice", "volumeType")
        for index, device in enumerate(items(get(props, "ebsBlockDevices"))):
            yield f"ebsBlockDevices[{index}]", get(device, "volumeType")
    elif resource_type == LAUNCH_TEMPLATE:
        for index, mapping in enumerate(items(get(props, "blockDeviceMappings"))):
            yield f"blockDeviceMappings[{index}]", get(mapping, "ebs", "volumeType")
    elif resource_type == VOLUME:
        # The provider creates gp2 when no type is given.
        yield "type", get(props, "type", default="gp2")


def validate_ebs_gp3(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = policy_config(args, {"allowedVolumeTypes": []})["allowedVolumeTypes"]
    for where, kind in _volume_types(args.resource_type, args.props):
        if kind in COSTLY_VOLUME_TYPES and kind not in allowed:
            report(f'{where} is {kind}; gp3 is 20% cheaper than gp2 with 3,000 IOPS included. Fix: volume_type="gp3".')


def validate_log_group_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LOG_GROUP:
        return
    cap = number(policy_config(args, {"maxDays": 731})["maxDays"])
    days = number(get(args.props, "retentionInDays"))
    if days <= 0:
        report("retentionInDays is not set, so the logs are kept (and billed) forever. Fix: retention_in_days=30 (or what you must keep).")
    elif days > cap:
        report(f"retentionInDays is {days:.0f}, above this stack's cap of {cap:.0f}. Fix: retention_in_days<={cap:.0f}.")


def _list(description: str, default: list[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "default": default, "description": description}


POLICIES = [
    ResourceValidationPolicy(
        name="allowed-instance-types",
        description="EC2 instance types, RDS classes, ElastiCache and Redshift node types come from the stack's allow-lists.",
        validate=validate_allowed_instance_types,
        config_schema=PolicyConfigSchema(
            properties={
                "ec2InstanceTypes": _list("Allowed EC2 instance types (fnmatch patterns).", SIZES["ec2InstanceTypes"]),
                "rdsInstanceClasses": _list("Allowed RDS instance classes (fnmatch patterns).", SIZES["rdsInstanceClasses"]),
                "elasticacheNodeTypes": _list("Allowed ElastiCache node types (fnmatch patterns).", SIZES["elasticacheNodeTypes"]),
                "redshiftNodeTypes": _list("Allowed Redshift node types (fnmatch patterns).", SIZES["redshiftNodeTypes"]),
            }
        ),
        remediation_steps="Use an allowed size or extend the stack's allow-list.",
    ),
    ResourceValidationPolicy(
        name="asg-max-size",
        description="Auto-scaling groups cap their maximum size.",
        validate=validate_asg_max_size,
        config_schema=PolicyConfigSchema(
            properties={"maxSize": {"type": "integer", "minimum": 1, "default": 10, "description": "Highest allowed max_size."}}
        ),
        remediation_steps="Lower max_size or raise the stack's cap.",
    ),
    StackValidationPolicy(
        name="nat-gateway-count",
        description="The stack runs no more NAT gateways than its cap.",
        validate=validate_nat_gateway_count,
        config_schema=PolicyConfigSchema(
            properties={"maxNatGateways": {"type": "integer", "minimum": 0, "default": 3, "description": "Most NAT gateways allowed."}}
        ),
        remediation_steps="Share one NAT gateway (or a NAT instance) outside production.",
    ),
    ResourceValidationPolicy(
        name="ebs-gp3",
        description="EBS volumes use gp3 rather than gp2, io1 or magnetic unless allowed.",
        validate=validate_ebs_gp3,
        config_schema=PolicyConfigSchema(
            properties={"allowedVolumeTypes": _list("Costlier volume types allowed anyway (gp2, io1, standard).", [])}
        ),
        remediation_steps='Set volume_type="gp3".',
    ),
    ResourceValidationPolicy(
        name="log-group-retention",
        description="CloudWatch log groups set a retention no longer than the stack's cap.",
        validate=validate_log_group_retention,
        config_schema=PolicyConfigSchema(
            properties={"maxDays": {"type": "integer", "minimum": 1, "default": 731, "description": "Longest allowed retention in days."}}
        ),
        remediation_steps="Set retention_in_days.",
    ),
]
