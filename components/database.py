"""Database: RDS for MySQL or PostgreSQL in the isolated subnets, Multi-AZ, backed up, TLS only, alarmed.

Book chapter 11 (RDS: backups 05:00-06:00 UTC, Multi-AZ, read replica, the monitoring table)
and figure 1.5 (primary in one AZ, standby in the other).
"""

from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ._args import coerce_args, require
from .alarms import AlarmSpec, create_alarms, encrypted_alarm_topic
from .database_checks import (
    ENGINES,
    IDENTIFIER_SUFFIX_LENGTH,
    DatabaseEngine,
    check_allocated_storage,
    check_backup_retention,
    check_database_name,
    check_db_instance_class,
    check_engine,
    check_master_username,
    check_max_allocated_storage,
    check_port,
    check_replica,
    check_security_group_ids,
    check_windows,
    check_zones,
    engine_version,
    final_snapshot_identifier,
    instance_identifier,
    parameter_group_family,
)
from .network import LOG_RETENTION_DAYS
from .tags import resource_tags

__all__ = ["DATABASE_ALARMS", "Database", "DatabaseArgs", "DatabaseEngine", "check_subnet_ids", "validate_database_args"]

GIB = 1024**3
MIB = 1024**2
DATABASE_ALARMS = [
    AlarmSpec(
        "cpu",
        "CPUUtilization",
        "GreaterThanThreshold",
        80,
        "Average",
        300,
        1,
        "CPU above 80 % for 5 minutes: scale the instance class up (book ch. 11)",
    ),
    AlarmSpec(
        "free-storage",
        "FreeStorageSpace",
        "LessThanThreshold",
        2 * GIB,
        "Average",
        300,
        1,
        "Less than 2 GiB storage left: check storage autoscaling and its maximum (book ch. 11)",
    ),
    AlarmSpec(
        "freeable-memory",
        "FreeableMemory",
        "LessThanThreshold",
        64 * MIB,
        "Average",
        300,
        1,
        "Less than 64 MiB freeable memory: the instance class is too small (book ch. 11)",
    ),
    AlarmSpec(
        "disk-queue",
        "DiskQueueDepth",
        "GreaterThanThreshold",
        64,
        "Average",
        300,
        1,
        "Disk queue depth above 64: storage cannot keep up (book ch. 11)",
    ),
    AlarmSpec(
        "swap",
        "SwapUsage",
        "GreaterThanThreshold",
        256 * MIB,
        "Average",
        300,
        1,
        "More than 256 MiB swap in use: the instance class is too small (book ch. 11)",
    ),
]
"""The book's RDS monitoring table as alarms (AWS/RDS, per DB instance)."""


