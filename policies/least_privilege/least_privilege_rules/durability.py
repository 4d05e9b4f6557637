"""Durability (stack policies, relaxed per stack by config): protected, snapshotted, backed-up data; every tier in 2+ AZs.

Each resource is judged on its own known values: during a preview an unknown value (a final snapshot name
computed from an ID) leaves only that verdict open, reported as advisory, never the whole policy.
"""

from typing import Any, Callable

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import StackIndex, Verdicts, get, is_true, items, known, number, policy_config, present, tags

DB_INSTANCE = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
REDSHIFT = "aws:redshift/cluster:Cluster"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
BACKUP_SELECTION = "aws:backup/selection:Selection"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
SUBNETS = ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet")
CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
TABLE = "aws:dynamodb/table:Table"
VOLUME = "aws:ebs/volume:Volume"
LIFECYCLE_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
DURABLE_DATA_DEFAULTS = {
    "deletionProtection": True,
    "finalSnapshot": True,
    "fileSystemBackups": True,
    "tableBackups": True,
    "cacheSnapshots": True,
    "volumeBackups": True,
}
MULTI_AZ_DEFAULTS = {"minAzs": 2, "databaseMultiAz": True, "cacheMultiAz": True}
Check = Callable[[Any], None]


def _databases(stack: StackIndex) -> list[Any]:
    """Primary databases: instances that are not read replicas, and clusters."""
    return [r for r in stack.of_type(DB_INSTANCE, DB_CLUSTER) if not known(r.props, "replicateSourceDb")]


def _deletion_protection(report: ReportViolation) -> Check:
    def check(resource: Any) -> None:
        key = "deletionProtectionEnabled" if resource.resource_type == TABLE else "deletionProtection"
        if not is_true(get(resource.props, key)):
            argument = "deletion_protection_enabled" if resource.resource_type == TABLE else "deletion_protection"
            report(f"{key} is off (AWS's default): one mistaken delete loses the data. Fix: {argument}=True.", resource.urn)

    return check


def _final_snapshot(report: ReportViolation) -> Check:
    def check(db: Any) -> None:
        if is_true(get(db.props, "skipFinalSnapshot")):
            report("skipFinalSnapshot is true: deleting it keeps no snapshot. Fix: skip_final_snapshot=False.", db.urn)
        elif not present(db.props, "finalSnapshotIdentifier"):
            report(
                "No finalSnapshotIdentifier, so the provider cannot take the final snapshot on delete. "
                'Fix: final_snapshot_identifier=f"{name}-final".',
                db.urn,
            )

    return check


def _file_system_backups(stack: StackIndex, report: ReportViolation) -> Check:
    def check(file_system: Any) -> None:
        policies = stack.referrers(file_system, (BACKUP_POLICY,), "fileSystemId")
        enabled = any(get(p.props, "backupPolicy", "status") == "ENABLED" for p in policies)
        if not enabled and not stack.referrers(file_system, (BACKUP_SELECTION,), "resources"):
            report(
                'It is not backed up. Fix: aws.efs.BackupPolicy(backup_policy={"status": "ENABLED"}) '
                "or an AWS Backup selection that names the file system.",
                file_system.urn,
            )

    return check


def _table_backups(stack: StackIndex, report: ReportViolation) -> Check:
    def check(table: Any) -> None:
        if not is_true(get(table.props, "pointInTimeRecovery", "enabled")) and not stack.referrers(table, (BACKUP_SELECTION,), "resources"):
            report(
                "pointInTimeRecovery is off (AWS's default): a bad write or delete cannot be undone. "
                'Fix: point_in_time_recovery={"enabled": True} (restores to any second of the last 35 days).',
                table.urn,
            )

    return check


def _cache_snapshots(report: ReportViolation) -> Check:
    def check(cache: Any) -> None:
        if str(get(cache.props, "engine", default="redis")) == "memcached":
            return  # Memcached keeps no data worth a snapshot and cannot take one
        if number(get(cache.props, "snapshotRetentionLimit"), 0.0) <= 0:
            report(
                "snapshotRetentionLimit is 0 (AWS's default): no daily snapshot, so a failed cache starts empty. "
                'Fix: snapshot_retention_limit=7 with a snapshot_window such as "03:00-05:00".',
                cache.urn,
            )

    return check


