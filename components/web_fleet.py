"""WebFleet: an auto-scaling group of web servers in the private subnets, behind a LoadBalancer.

Book chapter 2 (WordPress on an ASG), chapter 3 (spot capacity), chapter 14 (spread over AZs,
ELB health checks) and chapter 17 (target tracking, schedules, step scaling on an SQS queue).
"""

import base64
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args, require
from .alarms import PUBLISHER_ACTIONS, alarm_key_policy
from .cron import check_cron
from .database_checks import DatabaseEngine, check_master_username
from .ec2_defaults import al2023_ami_id, check_instance_type, encrypted_root_volume, imdsv2_metadata_options
from .iam import Statement, assume_role_policy, policy_document, statement
from .lambda_function import aws_context
from .load_balancer import check_between, check_health_check_path
from .network import LOG_RETENTION_DAYS
from .scaling import queue_depth_scaling
from .tags import resource_tags
from .web_user_data import WebUserData, check_app_bootstrap, render_web_user_data, wordpress_bootstrap

WORLD_IPV4 = "0.0.0.0/0"
NFS_PORT = 2049
AMI_ID = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")
"""The form of an AMI ID."""
ROOT_DEVICE = "/dev/xvda"
"""Root device name of the Amazon Linux 2023 AMIs."""
WAIT_FOR_CAPACITY_TIMEOUT = "15m"
"""How long `pulumi up` waits for the group to reach its size: the bootstrap installs packages first."""
INSTANCE_REFRESH_MIN_HEALTHY_PERCENT = 100
"""An instance refresh launches each replacement before it terminates an old server: capacity never drops."""
INSTANCE_REFRESH_MAX_HEALTHY_PERCENT = 200
"""Up to twice the capacity during a refresh; AWS allows at most 100 points between the two percentages."""
REFRESH_WARMUP_SECONDS = 600
"""A refreshed server counts as ready only after this long: its first boot installs and configures WordPress."""
SCALING_NOTIFICATIONS = [
    "autoscaling:EC2_INSTANCE_LAUNCH",
    "autoscaling:EC2_INSTANCE_TERMINATE",
    "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
    "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
]
"""Scaling events sent to the notification topic."""
GROUP_METRICS = ["GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"]
"""Group metrics published to CloudWatch every minute (free of charge)."""
SESSION_MANAGER_ACTIONS = {
    "ssmmessages:CreateControlChannel": "Session Manager control channel; ssmmessages defines no resource types",
    "ssmmessages:CreateDataChannel": "Session Manager data channel; ssmmessages defines no resource types",
    "ssmmessages:OpenControlChannel": "Session Manager control channel; ssmmessages defines no resource types",
    "ssmmessages:OpenDataChannel": "Session Manager data channel; ssmmessages defines no resource types",
    "ssm:UpdateInstanceInformation": (
        "the SSM agent registers its own instance, whose ID exists only after launch; AWS's own Session Manager "
        "instance policies (AmazonSSMManagedInstanceCore, AWSCloud9SSMInstanceProfile) grant it on *"
    ),
}
"""The only actions the instance role grants on "*", each with the reason (the minimum Session Manager needs)."""


class Architecture(str, Enum):
    """CPU architecture of the Amazon Linux 2023 image."""

    ARM64 = "arm64"
    """Graviton (t4g, m7g, ...): the cheaper default."""
    X86_64 = "x86_64"
    """Intel and AMD (t3, m6i, ...)."""


class SpotAllocationStrategy(str, Enum):
    """How the group picks spot capacity pools."""

    CAPACITY_OPTIMIZED = "capacity-optimized"
    """Pools with the most spare capacity: the fewest interruptions."""
    PRICE_CAPACITY_OPTIMIZED = "price-capacity-optimized"
    """The cheapest among the pools with spare capacity."""


@dataclass(frozen=True)
class ScheduledCapacity:
    """A recurring scheduled action that sets the desired capacity (book ch. 17)."""

    recurrence: str
    """Unix cron expression with 5 fields, in UTC, e.g. 0 8 * * * for 08:00 daily."""
    desired_capacity: int
    """Number of servers from that time on; must lie within min_size..max_size."""


