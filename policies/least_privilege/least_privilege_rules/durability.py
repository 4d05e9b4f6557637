"""Durability (stack policies, relaxed per stack by config): protected, snapshotted, backed-up data; every tier in 2+ AZs."""

from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import StackIndex, get, is_true, items, known, number, policy_config

DB_INSTANCE = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
BACKUP_SELECTION = "aws:backup/selection:Selection"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
SUBNETS = ("aws:ec2/subnet:Subnet", "aws:ec2/defaultSubnet:DefaultSubnet")
CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
DURABLE_DATA_DEFAULTS = {"deletionProtection": True, "finalSnapshot": True, "fileSystemBackups": True}
MULTI_AZ_DEFAULTS = {"minAzs": 2, "databaseMultiAz": True, "cacheMultiAz": True}


def _databases(stack: StackIndex) -> list[Any]:
    """Primary databases: instances that are not read replicas, and clusters."""
    return [r for r in stack.of_type(DB_INSTANCE, DB_CLUSTER) if not get(r.props, "replicateSourceDb")]


def validate_durable_data(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, DURABLE_DATA_DEFAULTS)
    stack = StackIndex(args.resources)
    for db in _databases(stack):
        if cfg["deletionProtection"] and not is_true(get(db.props, "deletionProtection")):
            report("DeletionProtection is off: one mistaken delete loses the database. Fix: deletion_protection=True.", db.urn)
        if cfg["finalSnapshot"]:
            if is_true(get(db.props, "skipFinalSnapshot")):
                report("SkipFinalSnapshot is true: deleting it keeps no snapshot. Fix: skip_final_snapshot=False.", db.urn)
            elif not get(db.props, "finalSnapshotIdentifier"):
                report(
                    "No finalSnapshotIdentifier, so the provider cannot take the final snapshot on delete. "
                    'Fix: final_snapshot_identifier=f"{name}-final".',
                    db.urn,
                )
    if not cfg["fileSystemBackups"]:
        return
    for file_system in stack.of_type(FILE_SYSTEM):
        policies = stack.referrers(file_system, (BACKUP_POLICY,), "fileSystemId")
        enabled = any(get(p.props, "backupPolicy", "status") == "ENABLED" for p in policies)
        selected = stack.referrers(file_system, (BACKUP_SELECTION,), "resources")
        if not enabled and not selected:
            report(
                'It is not backed up. Fix: aws.efs.BackupPolicy(backup_policy={"status": "ENABLED"}) '
                "or an AWS Backup selection that names the file system.",
                file_system.urn,
            )


def _zones(subnets: list[Any]) -> set[str]:
    zones = set()
    for subnet in subnets:
        zone = known(subnet.props, "availabilityZone") or known(subnet.props, "availabilityZoneId")
        if isinstance(zone, str):
            zones.add(zone)
    return zones


def _too_few(zones: set[str], minimum: float) -> bool:
    return len(zones) < minimum


def validate_multi_az_tiers(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, MULTI_AZ_DEFAULTS)
    minimum = number(cfg["minAzs"])
    stack = StackIndex(args.resources)
    for group in stack.of_type(AUTOSCALING_GROUP):
        zones = _zones(stack.refs(group, "vpcZoneIdentifiers", types=SUBNETS)) or {
            z for z in items(get(group.props, "availabilityZones")) if isinstance(z, str)
        }
        if _too_few(zones, minimum):
            report(
                f"It spans {len(zones)} AZ(s) {sorted(zones)}; at least {minimum:.0f} needed. Fix: give it a subnet in each AZ.", group.urn
            )
    for balancer in stack.of_type(*LOAD_BALANCERS):
        subnets = stack.refs(balancer, "subnets", types=SUBNETS)
        for mapping in items(get(balancer.props, "subnetMappings")):
            subnets += [s for s in stack.of_type(*SUBNETS) if known(s.props, "id") == known(mapping, "subnetId")]
        zones = _zones(subnets)
        if _too_few(zones, minimum):
            report(f"It spans {len(zones)} AZ(s); at least {minimum:.0f} needed. Fix: one subnet per AZ.", balancer.urn)
    for file_system in stack.of_type(FILE_SYSTEM):
        if get(file_system.props, "availabilityZoneName"):
            report("It is One Zone storage: one AZ outage loses access. Fix: drop availability_zone_name.", file_system.urn)
            continue
        targets = stack.referrers(file_system, (MOUNT_TARGET,), "fileSystemId")
        zones = _zones([s for t in targets for s in stack.refs(t, "subnetId", types=SUBNETS)])
        if _too_few(zones, minimum):
            report(
                f"It has mount targets in {len(zones)} AZ(s); at least {minimum:.0f} needed. Fix: one mount target per AZ.", file_system.urn
            )
    if cfg["databaseMultiAz"]:
        for db in _databases(stack):
            if db.resource_type == DB_INSTANCE and not is_true(get(db.props, "multiAz")):
                report("It runs in one AZ. Fix: multi_az=True (a standby in a second AZ, automatic failover).", db.urn)
            if db.resource_type == DB_CLUSTER and len(stack.referrers(db, (DB_CLUSTER_INSTANCE,), "clusterIdentifier")) < 2:
                report("It has fewer than 2 instances. Fix: add a reader in a second AZ.", db.urn)
    if cfg["cacheMultiAz"]:
        for cache in stack.of_type(CACHE_GROUP):
            nodes = number(get(cache.props, "numCacheClusters"), 0) or number(get(cache.props, "numNodeGroups"), 1) * (
                number(get(cache.props, "replicasPerNodeGroup"), 0) + 1
            )
            if not is_true(get(cache.props, "multiAzEnabled")) or nodes < 2:
                report("It is not Multi-AZ. Fix: multi_az_enabled=True, automatic_failover_enabled=True, 2+ nodes.", cache.urn)
        for cache in stack.of_type(CACHE_CLUSTER):
            if get(cache.props, "azMode") != "cross-az" or number(get(cache.props, "numCacheNodes"), 1) < 2:
                report("It is a single-AZ cache cluster. Fix: a Multi-AZ replication group.", cache.urn)


POLICIES = [
    StackValidationPolicy(
        name="durable-data",
        description="Databases have deletion protection and a final snapshot; file systems are backed up.",
        validate=validate_durable_data,
        config_schema=PolicyConfigSchema(
            properties={
                "deletionProtection": {"type": "boolean", "default": True, "description": "Require deletion protection on databases."},
                "finalSnapshot": {
                    "type": "boolean",
                    "default": True,
                    "description": "Require a final snapshot when a database is deleted.",
                },
                "fileSystemBackups": {"type": "boolean", "default": True, "description": "Require backups of EFS file systems."},
            }
        ),
        remediation_steps="deletion_protection=True, a final_snapshot_identifier, an EFS backup policy.",
    ),
    StackValidationPolicy(
        name="multi-az-tiers",
        description="Every tier (auto-scaling groups, load balancers, file systems, databases, caches) spans at least 2 AZs.",
        validate=validate_multi_az_tiers,
        config_schema=PolicyConfigSchema(
            properties={
                "minAzs": {"type": "integer", "minimum": 1, "maximum": 6, "default": 2, "description": "Minimum AZs per tier."},
                "databaseMultiAz": {"type": "boolean", "default": True, "description": "Require Multi-AZ databases."},
                "cacheMultiAz": {"type": "boolean", "default": True, "description": "Require Multi-AZ caches."},
            }
        ),
        remediation_steps="One subnet or mount target per AZ; multi_az=True on databases and caches.",
    ),
]
