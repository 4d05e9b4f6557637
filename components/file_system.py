"""SharedFileSystem: EFS shared by instances in every AZ, encrypted, TLS only, backed up, alarmed.

Book chapter 10 (EFS with a marker client security group, one mount target per AZ, the
PercentIOLimit and BurstCreditBalance alarms, AWS Backup daily for 30 days), chapter 2
(WordPress keeps /var/www on EFS) and chapter 14 (state on EFS survives an AZ outage).
"""

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .alarms import AlarmSpec, create_alarms, encrypted_alarm_topic
from .iam import assume_role_policy
from .tags import resource_tags
from .user_data import render_template

NFS_PORT = 2049
IA_TRANSITION_DAYS = (1, 7, 14, 30, 60, 90, 180, 270, 365)
"""Days after the last access EFS can move a file to Infrequent Access."""
BACKUP_SCHEDULE = "cron(0 5 ? * * *)"
"""Daily at 05:00 UTC, the book's backup hour ([3e] chapter 9)."""
AWS_BACKUP_SERVICE_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
"""AWS-managed policy AWS Backup documents for its service role. Allowed here on purpose: it is scoped to
the backup service (not an admin or power-user policy) and AWS keeps it current as Backup adds features."""
PERCENT_IO_LIMIT_ALARM = AlarmSpec(
    "percent-io-limit",
    "PercentIOLimit",
    "GreaterThanThreshold",
    95,
    "Maximum",
    600,
    3,
    "I/O limit of General Purpose mode nearly reached for 30 minutes; consider Max I/O (book ch. 10)",
)
BURST_CREDIT_ALARM = AlarmSpec(
    "burst-credit-balance",
    "BurstCreditBalance",
    "LessThanThreshold",
    192_000_000_000,
    "Average",
    600,
    1,
    "Burst credits below 192 GB (about 30 minutes of bursting left); expect throughput to drop (book ch. 10)",
)


class EfsThroughputMode(str, Enum):
    """How the file system's throughput scales."""

    ELASTIC = "elastic"
    """Scales with the workload, paid per GB transferred (the default)."""
    BURSTING = "bursting"
    """Scales with the stored size, using burst credits (the book's mode)."""


class EfsPerformanceMode(str, Enum):
    """EFS performance mode."""

    GENERAL_PURPOSE = "generalPurpose"
    """Lowest latency; right for web content and home directories (the default)."""
    MAX_IO = "maxIO"
    """Higher aggregate IOPS at higher latency; needs bursting throughput."""


class EfsBackupMode(str, Enum):
    """How the file system is backed up."""

    POLICY = "policy"
    """The EFS backup policy: AWS Backup's default daily plan, 35 days (the default)."""
    AWS_BACKUP = "aws_backup"
    """An own AWS Backup vault and plan: daily at 05:00 UTC, kept `backup_retention_days`."""
    NONE = "none"
    """No backups (not for production)."""


