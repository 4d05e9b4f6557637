"""Python Lambda functions for operations (book ch. 7): packaged handler, own log group, least-privilege role, alarms.

Shared by WebsiteHealthCheck and Ec2OwnerTagger. Every ARN a policy names is built from the
partition, region and account at construction, so the documents are plain JSON known in preview
too, where the policy packs judge them.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .alarms import AlarmSpec, create_alarms, encrypted_alarm_topic
from .ec2_defaults import current_region
from .iam import Statement, assume_role_policy, policy_document, statement
from .network import LOG_RETENTION_DAYS
from .tags import resource_tags

PYTHON_RUNTIME = aws.lambda_.Runtime.PYTHON3D13
"""Current Python runtime of Lambda (boto3 included); the handlers also run on 3.10+ for the tests."""
ARCHITECTURE = "arm64"
"""Graviton: about 20% cheaper per GB-second than x86_64 for the same pure-Python code."""
HANDLERS_DIR = Path(__file__).resolve().parent / "handlers"
"""The handler modules, shipped with the components (package data `handlers/*`)."""
LAMBDA_ALARMS = [
    AlarmSpec("errors", "Errors", "GreaterThanThreshold", 0, "Sum", 300, 1,
              "The function failed at least once in 5 minutes (book ch. 7: alarm on Errors)"),
    AlarmSpec("throttles", "Throttles", "GreaterThanThreshold", 0, "Sum", 300, 1,
              "Lambda throttled the function at least once in 5 minutes (book ch. 7: alarm on Throttles)"),
]
"""The alarms the book recommends for every production function."""

_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\(\S+( \S+){5}\)")


@dataclass(frozen=True)
class AwsContext:
    """Partition, region and account the program deploys to (from invokes, known in preview)."""

    partition: str
    region: str
    account: str


def aws_context() -> AwsContext:
    """Look up where the default provider deploys."""
    return AwsContext(aws.get_partition().partition, current_region(), aws.get_caller_identity().account_id)


def physical_name(*parts: str, max_length: int = 64) -> str:
    """A deterministic AWS name from `parts`: letters, digits, - and _ only, shortened with a hash when too long."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(p for p in parts if p)).strip("-_")
    if not name:
        raise ValueError(f"name: {parts!r} holds no letter or digit to build an AWS name from")
    if len(name) <= max_length:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: max_length - 9].rstrip('-_')}-{digest}"


def check_function_name(value: Optional[str], argument: str) -> None:
    """A Lambda function name: 1 to 64 letters, digits, - or _ (None lets the component derive one)."""
    if value is not None and not (isinstance(value, str) and _FUNCTION_NAME.fullmatch(value)):
        raise ValueError(f"{argument}: {value!r} is not a Lambda function name (1 to 64 letters, digits, - or _)")


def check_log_retention(value: int, argument: str) -> None:
    """A retention period CloudWatch Logs accepts."""
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{argument}: {value!r} is not a CloudWatch retention; use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")


def check_email(value: Optional[str], argument: str) -> None:
    """An e-mail address for an SNS subscription, or empty/None for none."""
    if value and not (isinstance(value, str) and _EMAIL.fullmatch(value)):
        raise ValueError(f"{argument}: {value!r} is not an e-mail address (expected e.g. ops@example.com)")


def check_schedule_expression(value: str, argument: str) -> None:
    """An EventBridge schedule: rate(1 minute), rate(N minutes|hours|days) or cron(6 fields)."""
    rate = _RATE.fullmatch(value) if isinstance(value, str) else None
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2)
        if amount >= 1 and (amount == 1) == (not unit.endswith("s")):
            return
    elif isinstance(value, str) and _CRON.fullmatch(value):
        return
    raise ValueError(
        f"{argument}: {value!r} is not a schedule; use rate(1 minute), rate(N minutes|hours|days) or cron(min hour dom month dow year)"
    )


