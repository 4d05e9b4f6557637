"""Cache: ElastiCache for Valkey or Redis OSS in the isolated subnets, encrypted, AUTH-protected, snapshotted, alarmed.

Book chapter 12 (an in-memory cache in front of the database: a single node, or primary and replicas
with automatic failover; the alarms on CPU, swap, evictions and replication lag). The book's cache was
open on 6379 to 0.0.0.0/0, unencrypted and without a password; this one admits only its client
security groups, encrypts at rest and in transit, and requires an AUTH token kept in Secrets Manager.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ._args import coerce_args, require
from .alarms import AlarmSpec, create_alarms
from .database_checks import check_security_group_ids, maintenance_window_minutes, windows_overlap
from .iam import policy_document, statement
from .lambda_function import alarm_topic_arn as alarm_topic
from .lambda_function import check_int_range, check_log_retention
from .queue import check_kms_key_arn
from .tags import resource_tags

MIB = 1024**2
MAX_GROUP_ID = 40
"""ElastiCache replication group IDs: 1 to 40 lower-case letters, digits and single hyphens, starting with a letter."""
AUTH_TOKEN_LENGTH = 64
"""Letters and digits only: AUTH tokens are 16 to 128 printable characters and allow only !&#$^<>- besides."""
LOG_TYPES = ("slow-log", "engine-log")
"""Logs delivered to CloudWatch Logs: slow commands, and the engine's own events (failovers, restarts)."""
_WINDOW = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


class CacheEngine(str, Enum):
    """The in-memory engine."""

    VALKEY = "valkey"
    """Valkey, the open-source fork of Redis OSS 7.2 (the default; ElastiCache prices its nodes lower)."""
    REDIS = "redis"
    """Redis OSS, the book's engine."""


DEFAULT_VERSIONS = {CacheEngine.VALKEY: "8.0", CacheEngine.REDIS: "7.1"}
"""Engine version used when none is given."""


