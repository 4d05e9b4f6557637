"""VolumeBackups: an encrypted EBS data volume with a Data Lifecycle Manager snapshot policy.

Book chapter 9 (a 5 GiB EBS volume attached as /dev/xvdf, backed up with snapshots taken from the
instance by `aws ec2 create-snapshot`). Today Data Lifecycle Manager takes and expires the snapshots on
a schedule, with no script and no instance permission. A snapshot is regional: restore it into any AZ
of the region (`aws ec2 create-volume --snapshot-id <id> --availability-zone <az>`), which is how the
data moves to another AZ; a cross-region copy protects against the loss of the region.
"""

import re
from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .alarms import AlarmSpec, create_alarms
from .iam import assume_role_policy, policy_document, statement
from .lambda_function import alarm_topic_arn as alarm_topic
from .lambda_function import check_int_range, physical_name
from .queue import check_kms_key_arn
from .tags import resource_tags

DLM_SERVICE_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"
"""AWS-managed policy of Data Lifecycle Manager's service role for EBS snapshot policies. Allowed on purpose, like
AWS Backup's: scoped to the snapshot service and kept current by AWS as DLM adds features."""
SNAPSHOT_INTERVALS = (1, 2, 3, 4, 6, 8, 12, 24)
"""Hours between snapshots that a DLM interval schedule accepts."""
TARGET_TAG = "awsinaction:snapshots"
"""Tag that puts a volume under a snapshot policy; its value names the policy's owner."""
SNAPSHOT_FAILED_ALARM = AlarmSpec(
    "snapshots-failed",
    "SnapshotsCreateFailed",
    "GreaterThanThreshold",
    0,
    "Sum",
    3600,
    1,
    "Data Lifecycle Manager could not create a snapshot in the last hour: the data is not backed up (book ch. 9)",
    treat_missing_data="notBreaching",
)
"""DLM publishes its metrics in AWS/EBS by DLMPolicyId (EBS user guide, Monitor your policies using CloudWatch)."""
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DEVICE = re.compile(r"/dev/(sd[f-p]|xvd[f-p])")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_AZ = re.compile(r"[a-z]{2}(-[a-z]+)+-\d[a-z]")


@dataclass(frozen=True)
class SnapshotSchedule:
    """When DLM snapshots the tagged volumes and how long it keeps them (validated by the components)."""

    interval_hours: int
    time: str
    retain_count: int
    copy_to_region: Optional[str]
    copy_retain_days: int


