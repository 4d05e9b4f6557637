"""Access logs: who asked CloudFront, the load balancers, the buckets and the APIs for what; which addresses talked
in each VPC (flow logs).

A bucket that receives logs (access logs, log deliveries, CloudTrail trails) is not asked to log itself: its own
access logs would land in it, forever.
"""

from typing import Any

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import StackIndex, Verdicts, get, is_true, items, known, policy_config, present

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer")
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
LOG_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
LOG_DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery"
LOG_DESTINATION = "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"
API_STAGES = ("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage")
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
TRAIL = "aws:cloudtrail/trail:Trail"
KINDS = ["cloudfront", "loadBalancers", "buckets", "apiStages", "vpcs"]


def _bucket_keys(bucket: Any) -> set[str]:
    """The strings other resources use to name a bucket: its ID, name and ARN."""
    return {v for v in (known(bucket.props, k) for k in ("id", "bucket", "arn")) if isinstance(v, str) and v}


def _named(value: Any) -> set[str]:
    """A log target as written: a bucket name, an ARN, or a CloudFront-style domain (name.s3.amazonaws.com)."""
    if not isinstance(value, str) or not value:
        return set()
    return {value, value.split(".s3.", 1)[0], value.rsplit(":::", 1)[-1]}


def _log_targets(stack: StackIndex) -> set[str]:
    """Names, IDs and ARNs of the buckets the stack sends access logs to, plus the URNs found through dependencies."""
    targets: set[str] = set()
    sources = [
        (stack.of_type(*LOAD_BALANCERS), ("accessLogs",), "bucket"),
        (stack.of_type(*BUCKET_LOGGING), (), "targetBucket"),
        (stack.of_type(DISTRIBUTION), ("loggingConfig",), "bucket"),
        (stack.of_type(LOG_DESTINATION), ("deliveryDestinationConfiguration",), "destinationResourceArn"),
        (stack.of_type(TRAIL), (), "s3BucketName"),
    ]
    for resources, path, key in sources:
        for resource in resources:
            targets |= _named(known(resource.props, *path, key))
            dependencies = getattr(resource, "property_dependencies", None) or {}
            targets |= {r.urn for r in dependencies.get(path[0] if path else key, []) if r.resource_type in BUCKETS}
    for bucket in stack.of_type(*BUCKETS):
        for entry in [*items(known(bucket.props, "loggings")), known(bucket.props, "logging")]:
            targets |= _named(known(entry, "targetBucket"))
    return targets


def _delivered(stack: StackIndex, source: Any) -> bool:
    """Whether a log delivery sends this source's logs somewhere (by its name, or by dependency in a preview)."""
    name = known(source.props, "name")
    for delivery in stack.of_type(LOG_DELIVERY):
        dependencies = (getattr(delivery, "property_dependencies", None) or {}).get("deliverySourceName", [])
        if known(delivery.props, "deliverySourceName") == name or any(r.urn == source.urn for r in dependencies):
            return True
    return False


def _distribution_logged(stack: StackIndex, distribution: Any) -> bool:
    if present(distribution.props, "loggingConfig", "bucket"):
        return True
    sources = stack.referrers(distribution, (LOG_SOURCE,), "resourceArn")
    return any(get(s.props, "logType") == "ACCESS_LOGS" and _delivered(stack, s) for s in sources)


def validate_access_logging(args: StackValidationArgs, report: ReportViolation) -> None:
    kinds = set(policy_config(args, {"resources": KINDS})["resources"])
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def judge_distribution(distribution: Any) -> None:
        if not _distribution_logged(stack, distribution):
            report(
                "It keeps no access logs: nobody can tell who requested what. Fix: standard logging v2 "
                '(aws.cloudwatch.LogDeliverySource with log_type "ACCESS_LOGS", a LogDeliveryDestination in S3 or '
                "CloudWatch Logs, and a LogDelivery), or logging_config with a log bucket.",
                distribution.urn,
            )

    def judge_balancer(balancer: Any) -> None:
        # A classic load balancer's access_logs block is enabled unless it says otherwise; an ALB/NLB's is not.
        classic = balancer.resource_type.startswith("aws:elb/")
        enabled = is_true(get(balancer.props, "accessLogs", "enabled", default=classic))
        if not enabled or not present(balancer.props, "accessLogs", "bucket"):
            report(
                "accessLogs is not enabled: requests, client addresses and errors are not recorded. "
                'Fix: access_logs={"enabled": True, "bucket": <a private log bucket with the ELB delivery policy>}.',
                balancer.urn,
            )

    targets = _log_targets(stack) if "buckets" in kinds else set()
    logged = set()
    for logging in stack.of_type(*BUCKET_LOGGING):
        logged |= {b.urn for b in stack.refs(logging, "bucket", types=BUCKETS)}

    def judge_bucket(bucket: Any) -> None:
        if bucket.urn in targets or _bucket_keys(bucket) & targets or bucket.urn in logged:
            return
        if present(bucket.props, "logging", "targetBucket") or present(bucket.props, "loggings"):
            return
        report(
            "It has no server access logs. Fix: aws.s3.BucketLogging(bucket=bucket.id, target_bucket=<a log bucket>, "
            "target_prefix=...); log buckets themselves are exempt.",
            bucket.urn,
        )

    def judge_stage(stage: Any) -> None:
        if not present(stage.props, "accessLogSettings", "destinationArn"):
            report(
                "accessLogSettings is not set: API calls (caller, route, status) are not recorded. Fix: "
                'access_log_settings={"destination_arn": log_group.arn, "format": ...}.',
                stage.urn,
            )

    def judge_vpc(vpc: Any) -> None:
        if not stack.referrers(vpc, (FLOW_LOG,), "vpcId"):
            report(
                "It has no flow log: nobody can tell which addresses talked to which, or trace a rejected connection. "
                'Fix: aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type="ALL", log_destination=<a log group with a retention>).',
                vpc.urn,
            )

    checks = [
        ("cloudfront", (DISTRIBUTION,), judge_distribution),
        ("loadBalancers", LOAD_BALANCERS, judge_balancer),
        ("buckets", BUCKETS, judge_bucket),
        ("apiStages", API_STAGES, judge_stage),
        ("vpcs", (VPC,), judge_vpc),
    ]
    for kind, types, check in checks:
        if kind in kinds:
            verdicts.each(stack.of_type(*types), check)
    verdicts.finish()


POLICIES = [
    StackValidationPolicy(
        name="access-logging",
        description="CloudFront, load balancers, S3 buckets (except log buckets), API stages and VPCs (flow logs) keep access logs.",
        validate=validate_access_logging,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=PolicyConfigSchema(
            properties={
                "resources": {
                    "type": "array",
                    "items": {"type": "string", "enum": KINDS},
                    "default": KINDS,
                    "description": "Which kinds of resource must log: cloudfront, loadBalancers, buckets, apiStages, vpcs.",
                }
            }
        ),
        remediation_steps="Turn on access logs into a private log bucket or log group.",
    ),
]
