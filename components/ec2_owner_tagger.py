"""Ec2OwnerTagger: tag every new EC2 instance with who launched it (book ch. 7.3, `chapter07/template.yaml`).

EventBridge matches the CloudTrail record of each RunInstances call and invokes a Lambda function
that tags every instance of the launch with `Owner` (the book's code tagged only the first). API-call
events reach EventBridge only while a trail logs in the region, so the component creates one unless the
account already has one: a multi-region trail with log file validation, its files encrypted with a
rotating customer managed key, in a private, TLS-only bucket whose logs expire.
The function's role may create the `Owner` tag on instances and nothing else.
"""

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args
from .alarms import KEY_ADMIN_ACTIONS
from .iam import Statement, policy_document, statement
from .lambda_function import (
    AwsContext,
    alarm_topic_arn,
    aws_context,
    check_alarm_target,
    check_function_name,
    check_int_range,
    check_log_retention,
    function_alarms,
    invoke_from_rule,
    physical_name,
    python_function,
)
from .secure_bucket import secure_bucket
from .tags import resource_tags

OWNER_TAG = "Owner"
EVENT_PATTERN = {
    "source": ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances"]},
}
"""RunInstances calls recorded by CloudTrail (the book's 2017 draft matched every EC2 call)."""


@dataclass(frozen=True)
class Ec2OwnerTaggerArgs:
    """Inputs of the Ec2OwnerTagger component."""

    create_trail: Optional[bool] = True
    """Create a CloudTrail trail for this region (default true); false when the account already logs management events."""
    trail_log_expiration_days: Optional[int] = 90
    """Days the trail's log files stay in their bucket, 1 to 3650 (default 90)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic the alarms notify (default: an encrypted topic created by the component)."""
    alarm_email: Optional[str] = None
    """E-mail address subscribed to the created topic (default none; AWS mails a confirmation link)."""
    function_name: Optional[str] = None
    """Name of the Lambda function (default <project>-<stack>-<name>); its log group is /aws/lambda/<name>."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the function's logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def validate_ec2_owner_tagger_args(args: Ec2OwnerTaggerArgs) -> None:
    """Refuse inputs AWS would reject, naming the argument."""
    if not isinstance(args.create_trail, bool):
        raise ValueError(f"create_trail: {args.create_trail!r} is not true or false")
    check_int_range(args.trail_log_expiration_days, "trail_log_expiration_days", 1, 3650, "days")
    check_alarm_target(args.alarm_topic_arn, args.alarm_email)
    check_function_name(args.function_name, "function_name")
    check_log_retention(args.log_retention_days, "log_retention_days")


def tag_owner_statement(ctx: AwsContext) -> Statement:
    """ec2:CreateTags on this account's instances in this region, for the Owner tag only.

    For a CreateTags call made after the launch, `ec2:CreateAction` is absent (it is set only when
    tags are applied by the creating call itself), so the tag keys are what the conditions pin:
    every key in the request must be Owner, and Owner must be present.
    """
    return statement(
        ["ec2:CreateTags"],
        [f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:instance/*"],
        sid="TagOwnerOfInstances",
        condition={
            "ForAllValues:StringEquals": {"aws:TagKeys": [OWNER_TAG]},
            "Null": {f"aws:RequestTag/{OWNER_TAG}": "false"},
        },
    )


def trail_bucket_statements(bucket_arn: str, trail_arn: str, account: str) -> list[Statement]:
    """What CloudTrail needs on its bucket, only for this trail (aws:SourceArn guards against confused deputies)."""
    service = {"Principal": {"Service": "cloudtrail.amazonaws.com"}}
    return [
        statement(["s3:GetBucketAcl"], [bucket_arn], sid="CloudTrailAclCheck",
                  condition={"StringEquals": {"aws:SourceArn": trail_arn}}) | service,
        statement(["s3:PutObject"], [f"{bucket_arn}/AWSLogs/{account}/*"], sid="CloudTrailWrite",
                  condition={"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}) | service,
    ]


def trail_key_policy(ctx: AwsContext, trail_arn: str) -> str:
    """The key policy the CloudTrail user guide requires, each service statement for this trail only (aws:SourceArn).

    "Configure AWS KMS key policies for CloudTrail":
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html.
    In a key policy, Resource "*" means this key. Readers of the logs get kms:Decrypt through IAM (the account statement).
    """
    account = {"Principal": {"AWS": f"arn:{ctx.partition}:iam::{ctx.account}:root"}}
    service = {"Principal": {"Service": "cloudtrail.amazonaws.com"}}
    this_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    account_trails = {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{ctx.partition}:cloudtrail:*:{ctx.account}:trail/*"}}
    return policy_document(
        [
            statement(KEY_ADMIN_ACTIONS, ["*"], sid="AccountAdministersKey") | account,
            statement(["kms:GenerateDataKey*"], ["*"], sid="CloudTrailEncryptsLogs", condition=this_trail | account_trails) | service,
            # The trail bucket uses an S3 Bucket Key (secure_bucket): the guide then requires kms:Decrypt to create or update the trail.
            statement(["kms:Decrypt"], ["*"], sid="CloudTrailDecryptsWithBucketKey", condition=this_trail) | service,
            statement(["kms:DescribeKey"], ["*"], sid="CloudTrailDescribesKey", condition=this_trail) | service,
        ]
    )


class Ec2OwnerTagger(pulumi.ComponentResource):
    """Tags every instance of each RunInstances launch with its Owner, via CloudTrail, EventBridge and Lambda."""

    function_name: pulumi.Output[str]
    """Name of the Lambda function."""
    function_arn: pulumi.Output[str]
    """ARN of the Lambda function."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the function (/aws/lambda/<function name>)."""
    event_rule_arn: pulumi.Output[str]
    """ARN of the EventBridge rule matching RunInstances."""
    trail_arn: pulumi.Output[Optional[str]]
    """ARN of the trail the component created (None with create_trail false)."""
    trail_bucket_name: pulumi.Output[Optional[str]]
    """Bucket holding the trail's log files (None with create_trail false)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: Ec2OwnerTaggerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, Ec2OwnerTaggerArgs)
        validate_ec2_owner_tagger_args(args)
        super().__init__("awsinaction:index:Ec2OwnerTagger", name, None, opts)
        self._name, self._args = name, args
        component = "Ec2OwnerTagger"
        child = pulumi.ResourceOptions(parent=self)
        ctx = aws_context()
        function_name = args.function_name or physical_name(pulumi.get_project(), pulumi.get_stack(), name)
        trail, bucket_name = self._trail(ctx) if args.create_trail else (None, None)

        lam = python_function(
            self, name, component,
            ctx=ctx,
            function_name=function_name,
            module="ec2_owner_tagger",
            description="Tags every instance of a RunInstances launch with its Owner (book ch. 7)",
            statements=[tag_owner_statement(ctx)],
            environment={},
            timeout=30,
            log_retention_days=args.log_retention_days,
            tags=args.tags,
        )
        aws.lambda_.FunctionEventInvokeConfig(
            f"{name}-invoke-config",
            function_name=lam.function.name,
            # AWS errors raise and are retried; malformed events return cleanly and are not.
            maximum_retry_attempts=2,
            maximum_event_age_in_seconds=3600,
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-run-instances",
            description="RunInstances calls recorded by CloudTrail",
            event_pattern=json.dumps(EVENT_PATTERN),
            # ENABLED matches every CloudTrail event that is not read-only; RunInstances is a write.
            state="ENABLED",
            tags=resource_tags(f"{name}-run-instances", component, args.tags),
            opts=child,
        )
        invoke_from_rule(name, rule, lam.function, self)
        topic_arn = alarm_topic_arn(self, name, component, args.alarm_topic_arn, args.alarm_email, args.tags)
        function_alarms(self, name, component, function_name, topic_arn, args.tags)

        self.function_name = lam.function.name
        self.function_arn = lam.function.arn
        self.log_group_name = lam.log_group.name
        self.event_rule_arn = rule.arn
        self.trail_arn = trail.arn if trail else pulumi.Output.from_input(None)
        self.trail_bucket_name = bucket_name if bucket_name is not None else pulumi.Output.from_input(None)
        self.alarm_topic_arn = topic_arn
        self.register_outputs(
            {
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "log_group_name": self.log_group_name,
                "event_rule_arn": self.event_rule_arn,
                "trail_arn": self.trail_arn,
                "trail_bucket_name": self.trail_bucket_name,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def _trail(self, ctx: AwsContext) -> tuple[aws.cloudtrail.Trail, pulumi.Output[str]]:
        """A multi-region trail of write management events, validated and SSE-KMS encrypted, into a private,
        TLS-only, expiring bucket. Activity in another region is recorded too: nobody hides there."""
        name, args = self._name, self._args
        tags = resource_tags(f"{name}-trail", "Ec2OwnerTagger", args.tags)
        trail_name = physical_name(pulumi.get_project(), pulumi.get_stack(), name, max_length=128)
        # Known before the trail exists, so the bucket and key policies can name it (the trail needs both first).
        trail_arn = f"arn:{ctx.partition}:cloudtrail:{ctx.region}:{ctx.account}:trail/{trail_name}"
        key = aws.kms.Key(
            f"{name}-trail",
            description=f"Encrypts the log files of trail {trail_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=trail_key_policy(ctx, trail_arn),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        bucket = secure_bucket(
            f"{name}-trail",
            tags=tags,
            parent=self,
            policy_statements=lambda bucket_arn: bucket_arn.apply(lambda arn: trail_bucket_statements(arn, trail_arn, ctx.account)),
            expire_after_days=args.trail_log_expiration_days,
        )
        trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name,
            s3_bucket_name=bucket.bucket.id,
            kms_key_id=key.arn,
            is_multi_region_trail=True,
            # CloudTrail refuses a multi-region trail without global service events (InvalidParameterCombinationException).
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            # RunInstances is a write; read events would only fill the bucket.
            event_selectors=[{"read_write_type": "WriteOnly", "include_management_events": True}],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[bucket.policy]),
        )
        return trail, bucket.bucket.bucket
