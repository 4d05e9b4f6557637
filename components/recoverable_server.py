"""RecoverableServer: one server that comes back after the loss of its host, and with auto scaling, of its AZ.

Book chapter 14. Two strategies, as in the book:

- `recover_alarm`: one instance with the CloudWatch alarm on StatusCheckFailed_System whose action
  recovers it on new hardware. Instance ID, private IP, Elastic IP and EBS volumes stay, so nothing is
  lost; but the recovery works only within the instance's AZ, and not after an AZ outage.
- `auto_scaling` (default): an auto-scaling group of exactly one instance over subnets in several AZs.
  The group replaces a failed server in any AZ; the book's two pitfalls are handled at boot: the data
  lives on EFS (nothing lost) or on an EBS volume restored from its newest snapshot (the data of the
  last snapshot), and the address follows the server (an Elastic IP or a Route 53 record).

Which to choose: docs/book.md, "Chapter 14".
"""

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .alarms import AlarmSpec, create_alarms
from .app_fleet import Rule, ServerSpec, app_servers, inline_code, log_group_name, render_app_user_data, server_group
from .ec2_defaults import current_region, encrypted_root_volume, imdsv2_metadata_options, recover_action_arn
from .file_system import check_mount_path, efs_mount_commands
from .iam import Statement, statement
from .lambda_function import AwsContext, aws_context, check_alarm_target, check_int_range, check_log_retention, physical_name
from .lambda_function import alarm_topic_arn as alarm_topic
from .network import check_ssh_allowed_cidrs
from .tags import resource_tags
from .user_data import render_template
from .volume_backups import SnapshotSchedule, check_snapshot_schedule, snapshot_alarm, snapshot_policy
from .web_fleet import check_architecture
from .web_user_data import APP_BOOTSTRAP_DELIMITER, check_app_bootstrap, shell_literal

SERVER_TAG = "awsinaction:server"
"""Tag on the instance and its data volume (and, through DLM, its snapshots) naming the server."""
DATA_DEVICE = "/dev/sdf"
"""Device name the data volume is attached as."""
PUBLIC_ROLE = "public-server"
"""Role tag of a server with an Elastic IP (the least-privilege pack's ec2-no-public-ip must allow it)."""
_RECORD = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?")
_ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")


class RecoveryStrategy(str, Enum):
    """How the server survives failures."""

    AUTO_SCALING = "auto_scaling"
    """An auto-scaling group of one over several AZs: survives the loss of the host and of the AZ (the default)."""
    RECOVER_ALARM = "recover_alarm"
    """One instance recovered in place by a CloudWatch alarm: survives the loss of the host, not of the AZ."""


class DataStore(str, Enum):
    """Where the server keeps data that must survive a replacement."""

    NONE = "none"
    """Nothing: only what the bootstrap recreates (the default)."""
    EFS = "efs"
    """A shared file system mounted at data_path: nothing is lost, in any AZ."""
    EBS_SNAPSHOT = "ebs_snapshot"
    """An EBS volume at data_path, snapshotted by DLM; a server in another AZ restores the newest snapshot."""


class AddressMode(str, Enum):
    """How clients find the server after a replacement."""

    NONE = "none"
    """The private IP, which changes with a replacement (the default)."""
    ELASTIC_IP = "elastic_ip"
    """An Elastic IP, re-associated at boot; the server needs public subnets."""
    DNS = "dns"
    """A Route 53 A record pointed at the private IP at boot."""