@dataclass(frozen=True)
class WebFleetArgs:
    """Inputs of the WebFleet component."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC."""
    vpc_cidr: Optional[pulumi.Input[str]] = None
    """IPv4 CIDR of the VPC: the servers reach the database and file system only inside it."""
    private_subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Private subnets of all AZs the group spans (at least two for high availability)."""
    load_balancer_security_group_id: Optional[pulumi.Input[str]] = None
    """Security group of the load balancer, the only source admitted on the application port."""
    target_group_arn: Optional[pulumi.Input[str]] = None
    """Target group the servers register with."""
    target_group_arn_suffix: Optional[pulumi.Input[str]] = None
    """ARN suffix of the target group, for the health and 5xx alarms."""
    load_balancer_arn_suffix: Optional[pulumi.Input[str]] = None
    """ARN suffix of the load balancer, for the health and 5xx alarms."""
    database_secret_arn: Optional[pulumi.Input[str]] = None
    """Secrets Manager secret with the database username and password; the only secret the servers may read."""
    database_host: Optional[pulumi.Input[str]] = None
    """Database endpoint host name."""
    database_port: Optional[pulumi.Input[int]] = 3306
    """Database port (default 3306, MySQL)."""
    database_name: Optional[str] = "wordpress"
    """Database (schema) name the application uses (default wordpress)."""
    database_resource_id: Optional[pulumi.Input[str]] = None
    """RDS resource ID of the database (Database.resource_id): the servers may then connect as database_user with IAM
    authentication (rds-db:connect). The default WordPress needs it (default none)."""
    database_user: Optional[str] = "wordpress"
    """Database user the application connects as with IAM authentication, not the master user; WordPress creates it at
    boot with the master credentials, with rights on its own database only (default wordpress)."""
    database_secret_kms_key_arn: Optional[pulumi.Input[str]] = None
    """Customer-managed KMS key of the secret, if any; the servers may decrypt with it through Secrets Manager only."""
    file_system_arn: Optional[pulumi.Input[str]] = None
    """EFS file system the servers may mount and write (default none)."""
    file_system_access_point_arn: Optional[pulumi.Input[str]] = None
    """Restrict mounting to this EFS access point (default none)."""
    mount_commands: Optional[pulumi.Input[str]] = None
    """Shell lines that mount the shared file system at shared_path, run before the application bootstrap."""
    shared_path: Optional[str] = "/mnt/shared"
    """Mount point of the shared file system; the application keeps shared files below it (default /mnt/shared)."""
    app_bootstrap: Optional[str] = None
    """Shell script that installs the application; it gets DB_*, SHARED_DIR, SITE_URL in its environment (default WordPress)."""
    site_url: Optional[pulumi.Input[str]] = None
    """Public URL of the site, e.g. https://www.example.com (default none: WordPress derives it from the Host header)."""
    app_port: Optional[int] = 80
    """Port the servers serve HTTP on; must equal the target group's port (default 80)."""
    health_check_path: Optional[str] = "/healthz"
    """Path answered with 200 once a server is ready; must equal the target group's (default /healthz)."""
    instance_type: Optional[str] = "t4g.micro"
    """EC2 instance type (default t4g.micro, Graviton)."""
    architecture: Optional[Architecture] = None
    """Image architecture, arm64 or x86_64 (default: that of instance_type); must match the instance type."""
    ami_id: Optional[str] = None
    """AMI of the servers, e.g. ami-0123456789abcdef0: an Amazon Linux 2023 image of the instance type's architecture
    (default none: the latest Amazon Linux 2023, looked up at every run, so each release replaces the servers)."""
    root_volume_size_gib: Optional[int] = 8
    """Size of the encrypted gp3 root volume in GiB, 8 to 1024 (default 8)."""
    detailed_monitoring: Optional[bool] = False
    """One-minute EC2 metrics instead of five (costs extra; default false)."""
    ssm_access: Optional[bool] = True
    """Allow shell access through SSM Session Manager, without SSH or open ports (default true)."""
    additional_security_group_ids: Optional[list[pulumi.Input[str]]] = field(default_factory=list)
    """More security groups for the servers, e.g. the file system's client group (default none)."""
    key_name: Optional[str] = None
    """EC2 key pair for SSH from the bastion (default none)."""
    bastion_security_group_id: Optional[pulumi.Input[str]] = None
    """Security group of the bastion host: SSH is admitted from it only (default none: no SSH)."""
    min_size: Optional[int] = 2
    """Fewest servers (default 2, as in the book)."""
    max_size: Optional[int] = 4
    """Most servers (default 4, as in the book)."""
    desired_capacity: Optional[int] = None
    """Servers at creation, within min..max (default min_size); later updates leave it to the scaling policies."""
    health_check_grace_period_seconds: Optional[int] = 900
    """Seconds after launch before failed ELB health checks count, 0 to 7200 (default 900: the first server installs
    WordPress while the others wait up to 15 minutes for its lock; the book uses 300 for a pre-built image)."""
    instance_warmup_seconds: Optional[int] = 120
    """Seconds before a new server's metrics count for scaling and refreshes, 0 to 3600 (default 120)."""
    cpu_target_percent: Optional[int] = 70
    """Target-tracking goal for average CPU, 1 to 100; 0 turns target tracking off (default 70, as in the book)."""
    schedules: Optional[list[ScheduledCapacity]] = field(default_factory=list)
    """Recurring scheduled capacities, e.g. 4 at 0 8 * * * and 2 at 0 20 * * * (default none)."""
    scaling_queue_name: Optional[pulumi.Input[str]] = None
    """SQS queue whose visible messages scale the group step by step (book ch. 17; default none)."""
    queue_messages_threshold: Optional[int] = 5
    """Messages visible (sum over 5 minutes) above which a server is added and below which one is removed (default 5)."""
    spot_percent: Optional[int] = 0
    """Share of the capacity above on_demand_base_capacity run on spot instances, 0 to 100 (default 0)."""
    on_demand_base_capacity: Optional[int] = 0
    """Servers always run on demand before spot_percent applies (default 0)."""
    spot_instance_types: Optional[list[str]] = field(default_factory=list)
    """More instance types of the same architecture for spot diversity (default none)."""
    spot_allocation_strategy: Optional[SpotAllocationStrategy] = SpotAllocationStrategy.CAPACITY_OPTIMIZED
    """How spot pools are chosen (default capacity-optimized)."""
    notification_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for scaling events and alarms (default: an encrypted topic is created)."""
    target_5xx_threshold: Optional[int] = 10
    """5xx responses from the servers in 5 minutes that raise the alarm (default 10)."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the servers' logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_group_size(min_size: int, desired: int, max_size: int, names: tuple[str, str, str]) -> None:
    """0 <= min <= desired <= max, max >= 1; `names` are the argument (or config key) names of the three."""
    min_name, desired_name, max_name = names
    check_between(min_size, 0, 1000, min_name)
    check_between(max_size, 1, 1000, max_name)
    if min_size > max_size:
        raise ValueError(f"{min_name}: {min_size} is greater than {max_name} ({max_size})")
    if isinstance(desired, bool) or not isinstance(desired, int) or not min_size <= desired <= max_size:
        raise ValueError(f"{desired_name}: {desired!r} is outside {min_name}..{max_name} ({min_size}..{max_size})")