def check_int_range(value: int, argument: str, low: int, high: int, unit: str) -> None:
    """A whole number within low..high."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{argument}: {value!r} is outside {low}..{high} {unit}")


def check_alarm_target(topic_arn: Optional[object], email: Optional[str], argument: str = "alarm_email") -> None:
    """An e-mail subscription only goes on a topic the component creates."""
    check_email(email, argument)
    if email and topic_arn is not None:
        raise ValueError(f"{argument}: {email!r} only goes on the topic the component creates; subscribe it to alarm_topic_arn yourself")


def handler_archive(module: str, *shared: str) -> pulumi.AssetArchive:
    """A zip holding `handlers/<module>.py` (handler `<module>.handler`) and the `shared` modules it imports, at the root."""
    assets = {}
    for name in (module, *shared):
        path = HANDLERS_DIR / f"{name}.py"
        if not path.is_file():
            raise ValueError(f"module: {name!r} has no handler file {path}")
        assets[f"{name}.py"] = pulumi.FileAsset(str(path))
    return pulumi.AssetArchive(assets)


def log_group_arn(ctx: AwsContext, log_group_name: str) -> str:
    """ARN of a log group, known before it exists."""
    return f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account}:log-group:{log_group_name}"


@dataclass(frozen=True)
class PythonFunction:
    """A function with its role and log group."""

    function: aws.lambda_.Function
    role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup
    policy_document: pulumi.Output[str]


def python_function(
    parent: pulumi.Resource,
    name: str,
    component: str,
    *,
    ctx: AwsContext,
    function_name: str,
    module: str,
    description: str,
    statements: pulumi.Input[Sequence[Statement]],
    environment: Mapping[str, pulumi.Input[str]],
    timeout: int,
    log_retention_days: int,
    tags: Optional[Mapping[str, str]],
    memory_size: int = 128,
    shared_modules: Sequence[str] = (),
) -> PythonFunction:
    """A Lambda function running `handlers/<module>.py` (with `shared_modules`), allowed `statements` plus writing its log group.

    Plain statements give a policy known in preview; statements holding outputs (an ARN AWS chooses) resolve at deployment.
    """
    child = pulumi.ResourceOptions(parent=parent)
    group_name = f"/aws/lambda/{function_name}"
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs", name=group_name, retention_in_days=log_retention_days,
        tags=resource_tags(f"{name}-logs", component, tags), opts=child,
    )
    role = aws.iam.Role(
        f"{name}-role",
        description=f"Runs the Lambda function {function_name}",
        assume_role_policy=assume_role_policy("lambda.amazonaws.com"),
        tags=resource_tags(f"{name}-role", component, tags),
        opts=child,
    )
    arn = log_group_arn(ctx, group_name)
    # The log group exists already, so no logs:CreateLogGroup; streams and events only in this group.
    logs = statement(["logs:CreateLogStream", "logs:PutLogEvents"], [arn, f"{arn}:*"], sid="WriteOwnLogGroup")
    document = pulumi.Output.from_input(statements).apply(lambda found: policy_document([logs, *found]))
    role_policy = aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=document, opts=child)
    function = aws.lambda_.Function(
        f"{name}-function",
        name=function_name,
        description=description,
        role=role.arn,
        runtime=PYTHON_RUNTIME,
        architectures=[ARCHITECTURE],
        handler=f"{module}.handler",
        code=handler_archive(module, *shared_modules),
        timeout=timeout,
        memory_size=memory_size,
        environment={"variables": dict(environment)} if environment else None,
        logging_config={"log_format": "Text", "log_group": log_group.name},
        tags=resource_tags(f"{name}-function", component, tags),
        # The first invocation must find its permissions and its log group in place.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy, log_group]),
    )
    return PythonFunction(function=function, role=role, log_group=log_group, policy_document=document)


def invoke_from_rule(name: str, rule: aws.cloudwatch.EventRule, function: aws.lambda_.Function, parent: pulumi.Resource) -> None:
    """Make an EventBridge rule invoke the function: the target, and a permission for that rule only."""
    child = pulumi.ResourceOptions(parent=parent)
    aws.cloudwatch.EventTarget(f"{name}-target", rule=rule.name, arn=function.arn, opts=child)
    aws.lambda_.Permission(
        f"{name}-invoke",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
        opts=child,
    )


def alarm_topic_arn(
    parent: pulumi.Resource,
    name: str,
    component: str,
    topic_arn: Optional[pulumi.Input[str]],
    email: Optional[str],
    tags: Optional[Mapping[str, str]],
) -> pulumi.Output[str]:
    """The given topic, or a new encrypted one with an optional e-mail subscription (to be confirmed by mail)."""
    if topic_arn is not None:
        return pulumi.Output.from_input(topic_arn)
    topic = encrypted_alarm_topic(name, component, tags, parent)
    if email:
        aws.sns.TopicSubscription(
            f"{name}-alarm-email", topic=topic.arn, protocol="email", endpoint=email,
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return topic.arn


def function_alarms(
    parent: pulumi.Resource,
    name: str,
    component: str,
    function_name: str,
    topic_arn: pulumi.Input[str],
    tags: Optional[Mapping[str, str]],
) -> list[aws.cloudwatch.MetricAlarm]:
    """Errors and Throttles alarms (Sum over 5 minutes > 0) on one function."""
    return create_alarms(name, component, tags, parent, "AWS/Lambda", {"FunctionName": function_name}, LAMBDA_ALARMS, topic_arn)