@dataclass(frozen=True)
class VolumeBackupsArgs:
    """Inputs of the VolumeBackups component; only the availability zone is required."""

    availability_zone: Optional[str] = None
    """AZ of the volume; an instance can attach it only in the same AZ."""
    size_gib: Optional[int] = 5
    """Size of the gp3 volume in GiB, 1 to 16384 (default 5, the book's)."""
    kms_key_arn: Optional[str] = None
    """Customer-managed KMS key for the volume and its snapshots (default none: the account's aws/ebs key)."""
    instance_id: Optional[pulumi.Input[str]] = None
    """Instance to attach the volume to, in the same AZ (default none: attach it yourself)."""
    device_name: Optional[str] = "/dev/sdf"
    """Device name of the attachment, /dev/sdf to /dev/sdp (default /dev/sdf; the book used /dev/xvdf)."""
    snapshot_interval_hours: Optional[int] = 24
    """Hours between snapshots: 1, 2, 3, 4, 6, 8, 12 or 24 (default 24)."""
    snapshot_time: Optional[str] = "03:00"
    """Time of day hh:mm in UTC when the schedule starts (default 03:00)."""
    retain_count: Optional[int] = 7
    """Snapshots kept; older ones are deleted, 1 to 1000 (default 7: a week of daily snapshots)."""
    copy_to_region: Optional[str] = None
    """Region to copy every snapshot to, encrypted, for disaster recovery (default none)."""
    copy_retain_days: Optional[int] = 7
    """Days the cross-region copies are kept, 1 to 3650 (default 7)."""
    final_snapshot: Optional[bool] = True
    """Take a snapshot when the volume is deleted (default true)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the volume (default false)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarm on failed snapshots (default: an encrypted topic created by the component)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_snapshot_schedule(schedule: SnapshotSchedule, names: Mapping[str, str]) -> None:
    """The schedule DLM accepts; `names` maps each SnapshotSchedule field to its argument name."""
    if schedule.interval_hours not in SNAPSHOT_INTERVALS:
        allowed = ", ".join(map(str, SNAPSHOT_INTERVALS))
        raise ValueError(f"{names['interval_hours']}: {schedule.interval_hours!r} is not allowed; use one of {allowed} hours")
    if not isinstance(schedule.time, str) or not _TIME.fullmatch(schedule.time):
        raise ValueError(f"{names['time']}: {schedule.time!r} is not a time of day hh:mm in UTC (e.g. 03:00)")
    check_int_range(schedule.retain_count, names["retain_count"], 1, 1000, "snapshots")
    region = schedule.copy_to_region
    if region is not None and not (isinstance(region, str) and _REGION.fullmatch(region)):
        raise ValueError(f"{names['copy_to_region']}: {schedule.copy_to_region!r} is not a region name (e.g. eu-west-1)")
    check_int_range(schedule.copy_retain_days, names["copy_retain_days"], 1, 3650, "days")


def _schedule(args: VolumeBackupsArgs) -> SnapshotSchedule:
    return SnapshotSchedule(
        args.snapshot_interval_hours, args.snapshot_time, args.retain_count, args.copy_to_region, args.copy_retain_days
    )


_SCHEDULE_ARGUMENTS = {
    "interval_hours": "snapshot_interval_hours",
    "time": "snapshot_time",
    "retain_count": "retain_count",
    "copy_to_region": "copy_to_region",
    "copy_retain_days": "copy_retain_days",
}


def validate_volume_backups_args(args: VolumeBackupsArgs) -> None:
    """Refuse inputs EBS or DLM would reject, naming the argument and the value."""
    require(args, "availability_zone")
    if not isinstance(args.availability_zone, str) or not _AZ.fullmatch(args.availability_zone):
        raise ValueError(f"availability_zone: {args.availability_zone!r} is not an availability zone name (e.g. us-east-1a)")
    check_int_range(args.size_gib, "size_gib", 1, 16384, "GiB")
    check_kms_key_arn(args.kms_key_arn, "kms_key_arn")
    if not isinstance(args.device_name, str) or not _DEVICE.fullmatch(args.device_name):
        raise ValueError(f"device_name: {args.device_name!r} is not a data volume device; use /dev/sdf to /dev/sdp")
    check_snapshot_schedule(_schedule(args), _SCHEDULE_ARGUMENTS)
    if args.copy_to_region is not None and args.copy_to_region == args.availability_zone[:-1]:
        raise ValueError(f"copy_to_region: {args.copy_to_region!r} is the volume's own region; copy to another region")


def dlm_text(text: str) -> str:
    """DLM descriptions and schedule names allow only letters, digits, spaces, _ and -."""
    return re.sub(r" {2,}", " ", re.sub(r"[^0-9A-Za-z _-]+", " ", text)).strip()[:120] or "snapshots"


def dlm_key_policy(kms_key_arn: str) -> str:
    """What DLM needs on the volumes' customer managed key (EBS user guide, DLM prerequisites: permissions for encryption)."""
    use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    return policy_document(
        [
            statement(use, [kms_key_arn], sid="UseTheVolumeKey"),
            statement(
                ["kms:CreateGrant"], [kms_key_arn], sid="GrantOnlyToAwsServices", condition={"Bool": {"kms:GrantIsForAWSResource": "true"}}
            ),
        ]
    )