def check_architecture(instance_type: str, architecture: Optional[str], argument: str, architecture_argument: str) -> str:
    """The instance type must run the image's architecture; returns that architecture."""
    type_architecture = check_instance_type(instance_type, argument)
    if architecture is None:
        return type_architecture
    try:
        wanted = Architecture(architecture).value
    except ValueError:
        raise ValueError(f"{architecture_argument}: {architecture!r} is not allowed; use arm64 or x86_64") from None
    if wanted != type_architecture:
        hint = "a Graviton type such as t4g.micro" if wanted == "arm64" else "an Intel or AMD type such as t3.micro"
        raise ValueError(f"{argument}: {instance_type!r} is an {type_architecture} type and cannot boot the {wanted} image; use {hint}")
    return wanted


def check_ami_id(ami_id: Optional[str], argument: str) -> None:
    """An AMI ID (ami- and 8 or 17 hexadecimal digits), or None for the latest Amazon Linux 2023."""
    if ami_id is not None and not (isinstance(ami_id, str) and AMI_ID.fullmatch(ami_id)):
        raise ValueError(
            f"{argument}: {ami_id!r} is not an AMI ID (expected ami- and 8 or 17 hexadecimal digits, e.g. ami-0123456789abcdef0)"
        )


def parse_schedule(text: str, argument: str) -> ScheduledCapacity:
    """Parse "CRON=SIZE" (e.g. "0 8 * * *=4"), the stack config form of a scheduled capacity."""
    cron, separator, size = text.rpartition("=") if isinstance(text, str) else ("", "", "")
    if not separator or not re.fullmatch(r"\d+", size.strip()):
        raise ValueError(f"{argument}: {text!r} is not CRON=SIZE (e.g. '0 8 * * *=4')")
    check_cron(cron.strip(), argument)
    return ScheduledCapacity(recurrence=cron.strip(), desired_capacity=int(size))


