"""CloudWatch alarms of the book and the encrypted SNS topic they notify.

The topic is encrypted with a customer-managed KMS key: CloudWatch alarms cannot
publish to a topic encrypted with the AWS-managed key alias/aws/sns, because that
key's policy (which nobody can edit) does not let cloudwatch.amazonaws.com use it;
the alarm would fire and the notification would be dropped.
"""

import json
from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from .tags import resource_tags

KEY_ADMIN_ACTIONS = (
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation",
    "kms:DisableKeyRotation", "kms:ListKeyRotations", "kms:RotateKeyOnDemand", "kms:ListResourceTags", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListGrants", "kms:CreateGrant",
    "kms:RevokeGrant", "kms:RetireGrant", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)
"""What the account (and through IAM its principals) may do with the key: named actions, no kms:*."""
PUBLISHER_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
"""What a publisher to an encrypted SNS topic needs on the topic's key."""


@dataclass(frozen=True)
class AlarmSpec:
    """One CloudWatch alarm on a metric of the resource given by the dimensions."""

    suffix: str
    metric_name: str
    comparison: str
    threshold: float
    statistic: str
    period: int
    evaluation_periods: int
    description: str
    treat_missing_data: Optional[str] = None
    """What a period without data counts as (breaching, notBreaching, ignore); None keeps CloudWatch's missing."""
    actions: tuple[str, ...] = ()
    """Actions besides notifying the topic, e.g. EC2's recover or reboot action."""


def alarm_key_policy(account_id: str, partition: str = "aws") -> str:
    """Key policy: the account administers and uses the key; CloudWatch alarms may encrypt for the topic.

    Resource "*" is required here: in a key policy it means "this key", whose ARN does not exist yet. The
    partition (aws, aws-cn, aws-us-gov) is part of the root principal's ARN, or KMS refuses the policy.
    """
    root = f"arn:{partition}:iam::{account_id}:root"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AccountAdministersKey", "Effect": "Allow", "Principal": {"AWS": root},
                 "Action": list(KEY_ADMIN_ACTIONS), "Resource": "*"},
                # Only on behalf of this account's alarms: no confused deputy.
                {"Sid": "CloudWatchAlarmsPublish", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": list(PUBLISHER_ACTIONS), "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
            ],
        }
    )


def encrypted_alarm_topic(name: str, component: str, tags: Optional[Mapping[str, str]], parent: pulumi.Resource) -> aws.sns.Topic:
    """An SNS topic for alarms, encrypted with its own rotating KMS key that CloudWatch may use."""
    child = pulumi.ResourceOptions(parent=parent)
    account = aws.get_caller_identity().account_id
    key = aws.kms.Key(
        f"{name}-alarms",
        description=f"Encrypts the alarm topic of {name}",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=alarm_key_policy(account, aws.get_partition().partition),
        tags=resource_tags(f"{name}-alarms", component, tags),
        opts=child,
    )
    return aws.sns.Topic(
        f"{name}-alarms",
        kms_master_key_id=key.arn,
        tags=resource_tags(f"{name}-alarms", component, tags),
        opts=child,
    )


def create_alarms(
    name: str,
    component: str,
    tags: Optional[Mapping[str, str]],
    parent: pulumi.Resource,
    namespace: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    specs: list[AlarmSpec],
    topic_arn: Optional[pulumi.Input[str]],
) -> list[aws.cloudwatch.MetricAlarm]:
    """One alarm per spec, notifying `topic_arn` (when given) when it fires and when it recovers."""
    alarms = []
    notify = [topic_arn] if topic_arn is not None else []
    for spec in specs:
        alarm_name = f"{name}-{spec.suffix}"
        alarms.append(
            aws.cloudwatch.MetricAlarm(
                alarm_name,
                alarm_description=spec.description,
                namespace=namespace,
                metric_name=spec.metric_name,
                statistic=spec.statistic,
                period=spec.period,
                evaluation_periods=spec.evaluation_periods,
                comparison_operator=spec.comparison,
                threshold=spec.threshold,
                treat_missing_data=spec.treat_missing_data,
                dimensions=dict(dimensions),
                alarm_actions=[*spec.actions, *notify],
                ok_actions=notify or None,
                tags=resource_tags(alarm_name, component, tags),
                opts=pulumi.ResourceOptions(parent=parent),
            )
        )
    return alarms