@dataclass(frozen=True)
class SharedFileSystemArgs:
    """Inputs of the SharedFileSystem component; networking fields are required unless a WebShop fills them in."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC of the mount targets and security groups."""
    subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Private subnet IDs for the mount targets, one per entry of `availability_zones`."""
    availability_zones: Optional[list[str]] = None
    """AZ names of `subnet_ids` in the same order, each at most once (one mount target per AZ)."""
    throughput_mode: Optional[EfsThroughputMode] = EfsThroughputMode.ELASTIC
    """Throughput mode: elastic or bursting (default elastic)."""
    performance_mode: Optional[EfsPerformanceMode] = EfsPerformanceMode.GENERAL_PURPOSE
    """Performance mode: generalPurpose or maxIO; maxIO needs bursting throughput (default generalPurpose)."""
    ia_after_days: Optional[int] = 30
    """Move files not read for this many days to Infrequent Access, back on first access (default 30)."""
    backup: Optional[EfsBackupMode] = EfsBackupMode.POLICY
    """Backups: policy (EFS backup policy), aws_backup (own vault and daily plan) or none (default policy)."""
    backup_retention_days: Optional[int] = 30
    """Days the aws_backup plan keeps each daily recovery point, 1 to 36500 (default 30, the book's)."""
    access_point_path: Optional[str] = "/shared"
    """Directory of the file system the access point exposes as its root; created on first use (default /shared)."""
    posix_uid: Optional[int] = 1000
    """POSIX user ID every request through the access point runs as, and owner of its directory (default 1000; apache is 48)."""
    posix_gid: Optional[int] = 1000
    """POSIX group ID every request through the access point runs as, and group of its directory (default 1000; apache is 48)."""
    root_permissions: Optional[str] = "0755"
    """Octal permissions of the access point directory when EFS creates it (default 0755)."""
    enforce_access_point: Optional[bool] = True
    """Allow NFS clients to mount only through the access point (default true)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the file system (and the backup vault) so `pulumi destroy` refuses to delete them (default false)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_throughput_mode(value: object, argument: str) -> EfsThroughputMode:
    """The throughput mode must be elastic or bursting."""
    try:
        return EfsThroughputMode(value)
    except ValueError:
        allowed = ", ".join(m.value for m in EfsThroughputMode)
        raise ValueError(f"{argument}: {value!r} is not allowed; use one of {allowed}") from None


def check_backup_mode(value: object, argument: str) -> EfsBackupMode:
    """The backup mode must be policy, aws_backup or none."""
    try:
        return EfsBackupMode(value)
    except ValueError:
        allowed = ", ".join(m.value for m in EfsBackupMode)
        raise ValueError(f"{argument}: {value!r} is not allowed; use one of {allowed}") from None


def check_mount_zones(zones: Sequence[str], argument: str) -> None:
    """At least one AZ, each named once: EFS allows one mount target per AZ."""
    names = list(zones) if isinstance(zones, (list, tuple)) else None
    if names is None or not all(isinstance(z, str) and z for z in names):
        raise ValueError(f"{argument}: {zones!r} must be a list of availability zone names")
    if not names:
        raise ValueError(f"{argument}: [] gives the file system no mount target; list at least one AZ")
    twice = sorted({z for z in names if names.count(z) > 1})
    if twice:
        raise ValueError(f"{argument}: {names!r} names {', '.join(twice)} more than once; EFS allows one mount target per AZ")


def check_mount_path(value: object, argument: str) -> None:
    """An absolute path of safe characters (it is written into a shell script and /etc/fstab), not /."""
    if not isinstance(value, str) or not re.fullmatch(r"(/[A-Za-z0-9._-]+)+", value) or "/../" in f"{value}/" or "/./" in f"{value}/":
        raise ValueError(f"{argument}: {value!r} is not an absolute path of letters, digits, . _ - (e.g. /var/www)")


def check_posix_id(value: object, argument: str) -> None:
    """A POSIX user or group ID, 0 to 4294967295."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4294967295:
        raise ValueError(f"{argument}: {value!r} is not a POSIX ID (0..4294967295)")


def validate_file_system_args(args: SharedFileSystemArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(args, "vpc_id", "subnet_ids", "availability_zones")
    throughput = check_throughput_mode(args.throughput_mode, "throughput_mode")
    try:
        performance = EfsPerformanceMode(args.performance_mode)
    except ValueError:
        allowed = ", ".join(m.value for m in EfsPerformanceMode)
        raise ValueError(f"performance_mode: {args.performance_mode!r} is not allowed; use one of {allowed}") from None
    if performance == EfsPerformanceMode.MAX_IO and throughput == EfsThroughputMode.ELASTIC:
        raise ValueError("performance_mode: 'maxIO' does not work with elastic throughput; use generalPurpose or bursting throughput")
    check_mount_zones(args.availability_zones, "availability_zones")
    if isinstance(args.subnet_ids, (list, tuple)):
        check_subnet_ids(list(args.subnet_ids), list(args.availability_zones))
    if args.ia_after_days not in IA_TRANSITION_DAYS:
        raise ValueError(f"ia_after_days: {args.ia_after_days!r} is not allowed; use one of {', '.join(map(str, IA_TRANSITION_DAYS))}")
    check_backup_mode(args.backup, "backup")
    retention = args.backup_retention_days
    if isinstance(retention, bool) or not isinstance(retention, int) or not 1 <= retention <= 36500:
        raise ValueError(f"backup_retention_days: {retention!r} is outside 1..36500 days")
    check_mount_path(args.access_point_path, "access_point_path")
    check_posix_id(args.posix_uid, "posix_uid")
    check_posix_id(args.posix_gid, "posix_gid")
    if not isinstance(args.root_permissions, str) or not re.fullmatch(r"0?[0-7]{3}", args.root_permissions):
        raise ValueError(f"root_permissions: {args.root_permissions!r} is not octal permissions (e.g. 0755)")


def check_subnet_ids(ids: list[str], zones: list[str]) -> list[str]:
    """One distinct subnet per AZ; run at construction for plain lists and at deployment for outputs."""
    if len(ids) != len(zones):
        raise ValueError(f"subnet_ids: {len(ids)} subnets for {len(zones)} availability zones {zones}; give one per AZ")
    if len(set(ids)) != len(ids):
        raise ValueError(f"subnet_ids: {ids!r} lists a subnet twice; give one subnet per AZ")
    return ids


def file_system_policy(file_system_arn: str, access_point_arn: Optional[str]) -> str:
    """Deny any client access without TLS; allow mounting through the mount targets (and the access point, if given)."""
    client_actions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    allow_condition: dict = {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}
    if access_point_arn:
        allow_condition["StringEquals"] = {"elasticfilesystem:AccessPointArn": access_point_arn}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyWithoutTls",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": [*client_actions, "elasticfilesystem:ClientRootAccess"],
                    "Resource": file_system_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                # With a policy in place, NFS clients without IAM credentials are anonymous: allow them
                # explicitly, but only through the mount targets that the security groups guard.
                {
                    "Sid": "AllowClientsThroughMountTargets",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": client_actions,
                    "Resource": file_system_arn,
                    "Condition": allow_condition,
                },
            ],
        }
    )