def _policy_targets(policy: Any) -> tuple[bool, dict[str, str]]:
    """Whether a lifecycle policy snapshots volumes, and the tags it selects them by."""
    details = get(policy.props, "policyDetails", default={})
    kinds = [str(k) for k in items(get(details, "resourceTypes"))] or ["VOLUME"]
    enabled = get(policy.props, "state", default="ENABLED") == "ENABLED"
    return enabled and "VOLUME" in kinds, tags({"tags": get(details, "targetTags", default={})})


def _volume_backups(stack: StackIndex, report: ReportViolation) -> Check:
    policies = [_policy_targets(p) for p in stack.of_type(LIFECYCLE_POLICY)]

    def check(volume: Any) -> None:
        own = tags(volume.props)
        covered = any(ok and wanted and all(own.get(k) == v for k, v in wanted.items()) for ok, wanted in policies)
        if not covered and not stack.referrers(volume, (BACKUP_SELECTION,), "resources"):
            report(
                "No snapshot policy covers it: when its AZ or the volume fails, the data is gone. Fix: an enabled "
                "aws.dlm.LifecyclePolicy whose target_tags match the volume's tags (or an AWS Backup selection).",
                volume.urn,
            )

    return check


def validate_durable_data(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, DURABLE_DATA_DEFAULTS)
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    databases = _databases(stack)
    plan: list[tuple[str, list[Any], Check]] = [
        ("deletionProtection", [*databases, *stack.of_type(TABLE)], _deletion_protection(report)),
        ("finalSnapshot", [*databases, *stack.of_type(REDSHIFT)], _final_snapshot(report)),
        ("fileSystemBackups", stack.of_type(FILE_SYSTEM), _file_system_backups(stack, report)),
        ("tableBackups", stack.of_type(TABLE), _table_backups(stack, report)),
        ("cacheSnapshots", stack.of_type(CACHE_GROUP), _cache_snapshots(report)),
        ("volumeBackups", stack.of_type(VOLUME), _volume_backups(stack, report)),
    ]
    for key, resources, check in plan:
        if cfg[key]:
            verdicts.each(resources, check)
    verdicts.finish()


def _zones(subnets: list[Any]) -> tuple[set[str], bool]:
    """The AZs of subnets, and whether one of them has an AZ unknown until deployment."""
    zones, unknown = set(), False
    for subnet in subnets:
        zone = known(subnet.props, "availabilityZone") or known(subnet.props, "availabilityZoneId")
        if isinstance(zone, str):
            zones.add(zone)
        else:
            unknown = True
    return zones, unknown