@dataclass(frozen=True)
class CacheArgs:
    """Inputs of the Cache component; networking fields are required."""

    vpc_id: Optional[pulumi.Input[str]] = None
    """ID of the VPC the cache and its security group live in."""
    subnet_ids: Optional[pulumi.Input[list[str]]] = None
    """Isolated subnet IDs for the cache subnet group, one per entry of availability_zones."""
    availability_zones: Optional[list[str]] = None
    """AZ names of subnet_ids in the same order; Multi-AZ needs at least 2."""
    client_security_group_ids: Optional[list[pulumi.Input[str]]] = field(default_factory=list)
    """Security groups allowed to connect on the port, one ingress rule each (the list length must be known)."""
    engine: Optional[CacheEngine] = CacheEngine.VALKEY
    """valkey or redis (default valkey)."""
    engine_version: Optional[str] = None
    """Engine version major.minor (default 8.0 for valkey, 7.1 for redis)."""
    node_type: Optional[str] = "cache.t4g.micro"
    """Node type of every node (default cache.t4g.micro)."""
    multi_az: Optional[bool] = True
    """Replicas in other AZs and automatic failover to one of them; needs replica_count of 1 or more (default true)."""
    replica_count: Optional[int] = 1
    """Read replicas besides the primary, 0 to 5 (default 1)."""
    port: Optional[int] = 6379
    """Port the nodes listen on, 1024 to 65535 (default 6379)."""
    snapshot_retention_days: Optional[int] = 7
    """Days ElastiCache keeps daily snapshots, 0 to 35; 0 turns snapshots off (default 7)."""
    snapshot_window: Optional[str] = "05:00-06:00"
    """Daily snapshot window hh:mm-hh:mm in UTC, at least 60 minutes (default 05:00-06:00)."""
    maintenance_window: Optional[str] = "sun:06:30-sun:07:30"
    """Weekly maintenance window ddd:hh:mm-ddd:hh:mm in UTC, at least 60 minutes, apart from snapshots (default sun:06:30-sun:07:30)."""
    skip_final_snapshot: Optional[bool] = False
    """Delete the cache without a final snapshot (default false)."""
    kms_key_arn: Optional[str] = None
    """Customer-managed KMS key for encryption at rest (default none: ElastiCache's own key)."""
    apply_immediately: Optional[bool] = False
    """Apply changes at once instead of in the next maintenance window (default false)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the replication group (default false)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the slow and engine logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_engine(value: object, argument: str) -> CacheEngine:
    """valkey or redis."""
    try:
        return CacheEngine(value)
    except ValueError:
        raise ValueError(f"{argument}: {value!r} is not allowed; use valkey or redis") from None


def check_engine_version(engine: CacheEngine, value: Optional[str], argument: str) -> str:
    """major.minor; AUTH with in-transit encryption needs Valkey 7.2+ or Redis OSS 6.0+ here."""
    if value is None:
        return DEFAULT_VERSIONS[engine]
    match = re.fullmatch(r"(\d+)\.(\d+)", value) if isinstance(value, str) else None
    minimum = (7, 2) if engine == CacheEngine.VALKEY else (6, 0)
    if match is None or (int(match.group(1)), int(match.group(2))) < minimum:
        oldest = f"{minimum[0]}.{minimum[1]}"
        raise ValueError(f"{argument}: {value!r} is not a {engine.value} version major.minor, {oldest} or later (e.g. 8.0)")
    return value


def check_node_type(value: object, argument: str) -> None:
    """cache.<family>.<size>."""
    if not isinstance(value, str) or not re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value):
        raise ValueError(f"{argument}: {value!r} is not an ElastiCache node type (expected e.g. cache.t4g.micro)")


def check_snapshot_window(value: object, argument: str) -> None:
    """hh:mm-hh:mm in UTC, at least 60 minutes."""
    match = _WINDOW.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{argument}: {value!r} is not a window hh:mm-hh:mm in UTC (e.g. 05:00-06:00)")
    start = int(match.group(1)) * 60 + int(match.group(2))
    end = int(match.group(3)) * 60 + int(match.group(4))
    if (end - start) % 1440 < 60:
        raise ValueError(f"{argument}: {value!r} is shorter than the 60 minutes ElastiCache requires")


def validate_cache_args(args: CacheArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    require(args, "vpc_id", "subnet_ids", "availability_zones")
    engine = check_engine(args.engine, "engine")
    check_engine_version(engine, args.engine_version, "engine_version")
    check_node_type(args.node_type, "node_type")
    check_int_range(args.replica_count, "replica_count", 0, 5, "replicas")
    zones = list(args.availability_zones) if isinstance(args.availability_zones, (list, tuple)) else None
    if not zones or not all(isinstance(z, str) and z for z in zones) or len(set(zones)) != len(zones):
        raise ValueError(f"availability_zones: {args.availability_zones!r} must be distinct availability zone names, one per subnet")
    if isinstance(args.subnet_ids, (list, tuple)) and len(args.subnet_ids) != len(zones):
        raise ValueError(f"subnet_ids: {len(args.subnet_ids)} subnets for {len(zones)} availability zones {zones}; give one per AZ")
    if args.multi_az:
        if args.replica_count < 1:
            raise ValueError("replica_count: 0 leaves Multi-AZ nothing to fail over to; give 1 or more, or set multi_az false")
        if len(zones) < 2:
            raise ValueError(f"availability_zones: {zones!r} covers 1 AZ; Multi-AZ puts replicas in another AZ")
    check_security_group_ids(args.client_security_group_ids, "client_security_group_ids")
    check_int_range(args.port, "port", 1024, 65535, "")
    check_int_range(args.snapshot_retention_days, "snapshot_retention_days", 0, 35, "days")
    check_snapshot_window(args.snapshot_window, "snapshot_window")
    try:
        _, length = maintenance_window_minutes(args.maintenance_window, "maintenance_window")
    except ValueError as error:
        if "shorter" not in str(error):
            raise
        length = 0  # RDS's own minimum is shorter; ElastiCache's message follows
    if length < 60:
        raise ValueError(f"maintenance_window: {args.maintenance_window!r} is shorter than the 60 minutes ElastiCache requires")
    if windows_overlap(args.snapshot_window, args.maintenance_window):
        raise ValueError(f"maintenance_window: {args.maintenance_window!r} overlaps the daily snapshot window {args.snapshot_window!r}")
    check_kms_key_arn(args.kms_key_arn, "kms_key_arn")
    check_log_retention(args.log_retention_days, "log_retention_days")


def replication_group_id(project: str, stack: str, name: str) -> str:
    """A valid replication group ID from the names, shortened with a hash when too long."""
    raw = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", f"{project}-{stack}-{name}".lower())).strip("-")
    if not raw or not raw[0].isalpha():
        raw = f"cache-{raw}".rstrip("-")
    if len(raw) <= MAX_GROUP_ID:
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:6]
    return f"{raw[: MAX_GROUP_ID - 7].rstrip('-')}-{digest}"


def node_ids(group_id: str, node_count: int) -> list[str]:
    """The cache cluster IDs ElastiCache gives the nodes of a group (cluster mode disabled): <id>-001, <id>-002, ..."""
    return [f"{group_id}-{i:03d}" for i in range(1, node_count + 1)]


CACHE_ALARMS = [
    AlarmSpec("engine-cpu", "EngineCPUUtilization", "GreaterThanThreshold", 80, "Average", 600, 1,
              "Engine CPU above 80 % for 10 minutes: scale up, or add replicas for reads (book ch. 12)"),
    AlarmSpec("swap", "SwapUsage", "GreaterThanThreshold", 64 * MIB, "Average", 600, 1,
              "More than 64 MiB swap in use: the node type is too small (book ch. 12)"),
    AlarmSpec("evictions", "Evictions", "GreaterThanThreshold", 1000, "Average", 600, 1,
              "More than 1000 evictions: the cache is too small for its working set (book ch. 12)"),
    AlarmSpec("memory", "DatabaseMemoryUsagePercentage", "GreaterThanThreshold", 80, "Average", 600, 1,
              "More than 80 % of the memory for data in use: evictions follow; scale up"),
]
"""The book's cache alarms (10-minute averages) plus memory use, per node (AWS/ElastiCache, CacheClusterId)."""
REPLICATION_LAG_ALARM = AlarmSpec(
    "replication-lag", "ReplicationLag", "GreaterThanThreshold", 30, "Average", 600, 1,
    "A replica lags more than 30 s behind the primary (book ch. 12)",
    # Only replicas publish the metric; the primary's silence is not a problem.
    treat_missing_data="notBreaching",
)