def as_schedule(value: Any) -> ScheduledCapacity:
    """A ScheduledCapacity from itself or from the dict the multi-language provider host passes."""
    return value if isinstance(value, ScheduledCapacity) else ScheduledCapacity(**dict(value))


def check_schedules(
    schedules: list[ScheduledCapacity], min_size: int, max_size: int, argument: str, bounds: str = "min_size..max_size"
) -> None:
    """Every schedule has a valid cron expression and a size within min..max."""
    for item in schedules:
        check_cron(item.recurrence, argument)
        if (
            isinstance(item.desired_capacity, bool)
            or not isinstance(item.desired_capacity, int)
            or not (min_size <= item.desired_capacity <= max_size)
        ):
            raise ValueError(
                f"{argument}: {item.recurrence!r} sets {item.desired_capacity!r} servers, outside {bounds} ({min_size}..{max_size})"
            )


def validate_web_fleet_args(args: WebFleetArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(
        args,
        "vpc_id",
        "vpc_cidr",
        "private_subnet_ids",
        "load_balancer_security_group_id",
        "target_group_arn",
        "target_group_arn_suffix",
        "load_balancer_arn_suffix",
        "database_secret_arn",
        "database_host",
    )
    architecture = check_architecture(args.instance_type, args.architecture, "instance_type", "architecture")
    check_ami_id(args.ami_id, "ami_id")
    check_master_username(args.database_user, DatabaseEngine.MYSQL, "database_user")
    if args.app_bootstrap is None and args.database_resource_id is None:
        raise ValueError(
            "database_resource_id: None; the default WordPress connects as its own database user with IAM authentication: "
            "give the Database's resource_id (its iam_database_authentication on), or your own app_bootstrap"
        )
    for extra in args.spot_instance_types:
        if check_instance_type(extra, "spot_instance_types") != architecture:
            raise ValueError(f"spot_instance_types: {extra!r} is not an {architecture} type like the image; mix one architecture only")
    desired = args.min_size if args.desired_capacity is None else args.desired_capacity
    check_group_size(args.min_size, desired, args.max_size, ("min_size", "desired_capacity", "max_size"))
    check_schedules([as_schedule(s) for s in args.schedules], args.min_size, args.max_size, "schedules")
    check_health_check_path(args.health_check_path, "health_check_path")
    if not isinstance(args.shared_path, str) or not re.fullmatch(r"(/[A-Za-z0-9._-]+)+", args.shared_path):
        raise ValueError(f"shared_path: {args.shared_path!r} is not an absolute directory path such as /mnt/shared")
    check_between(args.app_port, 1, 65535, "app_port")
    check_between(args.root_volume_size_gib, 8, 1024, "root_volume_size_gib")
    check_between(args.health_check_grace_period_seconds, 0, 7200, "health_check_grace_period_seconds")
    check_between(args.instance_warmup_seconds, 0, 3600, "instance_warmup_seconds")
    check_between(args.cpu_target_percent, 0, 100, "cpu_target_percent")
    check_between(args.queue_messages_threshold, 1, 1_000_000, "queue_messages_threshold")
    check_between(args.spot_percent, 0, 100, "spot_percent")
    check_between(args.on_demand_base_capacity, 0, args.max_size, "on_demand_base_capacity")
    check_between(args.target_5xx_threshold, 1, 1_000_000, "target_5xx_threshold")
    try:
        SpotAllocationStrategy(args.spot_allocation_strategy)
    except ValueError:
        allowed = ", ".join(s.value for s in SpotAllocationStrategy)
        raise ValueError(f"spot_allocation_strategy: {args.spot_allocation_strategy!r} is not allowed; use one of {allowed}") from None
    if args.log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(f"log_retention_days: {args.log_retention_days!r} is not a CloudWatch retention; use one of {LOG_RETENTION_DAYS}")
    if args.file_system_access_point_arn is not None and args.file_system_arn is None:
        raise ValueError("file_system_access_point_arn: needs file_system_arn, the file system the access point belongs to")
    if args.app_bootstrap is not None:
        check_app_bootstrap(args.app_bootstrap, "app_bootstrap")


def database_user_arn(partition: str, region: str, account: str, resource_id: str, user: str) -> str:
    """The rds-db:connect resource of one database user of one instance (the instance named by its resource ID)."""
    return f"arn:{partition}:rds-db:{region}:{account}:dbuser:{resource_id}/{user}"


def instance_policy(
    secret_arn: str,
    log_group_arn: str,
    file_system_arn: Optional[str] = None,
    access_point_arn: Optional[str] = None,
    secret_kms_key_arn: Optional[str] = None,
    ssm_access: bool = False,
    database_user_arn: Optional[str] = None,
) -> str:
    """The instance role's only policy: read one secret, connect as one database user, mount one file system, write its
    own logs (+ Session Manager)."""
    statements: list[Statement] = [
        statement(["secretsmanager:GetSecretValue"], [secret_arn], sid="ReadDatabaseSecret"),
        statement(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            [log_group_arn, f"{log_group_arn}:*"],
            sid="WriteOwnLogs",
        ),
    ]
    if database_user_arn:
        statements.append(statement(["rds-db:connect"], [database_user_arn], sid="ConnectAsDatabaseUser"))
    if secret_kms_key_arn:
        statements.append(
            statement(
                ["kms:Decrypt"],
                [secret_kms_key_arn],
                sid="DecryptDatabaseSecret",
                condition={"StringEquals": {"kms:ViaService": f"secretsmanager.{secret_arn.split(':')[3]}.amazonaws.com"}},
            )
        )
    if file_system_arn:
        condition = {"StringEquals": {"elasticfilesystem:AccessPointArn": access_point_arn}} if access_point_arn else None
        statements.append(
            statement(
                ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                [file_system_arn],
                sid="MountSharedFileSystem",
                condition=condition,
            )
        )
    if ssm_access:
        # Every action here supports no resource-level permission; the reasons are in SESSION_MANAGER_ACTIONS.
        statements.append(statement(sorted(SESSION_MANAGER_ACTIONS), ["*"], sid="SessionManager"))
    return policy_document(statements)


class WebFleet(pulumi.ComponentResource):
    """Web servers in an auto-scaling group over the private subnets, registered with a load balancer's target group."""

    group_name: pulumi.Output[str]
    """Name of the auto-scaling group."""
    group_arn: pulumi.Output[str]
    """ARN of the auto-scaling group."""
    launch_template_id: pulumi.Output[str]
    """ID of the launch template."""
    security_group_id: pulumi.Output[str]
    """Security group of the servers; give it access to the database and file system."""
    instance_role_arn: pulumi.Output[str]
    """ARN of the servers' IAM role."""
    instance_role_name: pulumi.Output[str]
    """Name of the servers' IAM role."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group receiving the bootstrap and web server logs."""
    notification_topic_arn: pulumi.Output[str]
    """SNS topic receiving scaling events and alarms."""

    def __init__(self, name: str, args: WebFleetArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, WebFleetArgs)
        validate_web_fleet_args(args)
        super().__init__("awsinaction:index:WebFleet", name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        # The Python SDK does not pass a component's depends_on on to its children: the resources that launch
        # instances (whose boot may need, say, the file system's mount targets) take it explicitly.
        self._launch_opts = pulumi.ResourceOptions(parent=self, depends_on=opts.depends_on if opts else None)
        architecture = check_architecture(args.instance_type, args.architecture, "instance_type", "architecture")
        desired = args.min_size if args.desired_capacity is None else args.desired_capacity

        log_name = f"{name}-logs"
        self.log_group = aws.cloudwatch.LogGroup(
            log_name,
            name=f"/{pulumi.get_project()}/{pulumi.get_stack()}/{name}",
            retention_in_days=args.log_retention_days,
            tags=self._tags(log_name),
            opts=self._child,
        )
        role, profile = self._instance_profile()
        sg = self._security_group()
        template = self._launch_template(architecture, sg, profile)
        self.group = self._group(template, desired)
        topic_arn = args.notification_topic_arn if args.notification_topic_arn is not None else self._topic().arn
        self._scaling(topic_arn)
        self._alarms(topic_arn)

        self.group_name = self.group.name
        self.group_arn = self.group.arn
        self.launch_template_id = template.id
        self.security_group_id = sg.id
        self.instance_role_arn = role.arn
        self.instance_role_name = role.name
        self.log_group_name = self.log_group.name
        self.notification_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs(
            {
                "group_name": self.group_name,
                "group_arn": self.group_arn,
                "launch_template_id": self.launch_template_id,
                "security_group_id": self.security_group_id,
                "instance_role_arn": self.instance_role_arn,
                "instance_role_name": self.instance_role_name,
                "log_group_name": self.log_group_name,
                "notification_topic_arn": self.notification_topic_arn,
            }
        )

    def _tags(self, name: str, **more: str) -> dict[str, str]:
        return resource_tags(name, "WebFleet", self._args.tags, **more)

    def _instance_profile(self) -> tuple[aws.iam.Role, aws.iam.InstanceProfile]:
        args, name = self._args, f"{self._name}-instance"
        role = aws.iam.Role(name, assume_role_policy=assume_role_policy("ec2.amazonaws.com"), tags=self._tags(name), opts=self._child)
        policy = pulumi.Output.all(
            args.database_secret_arn,
            self.log_group.arn,
            args.file_system_arn,
            args.file_system_access_point_arn,
            args.database_secret_kms_key_arn,
            self._database_user_arn(),
        ).apply(lambda v: instance_policy(v[0], v[1], v[2], v[3], v[4], ssm_access=bool(args.ssm_access), database_user_arn=v[5]))
        aws.iam.RolePolicy(name, role=role.id, policy=policy, opts=self._child)
        profile = aws.iam.InstanceProfile(name, role=role.name, tags=self._tags(name), opts=self._child)
        return role, profile

    def _database_user_arn(self) -> Optional[pulumi.Output[str]]:
        """What rds-db:connect names for the application's database user (None without the database's resource ID)."""
        args = self._args
        if args.database_resource_id is None:
            return None
        where = aws_context()
        return pulumi.Output.from_input(args.database_resource_id).apply(
            lambda resource_id: database_user_arn(where.partition, where.region, where.account, resource_id, args.database_user)
        )

    def _security_group(self) -> aws.ec2.SecurityGroup:
        args, name = self._args, f"{self._name}-servers"
        sg = aws.ec2.SecurityGroup(
            name,
            vpc_id=args.vpc_id,
            description="Web servers: HTTP from the load balancer only",
            tags=self._tags(name),
            opts=self._child,
        )

        def rule(kind: type, suffix: str, description: str, **spec: Any) -> None:
            rule_name = f"{name}-{suffix}"
            kind(rule_name, security_group_id=sg.id, description=description, tags=self._tags(rule_name), opts=self._child, **spec)

        rule(
            aws.vpc.SecurityGroupIngressRule,
            "http-from-alb",
            "Application port from the load balancer",
            ip_protocol="tcp",
            from_port=args.app_port,
            to_port=args.app_port,
            referenced_security_group_id=args.load_balancer_security_group_id,
        )
        if args.bastion_security_group_id is not None:
            rule(
                aws.vpc.SecurityGroupIngressRule,
                "ssh-from-bastion",
                "SSH from the bastion host",
                ip_protocol="tcp",
                from_port=22,
                to_port=22,
                referenced_security_group_id=args.bastion_security_group_id,
            )
        rule(
            aws.vpc.SecurityGroupEgressRule,
            "to-database",
            "Database inside the VPC",
            ip_protocol="tcp",
            from_port=args.database_port,
            to_port=args.database_port,
            cidr_ipv4=args.vpc_cidr,
        )
        if args.file_system_arn is not None or args.mount_commands is not None:
            rule(
                aws.vpc.SecurityGroupEgressRule,
                "to-nfs",
                "Shared file system (NFS) inside the VPC",
                ip_protocol="tcp",
                from_port=NFS_PORT,
                to_port=NFS_PORT,
                cidr_ipv4=args.vpc_cidr,
            )
        rule(
            aws.vpc.SecurityGroupEgressRule,
            "https-out",
            "HTTPS to AWS APIs and package repositories",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=WORLD_IPV4,
        )
        return sg

    def _user_data(self) -> pulumi.Output[str]:
        args = self._args
        app = args.app_bootstrap if args.app_bootstrap is not None else wordpress_bootstrap()

        def render(values: list[Any]) -> str:
            secret, host, port, site_url, log_group, mounts = values
            script = render_web_user_data(
                WebUserData(
                    db_secret_arn=secret,
                    db_host=host,
                    db_port=int(port),
                    db_name=args.database_name,
                    db_user=args.database_user,
                    shared_dir=args.shared_path,
                    site_url=site_url or "",
                    app_port=args.app_port,
                    health_check_path=args.health_check_path,
                    log_group_name=log_group,
                    mount_commands=mounts or "",
                    app_bootstrap=app,
                )
            )
            return base64.b64encode(script.encode()).decode()

        return pulumi.Output.all(
            args.database_secret_arn,
            args.database_host,
            args.database_port,
            args.site_url,
            self.log_group.name,
            args.mount_commands,
        ).apply(render)

    def _launch_template(self, architecture: str, sg: aws.ec2.SecurityGroup, profile: aws.iam.InstanceProfile) -> aws.ec2.LaunchTemplate:
        args, name = self._args, f"{self._name}-servers"
        # Launch templates take EBS flags as strings.
        root = {k: str(v).lower() if isinstance(v, bool) else v for k, v in encrypted_root_volume(args.root_volume_size_gib).items()}
        return aws.ec2.LaunchTemplate(
            name,
            name_prefix=f"{name}-",
            description="Web servers of the fleet (Amazon Linux 2023)",
            # A pin changes only when someone bumps it; the lookup follows every Amazon Linux release.
            image_id=args.ami_id or al2023_ami_id(architecture),
            instance_type=args.instance_type,
            key_name=args.key_name,
            iam_instance_profile={"arn": profile.arn},
            vpc_security_group_ids=[sg.id, *args.additional_security_group_ids],
            metadata_options=imdsv2_metadata_options(),
            block_device_mappings=[{"device_name": ROOT_DEVICE, "ebs": root}],
            monitoring={"enabled": bool(args.detailed_monitoring)},
            user_data=self._user_data(),
            update_default_version=True,
            tag_specifications=[
                {"resource_type": "volume", "tags": self._tags(name)},
                {"resource_type": "network-interface", "tags": self._tags(name)},
            ],
            tags=self._tags(name),
            opts=self._launch_opts,
        )

    def _group(self, template: aws.ec2.LaunchTemplate, desired: int) -> aws.autoscaling.Group:
        args, name = self._args, f"{self._name}-asg"
        # A pinned version (not $Latest) is what makes a template change start an instance refresh.
        version = template.latest_version.apply(lambda v: str(int(v)))
        mixed = args.spot_percent > 0 or bool(args.spot_instance_types)
        capacity: dict[str, Any] = {"launch_template": {"id": template.id, "version": version}}
        if mixed:
            types = list(dict.fromkeys([args.instance_type, *args.spot_instance_types]))
            capacity = {
                "mixed_instances_policy": {
                    "launch_template": {
                        "launch_template_specification": {"launch_template_id": template.id, "version": version},
                        "overrides": [{"instance_type": t} for t in types],
                    },
                    "instances_distribution": {
                        "on_demand_base_capacity": args.on_demand_base_capacity,
                        "on_demand_percentage_above_base_capacity": 100 - args.spot_percent,
                        "spot_allocation_strategy": SpotAllocationStrategy(args.spot_allocation_strategy).value,
                    },
                },
                "capacity_rebalance": args.spot_percent > 0,
            }
        return aws.autoscaling.Group(
            name,
            vpc_zone_identifiers=args.private_subnet_ids,
            min_size=args.min_size,
            max_size=args.max_size,
            desired_capacity=desired,
            health_check_type="ELB",
            health_check_grace_period=args.health_check_grace_period_seconds,
            default_instance_warmup=args.instance_warmup_seconds,
            target_group_arns=[args.target_group_arn],
            instance_refresh={
                "strategy": "Rolling",
                "preferences": {
                    "min_healthy_percentage": INSTANCE_REFRESH_MIN_HEALTHY_PERCENT,
                    "max_healthy_percentage": INSTANCE_REFRESH_MAX_HEALTHY_PERCENT,
                    "instance_warmup": str(max(args.instance_warmup_seconds, REFRESH_WARMUP_SECONDS)),
                    "skip_matching": True,
                },
            },
            wait_for_capacity_timeout=WAIT_FOR_CAPACITY_TIMEOUT,
            enabled_metrics=GROUP_METRICS,
            metrics_granularity="1Minute",
            tags=[{"key": k, "value": v, "propagate_at_launch": True} for k, v in self._tags(name).items()],
            # Scaling policies and schedules own the desired capacity after creation: updates must not reset it.
            opts=pulumi.ResourceOptions.merge(self._launch_opts, pulumi.ResourceOptions(ignore_changes=["desired_capacity"])),
            **capacity,
        )

    def _topic(self) -> aws.sns.Topic:
        """An encrypted topic that CloudWatch alarms and the Auto Scaling service-linked role may publish to."""
        name = f"{self._name}-events"
        account, partition = aws.get_caller_identity().account_id, aws.get_partition().partition
        key_policy = json.loads(alarm_key_policy(account, partition))
        # The group's service-linked role publishes the scaling events; it exists once the group does.
        service_role = f"arn:{partition}:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
        key_policy["Statement"].append(
            {
                "Sid": "AutoScalingNotifications",
                "Effect": "Allow",
                "Principal": {"AWS": service_role},
                "Action": list(PUBLISHER_ACTIONS),
                "Resource": "*",
            }
        )
        key = aws.kms.Key(
            name,
            description=f"Encrypts the scaling and alarm topic of {self._name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy),
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.group]),
        )
        return aws.sns.Topic(name, kms_master_key_id=key.arn, tags=self._tags(name), opts=self._child)

    def _scaling(self, topic_arn: pulumi.Input[str]) -> None:
        args, name, group = self._args, self._name, self.group
        aws.autoscaling.Notification(
            f"{name}-notifications",
            group_names=[group.name],
            notifications=SCALING_NOTIFICATIONS,
            topic_arn=topic_arn,
            opts=self._child,
        )
        if args.cpu_target_percent:
            aws.autoscaling.Policy(
                f"{name}-cpu-target",
                autoscaling_group_name=group.name,
                policy_type="TargetTrackingScaling",
                target_tracking_configuration={
                    "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"},
                    "target_value": float(args.cpu_target_percent),
                },
                opts=self._child,
            )
        for index, item in enumerate(as_schedule(s) for s in args.schedules):
            aws.autoscaling.Schedule(
                f"{name}-schedule-{index}",
                scheduled_action_name=f"{name}-schedule-{index}",
                autoscaling_group_name=group.name,
                recurrence=item.recurrence,
                time_zone="Etc/UTC",
                desired_capacity=item.desired_capacity,
                # -1 leaves min and max alone; the provider's default 0 would change them.
                min_size=-1,
                max_size=-1,
                opts=self._child,
            )
        if args.scaling_queue_name is not None:
            self._queue_scaling()

    def _queue_scaling(self) -> None:
        args = self._args
        queue_depth_scaling(
            self, self._name, "WebFleet", self.group.name, args.scaling_queue_name, args.queue_messages_threshold,
            args.instance_warmup_seconds, args.tags,
        )

    def _alarms(self, topic_arn: pulumi.Input[str]) -> None:
        args = self._args
        dimensions: Mapping[str, pulumi.Input[str]] = {
            "TargetGroup": args.target_group_arn_suffix,
            "LoadBalancer": args.load_balancer_arn_suffix,
        }
        for suffix, metric, statistic, period, periods, threshold, description in (
            ("unhealthy-hosts", "UnHealthyHostCount", "Maximum", 60, 2, 0, "A web server fails the load balancer's health check"),
            (
                "target-5xx",
                "HTTPCode_Target_5XX_Count",
                "Sum",
                300,
                1,
                args.target_5xx_threshold,
                f"The web servers answered more than {args.target_5xx_threshold} requests with 5xx in 5 minutes",
            ),
        ):
            alarm_name = f"{self._name}-{suffix}"
            aws.cloudwatch.MetricAlarm(
                alarm_name,
                alarm_description=description,
                namespace="AWS/ApplicationELB",
                metric_name=metric,
                dimensions=dict(dimensions),
                statistic=statistic,
                period=period,
                evaluation_periods=periods,
                comparison_operator="GreaterThanThreshold",
                threshold=float(threshold),
                treat_missing_data="notBreaching",
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                tags=self._tags(alarm_name),
                opts=self._child,
            )