@dataclass(frozen=True)
class DatabaseArgs:
    """Inputs of the Database component; networking fields are required unless a WebShop fills them in."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC the database and its security group live in."""
    subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Isolated subnet IDs for the DB subnet group, one per entry of `availability_zones`."""
    availability_zones: Optional[list[str]] = None
    """AZ names of `subnet_ids` in the same order; at least 2 (RDS subnet groups need 2 AZs)."""
    client_security_group_ids: Optional[list[pulumi.Input[str]]] = field(default_factory=list)
    """Security groups allowed to connect on the engine port, one ingress rule each (the list length must be known)."""
    engine: Optional[DatabaseEngine] = DatabaseEngine.MYSQL
    """Database engine: mysql or postgres (default mysql)."""
    engine_version: Optional[str] = None
    """Engine version, a major version to float on minor upgrades (default: 8.4 for mysql, 17 for postgres)."""
    instance_class: Optional[str] = "db.t4g.micro"
    """RDS instance class of the primary (default db.t4g.micro)."""
    multi_az: Optional[bool] = True
    """Keep a synchronous standby in a second AZ (default true)."""
    allocated_storage_gb: Optional[int] = 20
    """Initial gp3 storage in GiB, 20 to 65536 (default 20)."""
    max_allocated_storage_gb: Optional[int] = 100
    """Storage autoscaling ceiling in GiB, at least the allocated storage; equal turns autoscaling off (default 100)."""
    database_name: Optional[str] = "app"
    """Name of the database created in the instance (default app)."""
    master_username: Optional[str] = "dbadmin"
    """Master user name; its password is generated and kept by RDS in Secrets Manager (default dbadmin)."""
    port: Optional[int] = None
    """Port the engine listens on (default 3306 for mysql, 5432 for postgres)."""
    backup_retention_days: Optional[int] = 7
    """Days of automated backups and point-in-time restore, 0 to 35; 0 turns backups off (default 7)."""
    backup_window: Optional[str] = "05:00-06:00"
    """Daily backup window hh:mm-hh:mm in UTC (default 05:00-06:00, the book's)."""
    maintenance_window: Optional[str] = "sun:06:30-sun:07:30"
    """Weekly maintenance window ddd:hh:mm-ddd:hh:mm in UTC, not overlapping the backup window (default sun:06:30-sun:07:30)."""
    deletion_protection: Optional[bool] = True
    """Refuse to delete the instance through the AWS API (default true)."""
    skip_final_snapshot: Optional[bool] = False
    """Delete without a final snapshot (default false: a final snapshot with a deterministic name is taken)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the primary instance so `pulumi destroy` refuses to delete it (default false)."""
    replica_instance_class: Optional[str] = None
    """Instance class of a read replica; none when unset (default none). Needs backup_retention_days > 0."""
    iam_database_authentication: Optional[bool] = False
    """Let IAM roles connect as database users created for it (MySQL: IDENTIFIED WITH AWSAuthenticationPlugin; PostgreSQL:
    GRANT rds_iam), with 15-minute tokens instead of passwords (default false)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the exported database logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def validate_database_args(args: DatabaseArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(args, "vpc_id", "subnet_ids", "availability_zones")
    engine = check_engine(args.engine, "engine")
    parameter_group_family(engine, args.engine_version, "engine_version")
    check_db_instance_class(args.instance_class, "instance_class")
    check_zones(args.availability_zones, bool(args.multi_az), "availability_zones")
    if isinstance(args.subnet_ids, (list, tuple)):
        check_subnet_ids(list(args.subnet_ids), list(args.availability_zones))
    check_security_group_ids(args.client_security_group_ids, "client_security_group_ids")
    check_allocated_storage(args.allocated_storage_gb, "allocated_storage_gb")
    check_max_allocated_storage(args.max_allocated_storage_gb, args.allocated_storage_gb, "max_allocated_storage_gb")
    check_database_name(args.database_name, engine, "database_name")
    check_master_username(args.master_username, engine, "master_username")
    if args.port is not None:
        check_port(args.port, "port")
    check_backup_retention(args.backup_retention_days, "backup_retention_days")
    check_windows(args.backup_window, args.maintenance_window, "maintenance_window")
    check_replica(args.replica_instance_class, args.backup_retention_days, "replica_instance_class")
    if args.log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(f"log_retention_days: {args.log_retention_days!r} is not a CloudWatch retention; use one of {LOG_RETENTION_DAYS}")


def check_subnet_ids(ids: list[str], zones: list[str]) -> list[str]:
    """One distinct subnet per AZ; run at construction for plain lists and at deployment for outputs."""
    if len(ids) != len(zones):
        raise ValueError(f"subnet_ids: {len(ids)} subnets for {len(zones)} availability zones {zones}; give one per AZ")
    if len(set(ids)) != len(ids):
        raise ValueError(f"subnet_ids: {ids!r} lists a subnet twice; give one subnet per AZ")
    return list(ids)


def _secret_arn(secrets: Optional[list]) -> Optional[str]:
    if not secrets:
        return None
    first = secrets[0]
    if isinstance(first, dict):
        return first.get("secret_arn") or first.get("secretArn")
    return first.secret_arn


class Database(pulumi.ComponentResource):
    """RDS for MySQL/PostgreSQL: isolated subnets, own security group, encrypted gp3, managed password, TLS, backups, alarms."""

    address: pulumi.Output[str]
    """DNS address of the primary endpoint (follows a Multi-AZ failover)."""
    port: pulumi.Output[int]
    """Port the engine listens on."""
    secret_arn: pulumi.Output[str]
    """ARN of the Secrets Manager secret RDS keeps the master credentials in; applications read it at boot."""
    security_group_id: pulumi.Output[str]
    """ID of the database's security group (engine port from the client groups only)."""
    instance_identifier: pulumi.Output[str]
    """RDS identifier of the primary instance."""
    resource_id: pulumi.Output[str]
    """RDS resource ID of the primary (db-...): names the instance in rds-db:connect permissions."""
    replica_address: pulumi.Output[Optional[str]]
    """DNS address of the read replica (None without a replica)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: DatabaseArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, DatabaseArgs)
        validate_database_args(args)
        super().__init__("awsinaction:index:Database", name, None, opts)
        self._name = name
        self._args = args
        child = pulumi.ResourceOptions(parent=self)
        engine = DatabaseEngine(args.engine)
        profile = ENGINES[engine]
        port = args.port or profile.port

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-db",
            description=f"Isolated subnets of {name}",
            subnet_ids=pulumi.Output.from_input(args.subnet_ids).apply(lambda ids: check_subnet_ids(ids, args.availability_zones)),
            tags=self._tags(f"{name}-db"),
            opts=child,
        )
        security_group = self._security_group(port)
        parameter_group = aws.rds.ParameterGroup(
            f"{name}-db",
            family=parameter_group_family(engine, args.engine_version, "engine_version"),
            description=f"{engine.value} parameters of {name}: TLS required",
            parameters=[{"name": k, "value": v, "apply_method": "immediate"} for k, v in profile.parameters],
            tags=self._tags(f"{name}-db"),
            opts=child,
        )
        # RDS refuses read replicas of a primary whose password it manages in Secrets Manager (every
        # engine but SQL Server), so only a stack with a replica gets a password it manages itself.
        self_managed = bool(args.replica_instance_class)
        password = random.RandomPassword(f"{name}-db-password", length=32, special=False, opts=child) if self_managed else None
        credentials: dict = (
            # Write-only: RDS never returns it, and Pulumi keeps it (and the random value) only as encrypted secrets.
            # The RandomPassword has no keepers, so it never changes and version 1 stays right.
            {"password_wo": password.result, "password_wo_version": 1}
            if password is not None
            # RDS generates the password, keeps it in Secrets Manager and rotates it: it never passes through config or state.
            else {"manage_master_user_password": True}
        )
        keep_backups = not args.skip_final_snapshot
        max_storage = args.max_allocated_storage_gb if args.max_allocated_storage_gb > args.allocated_storage_gb else 0
        suffix = random.RandomId(f"{name}-db-id", byte_length=IDENTIFIER_SUFFIX_LENGTH // 2, opts=child)
        self._suffix = suffix.hex
        identifier = self._identifier(name)
        primary = aws.rds.Instance(
            f"{name}-db",
            identifier=identifier,
            engine=engine.value,
            engine_version=engine_version(engine, args.engine_version),
            instance_class=args.instance_class,
            db_name=args.database_name,
            username=args.master_username,
            **credentials,
            port=port,
            multi_az=args.multi_az,
            db_subnet_group_name=subnet_group.id,
            vpc_security_group_ids=[security_group.id],
            publicly_accessible=False,
            parameter_group_name=parameter_group.id,
            storage_type="gp3",
            storage_encrypted=True,
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=max_storage,
            backup_retention_period=args.backup_retention_days,
            backup_window=args.backup_window,
            maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            enabled_cloudwatch_logs_exports=list(profile.log_exports),
            deletion_protection=args.deletion_protection,
            iam_database_authentication_enabled=bool(args.iam_database_authentication),
            skip_final_snapshot=args.skip_final_snapshot,
            final_snapshot_identifier=identifier.apply(final_snapshot_identifier) if keep_backups else None,
            # Keep the automated backups after deletion whenever a final snapshot is kept too.
            delete_automated_backups=not keep_backups,
            tags=self._tags(f"{name}-db"),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=bool(args.protect),
                # RDS would create the exported log groups without a retention: they exist first, with one.
                depends_on=self._log_groups(f"{name}-db", identifier),
                # A fixed identifier cannot exist twice: a replacement deletes the old instance first.
                delete_before_replace=True,
            ),
        )
        topic_arn = args.alarm_topic_arn
        if topic_arn is None:
            topic_arn = encrypted_alarm_topic(name, "Database", args.tags, self).arn
        create_alarms(
            f"{name}-db", "Database", args.tags, self, "AWS/RDS", {"DBInstanceIdentifier": primary.identifier}, DATABASE_ALARMS, topic_arn
        )
        replica = self._replica(primary, security_group, parameter_group, max_storage, topic_arn) if args.replica_instance_class else None

        self.address = primary.address
        self.port = primary.port
        self.secret_arn = (
            self._own_secret(primary, password.result, port) if password is not None else primary.master_user_secrets.apply(_secret_arn)
        )
        self.security_group_id = security_group.id
        self.instance_identifier = primary.identifier
        self.resource_id = primary.resource_id
        self.replica_address = replica.address if replica else pulumi.Output.from_input(None)
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs(
            {
                "address": self.address,
                "port": self.port,
                "secret_arn": self.secret_arn,
                "security_group_id": self.security_group_id,
                "instance_identifier": self.instance_identifier,
                "resource_id": self.resource_id,
                "replica_address": self.replica_address,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def _tags(self, name: str) -> dict[str, str]:
        return resource_tags(name, "Database", self._args.tags)

    def _security_group(self, port: int) -> aws.ec2.SecurityGroup:
        name, args = f"{self._name}-db", self._args
        # No egress rules: the database never opens connections, and no rule means no egress.
        group = aws.ec2.SecurityGroup(
            name,
            vpc_id=args.vpc_id,
            description=f"Database {self._name}: engine port from client groups only",
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for index, client in enumerate(args.client_security_group_ids):
            rule = f"{name}-from-client-{index}"
            aws.vpc.SecurityGroupIngressRule(
                rule,
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=client,
                description="Database clients",
                tags=self._tags(rule),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return group

    def _own_secret(self, primary: aws.rds.Instance, password: pulumi.Output[str], port: int) -> pulumi.Output[str]:
        """A Secrets Manager secret in the shape RDS uses, for the password this component generated."""
        name, args = f"{self._name}-db-credentials", self._args
        secret = aws.secretsmanager.Secret(
            name,
            description=f"Master credentials of database {self._name} (self-managed because it has a read replica)",
            recovery_window_in_days=7,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        document = pulumi.Output.json_dumps(
            {
                "username": args.master_username,
                "password": password,
                "engine": DatabaseEngine(args.engine).value,
                "host": primary.address,
                "port": port,
                "dbname": args.database_name,
            }
        )
        aws.secretsmanager.SecretVersion(
            name, secret_id=secret.id, secret_string=pulumi.Output.secret(document), opts=pulumi.ResourceOptions(parent=self)
        )
        return secret.arn

    def _identifier(self, name: str) -> pulumi.Output[str]:
        """The RDS identifier of one of this component's instances: readable, and unique through the random suffix."""
        project, stack = pulumi.get_project(), pulumi.get_stack()
        return self._suffix.apply(lambda suffix: instance_identifier(project, stack, name, suffix))

    def _log_groups(self, name: str, identifier: pulumi.Output[str]) -> list[pulumi.Resource]:
        """The log groups RDS exports this instance's logs to, created beforehand with a retention."""
        return [
            aws.cloudwatch.LogGroup(
                f"{name}-{log}-logs",
                name=identifier.apply(lambda i, log=log: f"/aws/rds/instance/{i}/{log}"),
                retention_in_days=self._args.log_retention_days,
                tags=self._tags(f"{name}-{log}-logs"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for log in ENGINES[DatabaseEngine(self._args.engine)].log_exports
        ]

    def _replica(
        self,
        primary: aws.rds.Instance,
        security_group: aws.ec2.SecurityGroup,
        parameter_group: aws.rds.ParameterGroup,
        max_storage: int,
        topic_arn: pulumi.Input[str],
    ) -> aws.rds.Instance:
        name, args = f"{self._name}-db-replica", self._args
        identifier = self._identifier(name)
        replica = aws.rds.Instance(
            name,
            identifier=identifier,
            # Same region: the identifier places the replica in the primary's subnet group; engine,
            # storage encryption, user and database name are inherited and may not be set.
            replicate_source_db=primary.identifier,
            instance_class=args.replica_instance_class,
            vpc_security_group_ids=[security_group.id],
            publicly_accessible=False,
            parameter_group_name=parameter_group.id,
            storage_type="gp3",
            storage_encrypted=True,
            max_allocated_storage=max_storage,
            maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            enabled_cloudwatch_logs_exports=list(ENGINES[DatabaseEngine(args.engine)].log_exports),
            deletion_protection=args.deletion_protection,
            iam_database_authentication_enabled=bool(args.iam_database_authentication),
            # RDS takes no final snapshot of a replica; the primary holds the data.
            skip_final_snapshot=True,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=self._log_groups(name, identifier), delete_before_replace=True),
        )
        create_alarms(
            name, "Database", args.tags, self, "AWS/RDS", {"DBInstanceIdentifier": replica.identifier}, DATABASE_ALARMS, topic_arn
        )
        return replica
