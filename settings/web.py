"""Stack config of the web fleet: load balancer and auto-scaling group."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.ec2_defaults import check_instance_type
from components.load_balancer import check_between, check_health_check_path
from components.web_fleet import ScheduledCapacity, check_ami_id, check_architecture, check_group_size, check_schedules, parse_schedule

from .schema import Key, matches

SCHEDULED_ACTIONS_PER_GROUP = 125
"""Scheduled actions an Auto Scaling group takes (Amazon EC2 Auto Scaling quotas:
https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-quotas.html)."""


def _between(low: int, high: int) -> Any:
    return lambda value, key: check_between(value, low, high, key)


def _schedules(values: list[str], key: str) -> None:
    if len(values) > SCHEDULED_ACTIONS_PER_GROUP:
        raise ValueError(f"{key}: {len(values)} schedules are more than the {SCHEDULED_ACTIONS_PER_GROUP} an auto-scaling group takes")
    seen: dict[str, str] = {}
    for text in values:
        recurrence = " ".join(parse_schedule(text, key).recurrence.split())
        # AWS refuses two scheduled actions of one group at the same time (scheduled scaling, "Considerations").
        if recurrence in seen:
            raise ValueError(f"{key}: {text!r} runs at the same time as {seen[recurrence]!r}; give each time one schedule")
        seen[recurrence] = text


def _instance_types(values: list[str], key: str) -> None:
    for value in values:
        check_instance_type(value, key)


KEYS = [
    Key(
        "webInstanceType",
        "string",
        "t4g.micro",
        "Instance type of the web servers; Graviton (t4g, m7g...) boots the arm64 image.",
        lambda v, k: check_instance_type(v, k) and None,
    ),
    Key("webMinSize", "integer", 2, "Fewest web servers; 2 or more keeps the site up when an AZ fails.", _between(0, 1000)),
    Key(
        "webDesiredSize",
        "integer",
        2,
        "Web servers at creation, within webMinSize..webMaxSize; later updates leave it to scaling.",
        _between(0, 1000),
    ),
    Key("webMaxSize", "integer", 4, "Most web servers the group scales out to.", _between(1, 1000)),
    Key(
        "webCpuTargetPercent",
        "integer",
        70,
        "Average CPU the group scales to keep (target tracking, book ch. 17); 0 turns it off.",
        _between(0, 100),
    ),
    Key("webSchedules", "array", [], "Scheduled capacities as CRON=SIZE in UTC, e.g. '0 8 * * *=4' and '0 20 * * *=2'.", _schedules),
    Key(
        "webSpotPercent",
        "integer",
        0,
        "Share of the capacity above one on-demand server that runs on spot instances, 0 to 100.",
        _between(0, 100),
    ),
    Key(
        "webSpotInstanceTypes",
        "array",
        [],
        "More instance types of the same architecture for spot capacity, e.g. t4g.small.",
        _instance_types,
    ),
    Key(
        "webAmiId",
        "string",
        "",
        "AMI of the web servers (Amazon Linux 2023, webInstanceType's architecture); empty for the latest, looked up at every run.",
        lambda v, k: check_ami_id(v or None, k),
    ),
    Key("webDetailedMonitoring", "boolean", False, "One-minute EC2 metrics for the web servers (costs extra)."),
    Key("webSsmAccess", "boolean", True, "Shell access to the web servers through SSM Session Manager, without SSH."),
    Key(
        "webHealthCheckPath",
        "string",
        "/healthz",
        "Path the load balancer probes; the servers answer 200 there once ready.",
        check_health_check_path,
    ),
    Key(
        "certificateArn",
        "string",
        "",
        "ACM certificate for HTTPS on the load balancer (HTTP then redirects); empty for HTTP only.",
        matches(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+", "arn:aws:acm:us-east-1:123456789012:certificate/<id>"),
        example="arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    ),
    Key("albAccessLogs", "boolean", False, "Write the load balancer's access logs to a private, encrypted S3 bucket."),
    Key("albAccessLogRetentionDays", "integer", 90, "Days the load balancer's access logs are kept.", _between(1, 3653)),
    Key("albDeletionProtection", "boolean", False, "Refuse to delete the load balancer (turn on in production)."),
]


@dataclass(frozen=True)
class WebSettings:
    """Typed settings of the web fleet and its load balancer."""

    instance_type: str
    min_size: int
    desired_size: int
    max_size: int
    cpu_target_percent: int
    schedules: list[ScheduledCapacity]
    spot_percent: int
    spot_instance_types: list[str]
    on_demand_base_capacity: int
    ami_id: Optional[str]
    detailed_monitoring: bool
    ssm_access: bool
    health_check_path: str
    certificate_arn: Optional[str]
    alb_access_logs: bool
    alb_access_log_retention_days: int
    alb_deletion_protection: bool


def build(values: Mapping[str, Any], key: Any) -> WebSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    sizes = values["webMinSize"], values["webDesiredSize"], values["webMaxSize"]
    check_group_size(*sizes, (key("webMinSize"), key("webDesiredSize"), key("webMaxSize")))
    schedules = [parse_schedule(text, key("webSchedules")) for text in values["webSchedules"]]
    check_schedules(
        schedules, values["webMinSize"], values["webMaxSize"], key("webSchedules"), bounds=f"{key('webMinSize')}..{key('webMaxSize')}"
    )
    architecture = check_architecture(values["webInstanceType"], None, key("webInstanceType"), key("webInstanceType"))
    for extra in values["webSpotInstanceTypes"]:
        check_architecture(extra, architecture, key("webSpotInstanceTypes"), key("webInstanceType"))
    return WebSettings(
        instance_type=values["webInstanceType"],
        min_size=values["webMinSize"],
        desired_size=values["webDesiredSize"],
        max_size=values["webMaxSize"],
        cpu_target_percent=values["webCpuTargetPercent"],
        schedules=schedules,
        spot_percent=values["webSpotPercent"],
        spot_instance_types=values["webSpotInstanceTypes"],
        # With spot, one server stays on demand so the site never rests on spot capacity alone.
        on_demand_base_capacity=1 if values["webSpotPercent"] else 0,
        ami_id=values["webAmiId"] or None,
        detailed_monitoring=values["webDetailedMonitoring"],
        ssm_access=values["webSsmAccess"],
        health_check_path=values["webHealthCheckPath"],
        certificate_arn=values["certificateArn"] or None,
        alb_access_logs=values["albAccessLogs"],
        alb_access_log_retention_days=values["albAccessLogRetentionDays"],
        alb_deletion_protection=values["albDeletionProtection"],
    )