def snapshot_policy(
    parent: pulumi.Resource,
    name: str,
    component: str,
    target_tags: Mapping[str, str],
    schedule: SnapshotSchedule,
    tags: Optional[Mapping[str, str]],
    kms_key_arn: Optional[str] = None,
) -> aws.dlm.LifecyclePolicy:
    """A DLM policy that snapshots every volume carrying `target_tags` on `schedule`, with its own service role.

    With a customer managed key on the volumes, the role may also use that key: the AWS managed DLM policy
    grants no KMS action, and DLM fails to snapshot (or copy) such volumes without it.
    """
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-dlm",
        description=f"Data Lifecycle Manager snapshots of {name}",
        assume_role_policy=assume_role_policy("dlm.amazonaws.com"),
        tags=resource_tags(f"{name}-dlm", component, tags),
        opts=child,
    )
    attachment = aws.iam.RolePolicyAttachment(f"{name}-dlm", role=role.name, policy_arn=DLM_SERVICE_ROLE_POLICY_ARN, opts=child)
    if kms_key_arn:
        aws.iam.RolePolicy(f"{name}-dlm-key", role=role.id, policy=dlm_key_policy(kms_key_arn), opts=child)
    rule: dict = {
        "name": dlm_text(f"every {schedule.interval_hours} h keep {schedule.retain_count}"),
        "create_rule": {"interval": schedule.interval_hours, "interval_unit": "HOURS", "times": schedule.time},
        "retain_rule": {"count": schedule.retain_count},
        # The volume's tags (Name, Stack, the target tag) go to every snapshot: a restore finds them by tag.
        "copy_tags": True,
        "tags_to_add": {"SnapshotCreator": "DLM"},
    }
    if schedule.copy_to_region:
        rule["cross_region_copy_rules"] = [
            {
                "target": schedule.copy_to_region,
                "encrypted": True,
                "copy_tags": True,
                "retain_rule": {"interval": schedule.copy_retain_days, "interval_unit": "DAYS"},
            }
        ]
    return aws.dlm.LifecyclePolicy(
        f"{name}-snapshots",
        description=dlm_text(f"Snapshots of {name}"),
        execution_role_arn=role.arn,
        state="ENABLED",
        policy_details={"resource_types": ["VOLUME"], "target_tags": dict(target_tags), "schedules": [rule]},
        tags=resource_tags(f"{name}-snapshots", component, tags),
        # DLM assumes the role at the first scheduled run; the role holds its policy by then.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[attachment]),
    )


def snapshot_alarm(
    parent: pulumi.Resource,
    name: str,
    component: str,
    policy: aws.dlm.LifecyclePolicy,
    topic_arn: pulumi.Input[str],
    tags: Optional[Mapping[str, str]],
) -> None:
    """Alarm when the policy fails to create a snapshot."""
    create_alarms(name, component, tags, parent, "AWS/EBS", {"DLMPolicyId": policy.id}, [SNAPSHOT_FAILED_ALARM], topic_arn)


class VolumeBackups(pulumi.ComponentResource):
    """An encrypted gp3 EBS volume, optionally attached, snapshotted on a schedule by Data Lifecycle Manager, with an alarm."""

    volume_id: pulumi.Output[str]
    """ID of the data volume."""
    volume_arn: pulumi.Output[str]
    """ARN of the data volume."""
    availability_zone: pulumi.Output[str]
    """AZ of the volume (its snapshots restore into any AZ of the region)."""
    snapshot_policy_id: pulumi.Output[str]
    """ID of the DLM lifecycle policy."""
    snapshot_tag: pulumi.Output[dict[str, str]]
    """Tag the volume and its snapshots carry (find the snapshots to restore by it)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarm notifies."""

    def __init__(self, name: str, args: VolumeBackupsArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, VolumeBackupsArgs)
        validate_volume_backups_args(args)
        super().__init__("awsinaction:index:VolumeBackups", name, None, opts)
        component = "VolumeBackups"
        target = {TARGET_TAG: physical_name(pulumi.get_project(), pulumi.get_stack(), name)}
        volume = aws.ebs.Volume(
            f"{name}-data",
            availability_zone=args.availability_zone,
            size=args.size_gib,
            type="gp3",
            encrypted=True,
            kms_key_id=args.kms_key_arn,
            final_snapshot=bool(args.final_snapshot),
            tags=resource_tags(f"{name}-data", component, args.tags, **target),
            opts=pulumi.ResourceOptions(parent=self, protect=bool(args.protect)),
        )
        if args.instance_id is not None:
            aws.ec2.VolumeAttachment(
                f"{name}-data",
                device_name=args.device_name,
                volume_id=volume.id,
                instance_id=args.instance_id,
                # Stop the instance before detaching: the file system is then unmounted cleanly.
                stop_instance_before_detaching=True,
                opts=pulumi.ResourceOptions(parent=self),
            )
        policy = snapshot_policy(self, name, component, target, _schedule(args), args.tags, args.kms_key_arn)
        topic_arn = alarm_topic(self, name, component, args.alarm_topic_arn, None, args.tags)
        snapshot_alarm(self, name, component, policy, topic_arn, args.tags)

        self.volume_id = volume.id
        self.volume_arn = volume.arn
        self.availability_zone = volume.availability_zone
        self.snapshot_policy_id = policy.id
        self.snapshot_tag = pulumi.Output.from_input(target)
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})