@dataclass(frozen=True)
class RecoverableServerArgs:
    """Inputs of the RecoverableServer component; the network fields are required."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC."""
    subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Subnets in different AZs the group may use (recover_alarm uses the first); public ones for elastic_ip."""
    strategy: Optional[RecoveryStrategy] = RecoveryStrategy.AUTO_SCALING
    """auto_scaling or recover_alarm (default auto_scaling)."""
    instance_type: Optional[str] = "t4g.micro"
    """Instance type; recover_alarm needs an EBS-only type that supports recovery (default t4g.micro)."""
    root_volume_size_gib: Optional[int] = 8
    """Encrypted gp3 root volume in GiB, 8 to 1024 (default 8)."""
    app_bootstrap: Optional[str] = None
    """Shell script run as root once the data and the address are in place; it gets DATA_DIR (default none)."""
    data: Optional[DataStore] = DataStore.NONE
    """none, efs or ebs_snapshot (default none)."""
    data_path: Optional[str] = "/data"
    """Where the data is mounted (default /data)."""
    file_system_id: Optional[pulumi.Input[str]] = None
    """efs: ID of the file system (a SharedFileSystem's file_system_id)."""
    file_system_arn: Optional[pulumi.Input[str]] = None
    """efs: ARN of the file system."""
    access_point_id: Optional[pulumi.Input[str]] = None
    """efs: access point to mount through."""
    access_point_arn: Optional[pulumi.Input[str]] = None
    """efs: ARN of that access point."""
    file_system_client_security_group_id: Optional[pulumi.Input[str]] = None
    """efs: the file system's client security group, attached to the server."""
    data_volume_size_gib: Optional[int] = 10
    """ebs_snapshot: size of a new data volume in GiB, 1 to 16384 (default 10)."""
    snapshot_interval_hours: Optional[int] = 1
    """ebs_snapshot: hours between snapshots, 1 to 24 as DLM allows; the data a failover to another AZ may lose (default 1)."""
    snapshot_retain_count: Optional[int] = 24
    """ebs_snapshot: snapshots kept, 1 to 1000 (default 24)."""
    address: Optional[AddressMode] = AddressMode.NONE
    """none, elastic_ip or dns (default none)."""
    hosted_zone_id: Optional[pulumi.Input[str]] = None
    """dns: Route 53 hosted zone (private for a private server) of record_name."""
    record_name: Optional[str] = None
    """dns: the server's name, e.g. jenkins.internal.example.com."""
    ingress_ports: Optional[list[int]] = field(default_factory=list)
    """TCP ports clients reach the server on (default none)."""
    ingress_cidrs: Optional[list[str]] = field(default_factory=list)
    """CIDRs allowed on ingress_ports; the whole internet is refused (put a load balancer in front) (default none)."""
    ingress_security_group_ids: Optional[list[pulumi.Input[str]]] = field(default_factory=list)
    """Security groups allowed on ingress_ports (default none)."""
    health_check_grace_period_seconds: Optional[int] = 600
    """auto_scaling: seconds before a new server's status checks count, 0 to 7200 (default 600, the book's)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    alarm_email: Optional[str] = None
    """E-mail address subscribed to the created topic (default none)."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the server's logs (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def _enum(enum: type[Enum], value: object, argument: str) -> Enum:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum)
        raise ValueError(f"{argument}: {value!r} is not allowed; use one of {allowed}") from None


def validate_recoverable_server_args(args: RecoverableServerArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(args, "vpc_id", "subnet_ids")
    strategy = _enum(RecoveryStrategy, args.strategy, "strategy")
    data = _enum(DataStore, args.data, "data")
    address = _enum(AddressMode, args.address, "address")
    if strategy == RecoveryStrategy.AUTO_SCALING and isinstance(args.subnet_ids, (list, tuple)) and len(set(args.subnet_ids)) < 2:
        raise ValueError(
            f"subnet_ids: {args.subnet_ids!r} gives the group one subnet; list subnets of two or more AZs to survive an AZ outage"
        )
    check_architecture(args.instance_type, None, "instance_type", "architecture")
    check_int_range(args.root_volume_size_gib, "root_volume_size_gib", 8, 1024, "GiB")
    if args.app_bootstrap is not None:
        check_app_bootstrap(args.app_bootstrap, "app_bootstrap")
    check_mount_path(args.data_path, "data_path")
    if data == DataStore.EFS:
        require(args, "file_system_id", "file_system_arn", "access_point_id", "access_point_arn", "file_system_client_security_group_id",
                hint=" with data efs")
    if data == DataStore.EBS_SNAPSHOT:
        check_int_range(args.data_volume_size_gib, "data_volume_size_gib", 1, 16384, "GiB")
        check_snapshot_schedule(
            SnapshotSchedule(args.snapshot_interval_hours, "00:00", args.snapshot_retain_count, None, 1),
            {"interval_hours": "snapshot_interval_hours", "time": "snapshot_interval_hours", "retain_count": "snapshot_retain_count",
             "copy_to_region": "snapshot_interval_hours", "copy_retain_days": "snapshot_interval_hours"},
        )
    if address == AddressMode.DNS:
        zone = args.hosted_zone_id
        if zone is None or (isinstance(zone, str) and not _ZONE_ID.fullmatch(zone)):
            raise ValueError(f"hosted_zone_id: {args.hosted_zone_id!r} is not a Route 53 hosted zone ID (e.g. Z0123456789ABCDEFGHIJ)")
        if not isinstance(args.record_name, str) or not _RECORD.fullmatch(args.record_name):
            raise ValueError(f"record_name: {args.record_name!r} is not a lower-case DNS name (e.g. jenkins.internal.example.com)")
    for port in args.ingress_ports:
        check_int_range(port, "ingress_ports", 1, 65535, "")
    check_ssh_allowed_cidrs(list(args.ingress_cidrs), "ingress_cidrs", reach="the server")
    if (args.ingress_cidrs or args.ingress_security_group_ids) and not args.ingress_ports:
        raise ValueError("ingress_ports: [] but ingress_cidrs or ingress_security_group_ids are set; name the ports they may reach")
    check_int_range(args.health_check_grace_period_seconds, "health_check_grace_period_seconds", 0, 7200, "seconds")
    check_alarm_target(args.alarm_topic_arn, args.alarm_email)
    check_log_retention(args.log_retention_days, "log_retention_days")


def mount_volume_commands(device: str, mount_path: str) -> str:
    """User-data lines that wait for an attached EBS volume, format it once (XFS) and mount it at `mount_path` (book ch. 9)."""
    if not re.fullmatch(r"/dev/(sd|xvd)[f-p]", device):
        raise ValueError(f"device: {device!r} is not a data volume device; use /dev/sdf to /dev/sdp")
    check_mount_path(mount_path, "mount_path")
    return f"DEVICE={device}\n" + render_template("mount_volume.sh", {"mount_path": mount_path, "fallback_device": device})


def data_volume_statements(ctx: AwsContext, tag_value: str) -> list[Statement]:
    """What server_boot.py needs to find, restore, create, attach and retire the server's data volumes, and only those."""
    prefix = f"arn:{ctx.partition}:ec2:{ctx.region}"
    volumes, instances = f"{prefix}:{ctx.account}:volume/*", f"{prefix}:{ctx.account}:instance/*"
    tagged = {"StringEquals": {f"aws:ResourceTag/{SERVER_TAG}": tag_value}}
    return [
        # Describe calls accept no resource ARN (see the least-privilege pack's NO_RESOURCE_LEVEL_ACTIONS).
        statement(["ec2:DescribeVolumes", "ec2:DescribeSnapshots"], ["*"], sid="FindDataVolumes"),
        statement(["ec2:CreateVolume"], [volumes], sid="CreateTaggedVolume",
                  condition={"StringEquals": {f"aws:RequestTag/{SERVER_TAG}": tag_value}}),
        statement(["ec2:CreateVolume"], [f"{prefix}::snapshot/*"], sid="RestoreOwnSnapshots", condition=tagged),
        statement(["ec2:CreateTags"], [volumes], sid="TagNewVolume", condition={"StringEquals": {"ec2:CreateAction": "CreateVolume"}}),
        statement(["ec2:AttachVolume"], [volumes, instances], sid="AttachToThisServer", condition=tagged),
        statement(["ec2:CreateTags", "ec2:DeleteTags"], [volumes], sid="RetireStaleVolumes", condition=tagged),
    ]


def address_statements(ctx: AwsContext, tag_value: str, allocation_arn: Optional[str], zone_id: Optional[str],
                       record_name: Optional[str]) -> list[Statement]:
    """Moving the Elastic IP to this server, or pointing its A record (and nothing else) at it."""
    found = []
    if allocation_arn:
        prefix = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}"
        found += [
            statement(["ec2:AssociateAddress"], [allocation_arn], sid="MoveElasticIp"),
            # The instance and its network interface both carry the server's tag (the launch template's tag specifications).
            statement(["ec2:AssociateAddress"], [f"{prefix}:instance/*", f"{prefix}:network-interface/*"], sid="ToThisServer",
                      condition={"StringEquals": {f"aws:ResourceTag/{SERVER_TAG}": tag_value}}),
        ]
    if zone_id and record_name:
        found.append(
            statement(
                ["route53:ChangeResourceRecordSets"],
                [f"arn:{ctx.partition}:route53:::hostedzone/{zone_id}"],
                sid="PointOwnRecord",
                condition={
                    "ForAllValues:StringEquals": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [record_name.rstrip(".")],
                        "route53:ChangeResourceRecordSetsRecordTypes": ["A"],
                        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                    }
                },
            )
        )
    return found