def efs_mount_commands(file_system_id: pulumi.Input[str], access_point_id: pulumi.Input[str], mount_path: str) -> pulumi.Output[str]:
    """Bash lines for user data that mount the file system at `mount_path` over TLS through the access point.

    The lines assume bash on Amazon Linux 2023 (dnf) and keep working under `set -euo pipefail`.
    """
    check_mount_path(mount_path, "mount_path")
    return pulumi.Output.all(file_system_id, access_point_id).apply(
        lambda ids: render_template("efs_mount.sh", {"file_system_id": ids[0], "access_point_id": ids[1], "mount_path": mount_path})
    )


class SharedFileSystem(pulumi.ComponentResource):
    """EFS with a mount target per AZ, a client security group, TLS-only policy, an access point, backups and alarms."""

    file_system_id: pulumi.Output[str]
    """ID of the file system (fs-...)."""
    file_system_arn: pulumi.Output[str]
    """ARN of the file system."""
    dns_name: pulumi.Output[str]
    """Regional DNS name of the file system."""
    access_point_id: pulumi.Output[str]
    """ID of the application's access point (fsap-...)."""
    access_point_arn: pulumi.Output[str]
    """ARN of the application's access point (for IAM conditions on clients)."""
    client_security_group_id: pulumi.Output[str]
    """Security group to attach to instances that mount the file system (the book's marker group)."""
    mount_target_security_group_id: pulumi.Output[str]
    """Security group of the mount targets: NFS only from the client group."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: SharedFileSystemArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, SharedFileSystemArgs)
        validate_file_system_args(args)
        super().__init__("awsinaction:index:SharedFileSystem", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        throughput = EfsThroughputMode(args.throughput_mode)
        performance = EfsPerformanceMode(args.performance_mode)
        backup = EfsBackupMode(args.backup)
        fs_name = f"{name}-efs"

        file_system = aws.efs.FileSystem(
            fs_name,
            encrypted=True,
            performance_mode=performance.value,
            throughput_mode=throughput.value,
            lifecycle_policies=[
                {"transition_to_ia": f"AFTER_{args.ia_after_days}_DAY" + ("S" if args.ia_after_days > 1 else "")},
                {"transition_to_primary_storage_class": "AFTER_1_ACCESS"},
            ],
            tags=self._tags(fs_name),
            opts=pulumi.ResourceOptions(parent=self, protect=bool(args.protect)),
        )
        client_sg, mount_sg = self._security_groups()
        subnet_ids = pulumi.Output.from_input(args.subnet_ids).apply(lambda ids: check_subnet_ids(list(ids), list(args.availability_zones)))
        mount_targets = [
            aws.efs.MountTarget(
                f"{fs_name}-{az}",
                file_system_id=file_system.id,
                subnet_id=subnet_ids.apply(lambda ids, i=index: ids[i]),
                security_groups=[mount_sg.id],
                opts=child,
            )
            for index, az in enumerate(args.availability_zones)
        ]
        access_point = aws.efs.AccessPoint(
            fs_name,
            file_system_id=file_system.id,
            posix_user={"uid": args.posix_uid, "gid": args.posix_gid},
            root_directory={
                "path": args.access_point_path,
                "creation_info": {"owner_uid": args.posix_uid, "owner_gid": args.posix_gid, "permissions": args.root_permissions},
            },
            tags=self._tags(fs_name),
            opts=child,
        )
        aws.efs.FileSystemPolicy(
            fs_name,
            file_system_id=file_system.id,
            policy=pulumi.Output.all(file_system.arn, access_point.arn).apply(
                lambda arns: file_system_policy(arns[0], arns[1] if args.enforce_access_point else None)
            ),
            opts=child,
        )
        if backup == EfsBackupMode.POLICY:
            aws.efs.BackupPolicy(fs_name, file_system_id=file_system.id, backup_policy={"status": "ENABLED"}, opts=child)
        elif backup == EfsBackupMode.AWS_BACKUP:
            self._aws_backup(file_system)

        topic_arn = args.alarm_topic_arn
        if topic_arn is None:
            topic_arn = encrypted_alarm_topic(name, "SharedFileSystem", args.tags, self).arn
        specs = ([PERCENT_IO_LIMIT_ALARM] if performance == EfsPerformanceMode.GENERAL_PURPOSE else []) + (
            [BURST_CREDIT_ALARM] if throughput == EfsThroughputMode.BURSTING else []
        )
        create_alarms(fs_name, "SharedFileSystem", args.tags, self, "AWS/EFS", {"FileSystemId": file_system.id}, specs, topic_arn)

        self.mount_targets = mount_targets
        self.file_system_id = file_system.id
        self.file_system_arn = file_system.arn
        self.dns_name = file_system.dns_name
        self.access_point_id = access_point.id
        self.access_point_arn = access_point.arn
        self.client_security_group_id = client_sg.id
        self.mount_target_security_group_id = mount_sg.id
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs(
            {
                "file_system_id": self.file_system_id,
                "file_system_arn": self.file_system_arn,
                "dns_name": self.dns_name,
                "access_point_id": self.access_point_id,
                "access_point_arn": self.access_point_arn,
                "client_security_group_id": self.client_security_group_id,
                "mount_target_security_group_id": self.mount_target_security_group_id,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def mount_commands(self, mount_path: str) -> pulumi.Output[str]:
        """User-data lines that install amazon-efs-utils and mount this file system at `mount_path` (TLS, access point)."""
        return efs_mount_commands(self.file_system_id, self.access_point_id, mount_path)

    def _tags(self, name: str) -> dict[str, str]:
        return resource_tags(name, "SharedFileSystem", self._args.tags)

    def _security_groups(self) -> tuple[aws.ec2.SecurityGroup, aws.ec2.SecurityGroup]:
        name, vpc_id = f"{self._name}-efs", self._args.vpc_id
        child = pulumi.ResourceOptions(parent=self)
        client = aws.ec2.SecurityGroup(
            f"{name}-client",
            vpc_id=vpc_id,
            description=f"Clients of file system {self._name}: attach to instances that mount it",
            tags=self._tags(f"{name}-client"),
            opts=child,
        )
        mount = aws.ec2.SecurityGroup(
            f"{name}-mount-target",
            vpc_id=vpc_id,
            description=f"Mount targets of file system {self._name}: NFS from clients only",
            tags=self._tags(f"{name}-mount-target"),
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-nfs-from-clients",
            security_group_id=mount.id,
            ip_protocol="tcp",
            from_port=NFS_PORT,
            to_port=NFS_PORT,
            referenced_security_group_id=client.id,
            description="NFS from the file system clients",
            tags=self._tags(f"{name}-nfs-from-clients"),
            opts=child,
        )
        # Clients reach the mount targets even when their other groups allow no egress.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-nfs-to-mount-targets",
            security_group_id=client.id,
            ip_protocol="tcp",
            from_port=NFS_PORT,
            to_port=NFS_PORT,
            referenced_security_group_id=mount.id,
            description="NFS to the file system mount targets",
            tags=self._tags(f"{name}-nfs-to-mount-targets"),
            opts=child,
        )
        return client, mount

    def _aws_backup(self, file_system: aws.efs.FileSystem) -> None:
        name, args = f"{self._name}-efs-backup", self._args
        child = pulumi.ResourceOptions(parent=self)
        vault = aws.backup.Vault(name, tags=self._tags(name), opts=pulumi.ResourceOptions(parent=self, protect=bool(args.protect)))
        plan = aws.backup.Plan(
            name,
            rules=[
                {
                    "rule_name": "efs-daily",
                    "target_vault_name": vault.name,
                    "schedule": BACKUP_SCHEDULE,
                    "completion_window": 1440,
                    "lifecycle": {"delete_after": args.backup_retention_days},
                }
            ],
            tags=self._tags(name),
            opts=child,
        )
        role = aws.iam.Role(name, assume_role_policy=assume_role_policy("backup.amazonaws.com"), tags=self._tags(name), opts=child)
        attachment = aws.iam.RolePolicyAttachment(name, role=role.name, policy_arn=AWS_BACKUP_SERVICE_ROLE_POLICY_ARN, opts=child)
        aws.backup.Selection(
            name,
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=[file_system.arn],
            # The role must hold its policy before AWS Backup first assumes it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]),
        )
