"""Cost models of data: RDS and Aurora, ElastiCache, DynamoDB, Redshift, EBS, EFS, S3 and backups."""

from typing import Any

from ._props import get, is_list, is_true, items, known, number, tags
from .costing import Context, Cost

DB_CLUSTER = "aws:rds/cluster:Cluster"
APP_SCALING_TARGET = "aws:appautoscaling/target:Target"
LIFECYCLE_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"


def _rds_engine(engine: str) -> str:
    return "mysql" if engine in ("mysql", "mariadb") else engine


def db_instance(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    engine = _rds_engine(str(get(props, "engine", default="mysql")))
    klass = get(props, "instanceClass")
    copies = 2 if is_true(get(props, "multiAz")) else 1
    storage = number(get(props, "allocatedStorage"), 20.0)
    # Left unset, RDS provisions gp2 (io1 when iops is given).
    kind = get(props, "storageType", default="io1" if get(props, "iops") else "gp2")
    cost = copies * ctx.price("rdsInstanceHour", engine, klass) * ctx.hours
    cost += copies * storage * ctx.price("rdsStorageGbMonth", kind)
    backup = ctx.use(resource, "rdsExtraBackupGb")
    cost += backup * ctx.price("rdsBackupGbMonth")
    detail = f"{klass} {'Multi-AZ' if copies == 2 else 'single-AZ'} x {ctx.hours:.0f} h + {storage:.0f} GB {kind}"
    if is_true(get(props, "manageMasterUserPassword")):
        # RDS keeps the managed master password in a Secrets Manager secret, billed like any other.
        cost += ctx.price("secretsManager", "secretMonth")
        detail += " + managed master secret"
    return cost, detail + (f" + {backup:g} GB backups" if backup else "")


def cluster_instance(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    klass = str(get(props, "instanceClass"))
    clusters = ctx.stack.refs(resource, "clusterIdentifier", types=(DB_CLUSTER,))
    engine = str(get(props, "engine", default=get(clusters[0].props, "engine", default="aurora-mysql") if clusters else "aurora-mysql"))
    if klass == "db.serverless":
        acu = ctx.use(resource, "auroraServerlessAcu") or (
            number(get(clusters[0].props, "serverlessv2ScalingConfiguration", "minCapacity"), 0.5) if clusters else 0.5
        )
        return acu * ctx.price("aurora", "serverlessAcuHour") * ctx.hours, f"{acu:g} ACU x {ctx.hours:.0f} h"
    return ctx.price("rdsInstanceHour", engine, klass) * ctx.hours, f"{klass} ({engine}) x {ctx.hours:.0f} h"


def db_cluster(resource: Any, ctx: Context) -> Cost:
    if not str(get(resource.props, "engine", default="aurora")).startswith("aurora"):
        # A Multi-AZ DB cluster of MySQL/PostgreSQL: three instances of its class, with io1/gp3 storage.
        klass = get(resource.props, "dbClusterInstanceClass")
        engine = _rds_engine(str(get(resource.props, "engine")))
        storage = number(get(resource.props, "allocatedStorage"), 100.0)
        kind = str(get(resource.props, "storageType", default="io1"))
        cost = 3 * ctx.price("rdsInstanceHour", engine, klass) * ctx.hours + 3 * storage * ctx.price("rdsStorageGbMonth", kind)
        return cost, f"3 x {klass} x {ctx.hours:.0f} h + 3 x {storage:.0f} GB {kind}"
    gb, io = ctx.use(resource, "auroraStorageGb"), ctx.use(resource, "auroraIoRequestsPerMonth")
    cost = gb * ctx.price("aurora", "storageGbMonth") + io / 1e6 * ctx.price("aurora", "ioPerMillion")
    return cost, f"{gb:g} GB storage + {io:,.0f} I/O requests (instances priced separately)"


def _cache_nodes(resource: Any) -> float:
    props = resource.props
    if resource.resource_type == "aws:elasticache/cluster:Cluster":
        return number(get(props, "numCacheNodes"), 1.0)
    return number(get(props, "numCacheClusters"), 0.0) or number(get(props, "numNodeGroups"), 1.0) * (
        number(get(props, "replicasPerNodeGroup"), 0.0) + 1
    )


def cache(resource: Any, ctx: Context) -> Cost:
    if resource.resource_type == "aws:elasticache/cluster:Cluster" and known(resource.props, "replicationGroupId"):
        return 0.0, "priced with its replication group"
    engine = str(get(resource.props, "engine", default="redis")).lower()
    nodes, node_type = _cache_nodes(resource), get(resource.props, "nodeType")
    cost = nodes * ctx.price("elasticacheNodeHour", engine, node_type) * ctx.hours
    backup = ctx.use(resource, "cacheBackupGb")
    cost += backup * ctx.price("elasticacheBackupGbMonth")
    return cost, f"{nodes:.0f} x {node_type} ({engine}) x {ctx.hours:.0f} h" + (f" + {backup:g} GB snapshots" if backup else "")


def serverless_cache(resource: Any, ctx: Context) -> Cost:
    engine = "valkey" if str(get(resource.props, "engine", default="valkey")).lower() == "valkey" else "redis"
    # AWS bills at least 100 MB per Valkey cache and 1 GB per Redis OSS or Memcached cache.
    gb = max(ctx.use(resource, "cacheServerlessGb"), 0.1 if engine == "valkey" else 1.0)
    ecpu = ctx.use(resource, "cacheServerlessEcpuPerMonth")
    cost = gb * ctx.price("elasticacheServerless", f"{engine}GbHour") * ctx.hours
    cost += ecpu / 1e6 * ctx.price("elasticacheServerless", f"{engine}EcpuPerMillion")
    return cost, f"{gb:g} GB x {ctx.hours:.0f} h + {ecpu:,.0f} ECPUs ({engine})"


def _capacity(ctx: Context, table: Any, dimension: str, provisioned: float) -> float:
    """Provisioned capacity, or the minimum of the auto-scaling target that manages it."""
    for target in ctx.stack.of_type(APP_SCALING_TARGET):
        resource_id = str(known(target.props, "resourceId", default=""))
        name = known(table.props, "name")
        if (
            get(target.props, "scalableDimension") == f"dynamodb:table:{dimension}"
            and isinstance(name, str)
            and resource_id == f"table/{name}"
        ):
            return number(get(target.props, "minCapacity"), provisioned)
    return provisioned


def dynamodb_table(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    gb = ctx.use(resource, "dynamodbStorageGb")
    cost = gb * ctx.price("dynamodb", "storageGbMonth")
    if is_true(get(props, "pointInTimeRecovery", "enabled")):
        cost += gb * ctx.price("dynamodb", "pitrGbMonth")
    if get(props, "billingMode", default="PROVISIONED") == "PAY_PER_REQUEST":
        writes, reads = ctx.use(resource, "dynamodbWriteRequestsPerMonth"), ctx.use(resource, "dynamodbReadRequestsPerMonth")
        cost += writes / 1e6 * ctx.price("dynamodb", "writeRequestsPerMillion") + reads / 1e6 * ctx.price(
            "dynamodb", "readRequestsPerMillion"
        )
        return cost, f"on-demand: {writes:,.0f} writes + {reads:,.0f} reads + {gb:g} GB"
    wcu = _capacity(ctx, resource, "WriteCapacityUnits", number(get(props, "writeCapacity"), 0.0))
    rcu = _capacity(ctx, resource, "ReadCapacityUnits", number(get(props, "readCapacity"), 0.0))
    for index in items(get(props, "globalSecondaryIndexes")):
        wcu += number(get(index, "writeCapacity"), 0.0)
        rcu += number(get(index, "readCapacity"), 0.0)
    cost += (wcu * ctx.price("dynamodb", "wcuHour") + rcu * ctx.price("dynamodb", "rcuHour")) * ctx.hours
    return cost, f"provisioned: {wcu:g} WCU + {rcu:g} RCU x {ctx.hours:.0f} h + {gb:g} GB"


def redshift_cluster(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    node_type = get(props, "nodeType")
    nodes = number(get(props, "numberOfNodes"), 1.0)
    return nodes * ctx.price("redshiftNodeHour", node_type) * ctx.hours, f"{nodes:.0f} x {node_type} x {ctx.hours:.0f} h"


def _snapshot_policies(ctx: Context) -> list[dict[str, str]]:
    found = []
    for policy in ctx.stack.of_type(LIFECYCLE_POLICY):
        details = get(policy.props, "policyDetails", default={})
        kinds = [str(k) for k in items(get(details, "resourceTypes"))] or ["VOLUME"]
        if get(policy.props, "state", default="ENABLED") == "ENABLED" and "VOLUME" in kinds:
            found.append(tags({"tags": get(details, "targetTags", default={})}))
    return found


def ebs_volume(resource: Any, ctx: Context) -> Cost:
    props = resource.props
    size = number(get(props, "size"), 0.0)
    kind = str(get(props, "type", default="gp2"))  # the EC2 API creates gp2 when no type is given
    cost = size * ctx.price("ebsGbMonth", kind)
    parts = [f"{size:.0f} GB {kind}"]
    iops = number(get(props, "iops"), 0.0)
    extra_iops = max(iops - 3000, 0.0) if kind == "gp3" else iops if kind in ("io1", "io2") else 0.0
    if extra_iops:
        cost += extra_iops * ctx.price("ebsIopsMonth", kind)
        parts.append(f"{extra_iops:.0f} provisioned IOPS")
    throughput = max(number(get(props, "throughput"), 125.0) - 125.0, 0.0) if kind == "gp3" else 0.0
    if throughput:
        cost += throughput * ctx.price("ebsGp3ThroughputMbpsMonth")
        parts.append(f"{throughput:.0f} MB/s extra throughput")
    own = tags(props)
    if any(wanted and all(own.get(k) == v for k, v in wanted.items()) for wanted in _snapshot_policies(ctx)):
        snapshot_gb = size * ctx.use(resource, "snapshotStorageRatio")
        cost += snapshot_gb * ctx.price("ebsSnapshotGbMonth")
        parts.append(f"{snapshot_gb:g} GB snapshots")
    return cost, " + ".join(parts)


def file_system(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "efsStorageGb")
    kind = "oneZone" if get(resource.props, "availabilityZoneName") else "standard"
    return gb * ctx.price("efsGbMonth", kind), f"{gb:g} GB {kind}"


def bucket(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "s3StorageGb")
    return gb * ctx.price("s3", "standardGbMonth"), f"{gb:g} GB Standard"


BACKED_UP = {"aws:dynamodb/table:Table": "dynamodb", "aws:ebs/volume:Volume": "ebs", "aws:efs/fileSystem:FileSystem": "efs"}
"""Resource types an AWS Backup selection names, and their backup storage price."""


def backup_selection(resource: Any, ctx: Context) -> Cost:
    gb = ctx.use(resource, "backupStorageGb")
    # The selected resources by reference (also in a preview, through dependencies), else by their ARNs.
    kinds = [BACKED_UP[r.resource_type] for r in ctx.stack.refs(resource, "resources") if r.resource_type in BACKED_UP]
    listed = known(resource.props, "resources")
    arns = [str(known(listed, i, default="")) for i in range(len(listed))] if is_list(listed) else []
    kinds += ["dynamodb" for a in arns if ":dynamodb:" in a] + ["ebs" for a in arns if ":volume/" in a]
    kind = kinds[0] if kinds else "efs"
    return gb * ctx.price("backupGbMonth", kind), f"{gb:g} GB of {kind} backups"


def efs_backup_policy(resource: Any, ctx: Context) -> Cost:
    # An enabled EFS backup policy backs up into AWS Backup's default vault, billed like any backup storage.
    if get(resource.props, "backupPolicy", "status") != "ENABLED":
        return 0.0, "backups disabled"
    gb = ctx.use(resource, "backupStorageGb")
    return gb * ctx.price("backupGbMonth", "efs"), f"{gb:g} GB of efs backups"