class Cache(pulumi.ComponentResource):
    """ElastiCache (Valkey or Redis OSS): isolated subnets, own security group, encryption, AUTH token in Secrets Manager, alarms."""

    primary_endpoint_address: pulumi.Output[str]
    """Address of the primary endpoint (writes; follows a failover)."""
    reader_endpoint_address: pulumi.Output[str]
    """Address of the reader endpoint (reads spread over the replicas)."""
    port: pulumi.Output[int]
    """Port of the nodes."""
    auth_secret_arn: pulumi.Output[str]
    """Secrets Manager secret with host, port and the AUTH token (JSON); clients read it at start."""
    client_policy: pulumi.Output[str]
    """IAM policy document (JSON) allowing to read the AUTH secret; attach it to the clients' role."""
    security_group_id: pulumi.Output[str]
    """Security group of the nodes (the port from the client groups only)."""
    replication_group_id: pulumi.Output[str]
    """ID of the replication group."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: CacheArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, CacheArgs)
        validate_cache_args(args)
        super().__init__("awsinaction:index:Cache", name, None, opts)
        self._name, self._args = name, args
        child = pulumi.ResourceOptions(parent=self)
        engine = CacheEngine(args.engine)
        group_id = replication_group_id(pulumi.get_project(), pulumi.get_stack(), name)
        node_count = 1 + args.replica_count
        zones = list(args.availability_zones)

        subnet_group = aws.elasticache.SubnetGroup(
            f"{name}-cache",
            description=f"Isolated subnets of cache {name}",
            subnet_ids=args.subnet_ids,
            tags=self._tags(f"{name}-cache"),
            opts=child,
        )
        security_group = self._security_group()
        token = random.RandomPassword(f"{name}-auth-token", length=AUTH_TOKEN_LENGTH, special=False, opts=child)
        log_groups = {
            log: aws.cloudwatch.LogGroup(
                f"{name}-{log}",
                name=f"/aws/elasticache/{group_id}/{log}",
                retention_in_days=args.log_retention_days,
                tags=self._tags(f"{name}-{log}"),
                opts=child,
            )
            for log in LOG_TYPES
        }
        final_snapshot: dict = {}
        if not args.skip_final_snapshot:
            # A suffix of this stack's life: a stack created again after a destroy does not collide with the old final snapshot.
            suffix = random.RandomId(f"{name}-final-snapshot", byte_length=3, opts=child)
            final_snapshot = {"final_snapshot_identifier": suffix.hex.apply(lambda h: f"{group_id}-final-{h}")}
        group = aws.elasticache.ReplicationGroup(
            f"{name}-cache",
            replication_group_id=group_id,
            description=f"Cache {name} ({engine.value})",
            engine=engine.value,
            engine_version=check_engine_version(engine, args.engine_version, "engine_version"),
            node_type=args.node_type,
            num_cache_clusters=node_count,
            # Primary and replicas spread over the AZs in order.
            preferred_cache_cluster_azs=[zones[i % len(zones)] for i in range(node_count)],
            automatic_failover_enabled=bool(args.multi_az),
            multi_az_enabled=bool(args.multi_az),
            port=args.port,
            subnet_group_name=subnet_group.name,
            security_group_ids=[security_group.id],
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            transit_encryption_enabled=True,
            # Write-only: ElastiCache never returns it; like the RandomPassword it comes from, Pulumi keeps it in
            # state only as an encrypted secret.
            auth_token_wo=token.result,
            auth_token_wo_version=1,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window=args.snapshot_window,
            maintenance_window=args.maintenance_window,
            auto_minor_version_upgrade=True,
            apply_immediately=bool(args.apply_immediately),
            log_delivery_configurations=[
                {"destination": log_group.name, "destination_type": "cloudwatch-logs", "log_format": "json", "log_type": log}
                for log, log_group in log_groups.items()
            ],
            tags=self._tags(f"{name}-cache"),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=bool(args.protect),
                # A fixed ID cannot exist twice: a replacement deletes the old group first.
                delete_before_replace=True,
            ),
            **final_snapshot,
        )
        secret = self._auth_secret(group, token.result)

        topic_arn = alarm_topic(self, name, "Cache", args.alarm_topic_arn, None, args.tags)
        for index, node in enumerate(node_ids(group_id, node_count)):
            specs = CACHE_ALARMS + ([REPLICATION_LAG_ALARM] if node_count > 1 else [])
            dimensions = {"CacheClusterId": node}
            create_alarms(f"{name}-node{index + 1}", "Cache", args.tags, self, "AWS/ElastiCache", dimensions, specs, topic_arn)

        self.primary_endpoint_address = group.primary_endpoint_address
        self.reader_endpoint_address = group.reader_endpoint_address
        self.port = pulumi.Output.from_input(args.port)
        self.auth_secret_arn = secret.arn
        self.client_policy = secret.arn.apply(
            lambda arn: policy_document([statement(["secretsmanager:GetSecretValue"], [arn], sid="ReadCacheAuthToken")])
        )
        self.security_group_id = security_group.id
        self.replication_group_id = group.replication_group_id
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})

    def _tags(self, name: str) -> dict[str, str]:
        return resource_tags(name, "Cache", self._args.tags)

    def _security_group(self) -> aws.ec2.SecurityGroup:
        name, args = f"{self._name}-cache", self._args
        # No egress rules: the nodes never open connections, and no rule means no egress.
        group = aws.ec2.SecurityGroup(
            name,
            vpc_id=args.vpc_id,
            description=f"Cache {self._name}: port {args.port} from client groups only",
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for index, client in enumerate(args.client_security_group_ids):
            rule = f"{name}-from-client-{index}"
            aws.vpc.SecurityGroupIngressRule(
                rule,
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=args.port,
                to_port=args.port,
                referenced_security_group_id=client,
                description="Cache clients",
                tags=self._tags(rule),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return group

    def _auth_secret(self, group: aws.elasticache.ReplicationGroup, token: pulumi.Output[str]) -> aws.secretsmanager.Secret:
        """The AUTH token with the endpoint, as JSON in Secrets Manager (only a Pulumi secret in state)."""
        name = f"{self._name}-auth"
        secret = aws.secretsmanager.Secret(
            name,
            description=f"AUTH token and endpoint of cache {self._name}",
            recovery_window_in_days=7,
            tags=self._tags(name),
            opts=pulumi.ResourceOptions(parent=self),
        )
        document = pulumi.Output.all(group.primary_endpoint_address, group.reader_endpoint_address, token).apply(
            lambda values: json.dumps(
                {"host": values[0], "reader_host": values[1], "port": self._args.port, "tls": True, "auth_token": values[2]}
            )
        )
        aws.secretsmanager.SecretVersion(
            name, secret_id=secret.id, secret_string=pulumi.Output.secret(document), opts=pulumi.ResourceOptions(parent=self)
        )
        return secret