def efs_statements(file_system_arn: str, access_point_arn: str) -> list[Statement]:
    """Mounting the file system through its access point."""
    return [
        statement(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], [file_system_arn], sid="MountDataFileSystem",
                  condition={"StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn}})
    ]


SYSTEM_CHECK_ALARM = AlarmSpec(
    "system-check", "StatusCheckFailed_System", "GreaterThanThreshold", 0, "Maximum", 60, 5,
    "The host failed its system status check for 5 minutes: EC2 recovers the instance on new hardware (book ch. 14)",
)
INSTANCE_CHECK_ALARM = AlarmSpec(
    "instance-check", "StatusCheckFailed_Instance", "GreaterThanThreshold", 0, "Maximum", 60, 5,
    "The instance failed its status check for 5 minutes: EC2 reboots it",
)
NO_SERVER_ALARM = AlarmSpec(
    "no-server", "GroupInServiceInstances", "LessThanThreshold", 1, "Minimum", 300, 3,
    "No server in service for 15 minutes: the group cannot launch a replacement (capacity, quota or bootstrap)",
)


class RecoverableServer(pulumi.ComponentResource):
    """One server that survives the loss of its host (recover alarm) or of its AZ (auto scaling), keeping its data and address."""

    address: pulumi.Output[str]
    """How to reach the server: the Elastic IP, the DNS name, or (address none) an empty string."""
    group_name: pulumi.Output[Optional[str]]
    """auto_scaling: name of the group of one (None with recover_alarm)."""
    instance_id: pulumi.Output[Optional[str]]
    """recover_alarm: ID of the instance (None with auto_scaling, whose instance changes)."""
    security_group_id: pulumi.Output[str]
    """Security group of the server."""
    role_name: pulumi.Output[str]
    """Name of the server's IAM role (attach more policies for the application)."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the bootstrap and the application."""
    server_tag: pulumi.Output[dict[str, str]]
    """Tag of the instance, its data volume and the volume's snapshots."""
    snapshot_policy_id: pulumi.Output[Optional[str]]
    """ebs_snapshot: ID of the DLM policy snapshotting the data volume (None otherwise)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: RecoverableServerArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, RecoverableServerArgs)
        validate_recoverable_server_args(args)
        super().__init__("awsinaction:index:RecoverableServer", name, None, opts)
        self._name, self._args = name, args
        child = pulumi.ResourceOptions(parent=self)
        strategy, data, address = RecoveryStrategy(args.strategy), DataStore(args.data), AddressMode(args.address)
        scaled = strategy == RecoveryStrategy.AUTO_SCALING
        ctx = aws_context()
        server = physical_name(pulumi.get_project(), pulumi.get_stack(), name)
        tag = {SERVER_TAG: server}
        topic_arn = alarm_topic(self, name, "RecoverableServer", args.alarm_topic_arn, args.alarm_email, args.tags)

        eip = None
        if address == AddressMode.ELASTIC_IP:
            eip = aws.ec2.Eip(f"{name}-address", domain="vpc", tags=self._tags(f"{name}-address"), opts=child)
        zone_id = args.hosted_zone_id if address == AddressMode.DNS else None
        statements = pulumi.Output.all(eip.allocation_id if eip else None, args.file_system_arn, args.access_point_arn, zone_id).apply(
            lambda v: self._statements(ctx, server, data, scaled, v[0], v[1], v[2], v[3])
        )
        commands = pulumi.Output.all(
            efs_mount_commands(args.file_system_id, args.access_point_id, args.data_path) if data == DataStore.EFS else "",
            eip.allocation_id if eip and scaled else None,
            zone_id,
        ).apply(lambda v: self._boot_commands(v[0], server, data, address if scaled else AddressMode.NONE, v[1], v[2]))
        logs = log_group_name(name)
        spec = ServerSpec(
            name=name,
            component="RecoverableServer",
            vpc_id=args.vpc_id,
            instance_type=args.instance_type,
            architecture=check_architecture(args.instance_type, None, "instance_type", "architecture"),
            description=f"Recoverable server {name}",
            statements=statements,
            user_data=commands.apply(
                lambda lines: render_app_user_data("recoverable", logs, inline_code(["server_boot"]), lines,
                                                   "amazon-efs-utils" if data == DataStore.EFS else "")
            ),
            log_retention_days=args.log_retention_days,
            ingress=self._ingress(),
            egress=[Rule(443, "HTTPS to AWS APIs and package repositories", cidr="0.0.0.0/0")],
            extra_security_group_ids=[args.file_system_client_security_group_id] if data == DataStore.EFS else [],
            root_volume_size_gib=args.root_volume_size_gib,
            # A group's new server needs a public IP to reach the AWS APIs before it moves the Elastic IP to itself;
            # a recovered instance keeps its association, made once by Pulumi.
            public_ip=address == AddressMode.ELASTIC_IP and scaled,
            instance_tags={**tag, **({"Role": PUBLIC_ROLE} if address == AddressMode.ELASTIC_IP else {})},
            # A pet: a new Amazon Linux release must not replace it (and possibly move it, and its data, to another AZ).
            ignore_image_changes=True,
            tags=args.tags,
        )
        parts = app_servers(self, spec)
        group = instance = None
        if scaled:
            group = server_group(
                self, spec, parts.launch_template, args.subnet_ids, 1, 1, "EC2", args.health_check_grace_period_seconds,
                overlap_on_refresh=False,
            )
            create_alarms(name, "RecoverableServer", args.tags, self, "AWS/AutoScaling", {"AutoScalingGroupName": group.name},
                          [NO_SERVER_ALARM], topic_arn)
        else:
            instance = self._instance(parts.launch_template, tag, topic_arn)
            if eip is not None:
                aws.ec2.EipAssociation(f"{name}-address", allocation_id=eip.allocation_id, instance_id=instance.id, opts=child)
            if address == AddressMode.DNS:
                aws.route53.Record(f"{name}-dns", zone_id=args.hosted_zone_id, name=args.record_name, type="A", ttl=60,
                                   records=[instance.private_ip], opts=child)
        policy = None
        if data == DataStore.EBS_SNAPSHOT:
            schedule = SnapshotSchedule(args.snapshot_interval_hours, "00:00", args.snapshot_retain_count, None, 1)
            policy = snapshot_policy(self, name, "RecoverableServer", tag, schedule, args.tags)
            snapshot_alarm(self, name, "RecoverableServer", policy, topic_arn, args.tags)

        address_value: pulumi.Input[str] = ""
        if eip is not None:
            address_value = eip.public_ip
        elif address == AddressMode.DNS:
            address_value = str(args.record_name).rstrip(".")
        self.address = pulumi.Output.from_input(address_value)
        self.group_name = group.name if group else pulumi.Output.from_input(None)
        self.instance_id = instance.id if instance else pulumi.Output.from_input(None)
        self.security_group_id = parts.security_group.id
        self.role_name = parts.role.name
        self.log_group_name = parts.log_group.name
        self.server_tag = pulumi.Output.from_input(tag)
        self.snapshot_policy_id = policy.id if policy else pulumi.Output.from_input(None)
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})

    def _tags(self, resource: str, **more: str) -> dict[str, str]:
        return resource_tags(resource, "RecoverableServer", self._args.tags, **more)

    def _ingress(self) -> list[Rule]:
        args, rules = self._args, []
        for port in args.ingress_ports:
            rules += [Rule(port, f"Port {port} from {cidr}", cidr=cidr) for cidr in args.ingress_cidrs]
            rules += [Rule(port, f"Port {port} from a client group", security_group_id=group) for group in args.ingress_security_group_ids]
        return rules

    def _statements(self, ctx: AwsContext, server: str, data: DataStore, scaled: bool, allocation_id: Optional[str],
                    file_system_arn: Optional[str], access_point_arn: Optional[str], zone_id: Optional[str]) -> list[Statement]:
        args, found = self._args, []
        if data == DataStore.EBS_SNAPSHOT:
            found += data_volume_statements(ctx, server)
        if data == DataStore.EFS:
            found += efs_statements(file_system_arn, access_point_arn)
        if scaled:
            allocation_arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account}:elastic-ip/{allocation_id}" if allocation_id else None
            found += address_statements(ctx, server, allocation_arn, zone_id, args.record_name if zone_id else None)
        return found

    def _boot_commands(self, efs_lines: str, server: str, data: DataStore, address: AddressMode, allocation_id: Optional[str],
                       zone_id: Optional[str]) -> str:
        """Data, then address, then the application: the user data's last part."""
        args, lines = self._args, []
        if data == DataStore.EFS:
            lines.append(efs_lines)
        elif data == DataStore.EBS_SNAPSHOT:
            lines.append(render_template("data_volume.sh", {
                "mount_path": args.data_path, "tag_key": shell_literal(SERVER_TAG), "tag_value": shell_literal(server),
                "size_gib": args.data_volume_size_gib, "device": DATA_DEVICE,
                "mount_commands": render_template("mount_volume.sh", {"mount_path": args.data_path, "fallback_device": DATA_DEVICE}),
            }))
        else:
            lines.append(f"mkdir -p {args.data_path}")
        boot = 'python3 "/opt/${APP}/server_boot.py"'
        if address == AddressMode.ELASTIC_IP:
            lines.append(f'{boot} address --allocation-id {shell_literal(allocation_id)} --instance "${{INSTANCE_ID}}"')
        elif address == AddressMode.DNS:
            lines.append(f'{boot} dns --zone-id {shell_literal(zone_id)} --name {shell_literal(args.record_name)} '
                         '--ip "$(imds local-ipv4)"')
        lines.append(f"export DATA_DIR={args.data_path}")
        if args.app_bootstrap:
            script = args.app_bootstrap.rstrip()
            lines.append(
                f"cat > \"/opt/${{APP}}/app-bootstrap.sh\" <<'{APP_BOOTSTRAP_DELIMITER}'\n{script}\n{APP_BOOTSTRAP_DELIMITER}\n"
                'bash "/opt/${APP}/app-bootstrap.sh"'
            )
        return "\n".join(lines) + "\n"

    def _instance(self, template: aws.ec2.LaunchTemplate, tag: dict[str, str], topic_arn: pulumi.Input[str]) -> aws.ec2.Instance:
        name, args = self._name, self._args
        subnet = pulumi.Output.from_input(args.subnet_ids).apply(lambda ids: ids[0])
        instance = aws.ec2.Instance(
            f"{name}-server",
            launch_template={"id": template.id, "version": template.latest_version.apply(lambda v: str(int(v)))},
            subnet_id=subnet,
            # The template says the same; stated here too so the instance's own record shows it (and checks can read it).
            instance_type=args.instance_type,
            metadata_options=imdsv2_metadata_options(),
            root_block_device=encrypted_root_volume(args.root_volume_size_gib),
            tags=self._tags(f"{name}-server", **tag),
            # A pet, recovered in place: later template versions apply only when you replace it deliberately.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["launchTemplate"]),
        )
        region = current_region()
        actions = ((SYSTEM_CHECK_ALARM, recover_action_arn(region)), (INSTANCE_CHECK_ALARM, f"arn:aws:automate:{region}:ec2:reboot"))
        for spec, action in actions:
            alarm_name = f"{name}-{spec.suffix}"
            aws.cloudwatch.MetricAlarm(
                alarm_name, alarm_description=spec.description, namespace="AWS/EC2", metric_name=spec.metric_name,
                statistic=spec.statistic, period=spec.period, evaluation_periods=spec.evaluation_periods,
                comparison_operator=spec.comparison, threshold=spec.threshold, dimensions={"InstanceId": instance.id},
                alarm_actions=[action, topic_arn], ok_actions=[topic_arn], tags=self._tags(alarm_name),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return instance