def validate_multi_az_tiers(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, MULTI_AZ_DEFAULTS)
    minimum = number(cfg["minAzs"])
    stack = StackIndex(args.resources)
    verdicts = Verdicts()

    def spread(resource: Any, subnets: list[Any], outside: list[str], fix: str, what: str = "spans") -> None:
        zones, unknown = _zones(subnets)
        if len(zones) >= minimum:
            return
        if outside or unknown:
            source = f"subnets {', '.join(outside[:3])} come from outside the program (a lookup)" if outside else "a subnet's AZ is unknown"
            verdicts.cannot_judge(resource, f"{source}, so its AZs are unknown")
            return
        report(f"It {what} {len(zones)} AZ(s) {sorted(zones)}; at least {minimum:.0f} needed. Fix: {fix}", resource.urn)

    def judge_group(group: Any) -> None:
        subnets = stack.refs(group, "vpcZoneIdentifiers", types=SUBNETS)
        named = [z for z in items(get(group.props, "availabilityZones")) if isinstance(z, str)]
        if named and not subnets:
            zones = set(named)
            if len(zones) < minimum:
                report(f"It spans {len(zones)} AZ(s) {sorted(zones)}; at least {minimum:.0f} needed. Fix: list an AZ more.", group.urn)
            return
        spread(group, subnets, stack.dangling(group, "vpcZoneIdentifiers"), "give it a subnet in each AZ.")

    def judge_balancer(balancer: Any) -> None:
        subnets = stack.refs(balancer, "subnets", types=SUBNETS)
        outside = stack.dangling(balancer, "subnets")
        for mapping in items(get(balancer.props, "subnetMappings")):
            found = [s for s in stack.of_type(*SUBNETS) if known(s.props, "id") == known(mapping, "subnetId")]
            subnets += found
            outside += [] if found else [str(known(mapping, "subnetId"))]
        spread(balancer, subnets, outside, "one subnet per AZ.")

    def judge_file_system(file_system: Any) -> None:
        if get(file_system.props, "availabilityZoneName"):
            report("It is One Zone storage: one AZ outage loses access. Fix: drop availability_zone_name.", file_system.urn)
            return
        targets = stack.referrers(file_system, (MOUNT_TARGET,), "fileSystemId")
        subnets = [s for t in targets for s in stack.refs(t, "subnetId", types=SUBNETS)]
        outside = [ref for t in targets for ref in stack.dangling(t, "subnetId")]
        spread(file_system, subnets, outside, "one mount target per AZ.", what="has mount targets in")

    def judge_database(db: Any) -> None:
        if db.resource_type == DB_INSTANCE and not is_true(get(db.props, "multiAz")):
            report("It runs in one AZ. Fix: multi_az=True (a standby in a second AZ, automatic failover).", db.urn)
        if db.resource_type == DB_CLUSTER and len(stack.referrers(db, (DB_CLUSTER_INSTANCE,), "clusterIdentifier")) < 2:
            report("It has fewer than 2 instances. Fix: add a reader in a second AZ.", db.urn)

    def judge_cache(cache: Any) -> None:
        props = cache.props
        nodes = number(get(props, "numCacheClusters"), 0) or number(get(props, "numNodeGroups"), 1) * (
            number(get(props, "replicasPerNodeGroup"), 0) + 1
        )
        missing = [
            text
            for text, ok in (
                ("multi_az_enabled=True", is_true(get(props, "multiAzEnabled"))),
                ("automatic_failover_enabled=True", is_true(get(props, "automaticFailoverEnabled"))),
                ("2+ nodes", nodes >= 2),
            )
            if not ok
        ]
        if missing:
            report(f"It is not Multi-AZ with automatic failover. Fix: {', '.join(missing)}.", cache.urn)

    def judge_cache_cluster(cache: Any) -> None:
        if get(cache.props, "replicationGroupId"):
            return  # a member of a replication group, judged with the group
        if get(cache.props, "azMode") != "cross-az" or number(get(cache.props, "numCacheNodes"), 1) < 2:
            report("It is a single-AZ cache cluster. Fix: a Multi-AZ replication group.", cache.urn)

    plan: list[tuple[bool, list[Any], Check]] = [
        (True, stack.of_type(AUTOSCALING_GROUP), judge_group),
        (True, stack.of_type(*LOAD_BALANCERS), judge_balancer),
        (True, stack.of_type(FILE_SYSTEM), judge_file_system),
        (bool(cfg["databaseMultiAz"]), _databases(stack), judge_database),
        (bool(cfg["cacheMultiAz"]), stack.of_type(CACHE_GROUP), judge_cache),
        (bool(cfg["cacheMultiAz"]), stack.of_type(CACHE_CLUSTER), judge_cache_cluster),
    ]
    for wanted, resources, check in plan:
        if wanted:
            verdicts.each(resources, check)
    verdicts.finish()


def _flag(description: str) -> dict[str, Any]:
    return {"type": "boolean", "default": True, "description": description}


POLICIES = [
    StackValidationPolicy(
        name="durable-data",
        description=(
            "Databases and tables have deletion protection; databases a final snapshot; file systems, tables, caches "
            "and EBS volumes backups."
        ),
        validate=validate_durable_data,
        config_schema=PolicyConfigSchema(
            properties={
                "deletionProtection": _flag("Require deletion protection on databases and DynamoDB tables."),
                "finalSnapshot": _flag("Require a final snapshot when a database or Redshift cluster is deleted."),
                "fileSystemBackups": _flag("Require backups of EFS file systems."),
                "tableBackups": _flag("Require point-in-time recovery (or an AWS Backup selection) on DynamoDB tables."),
                "cacheSnapshots": _flag("Require daily snapshots of Redis and Valkey replication groups."),
                "volumeBackups": _flag("Require a Data Lifecycle Manager policy (or AWS Backup) for every EBS volume."),
            }
        ),
        remediation_steps="deletion_protection=True, a final_snapshot_identifier, backups or snapshot policies.",
    ),
    StackValidationPolicy(
        name="multi-az-tiers",
        description="Every tier (auto-scaling groups, load balancers, file systems, databases, caches) spans at least 2 AZs.",
        validate=validate_multi_az_tiers,
        config_schema=PolicyConfigSchema(
            properties={
                "minAzs": {"type": "integer", "minimum": 1, "maximum": 6, "default": 2, "description": "Minimum AZs per tier."},
                "databaseMultiAz": _flag("Require Multi-AZ databases."),
                "cacheMultiAz": _flag("Require Multi-AZ caches with automatic failover."),
            }
        ),
        remediation_steps="One subnet or mount target per AZ; multi_az=True on databases; Multi-AZ failover on caches.",
    ),
]
