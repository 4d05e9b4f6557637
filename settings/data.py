"""Stack config of the data tier: the RDS database and the shared EFS file system."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.database_checks import (
    DatabaseEngine,
    check_allocated_storage,
    check_backup_retention,
    check_database_name,
    check_db_instance_class,
    check_engine,
    check_max_allocated_storage,
    check_replica,
    parameter_group_family,
)
from components.file_system import check_backup_mode, check_throughput_mode

from .schema import Key


def _replica_class(value: str, key: str) -> None:
    if value:
        check_db_instance_class(value, key)


KEYS = [
    Key("dbEngine", "string", "mysql", "Database engine: mysql or postgres.", check_engine),
    Key("dbEngineVersion", "string", "", "Database engine version; empty for the engine's default (8.4 for mysql, 17 for postgres)."),
    Key("dbInstanceClass", "string", "db.t4g.micro", "RDS instance class of the primary database.", check_db_instance_class),
    Key("dbMultiAz", "boolean", True, "Keep a synchronous standby database in a second AZ (needs azCount of 2 or more)."),
    Key("dbAllocatedStorageGb", "integer", 20, "Initial gp3 database storage in GiB, 20 to 65536.", check_allocated_storage),
    Key(
        "dbMaxAllocatedStorageGb",
        "integer",
        100,
        "Database storage autoscaling ceiling in GiB, at least dbAllocatedStorageGb.",
        check_allocated_storage,
    ),
    Key("dbBackupRetentionDays", "integer", 7, "Days of automated database backups, 0 to 35; 0 turns backups off.", check_backup_retention),
    Key("dbDeletionProtection", "boolean", True, "Refuse deleting the database through the AWS API."),
    Key("dbSkipFinalSnapshot", "boolean", False, "Delete the database without a final snapshot (for throw-away stacks only)."),
    Key(
        "dbReplicaInstanceClass",
        "string",
        "",
        "Instance class of a read replica; empty for none. Needs dbBackupRetentionDays above 0.",
        _replica_class,
    ),
    Key("dbName", "string", "wordpress", "Name of the database created in the instance."),
    Key("efsThroughputMode", "string", "elastic", "Throughput mode of the shared file system: elastic or bursting.", check_throughput_mode),
    Key(
        "efsBackup",
        "string",
        "policy",
        "Backups of the shared file system: policy (EFS backup policy), aws_backup (daily plan, 30 days) or none.",
        check_backup_mode,
    ),
    Key(
        "protectStatefulResources",
        "boolean",
        True,
        "Set Pulumi's protect option on the database and the file system so destroy refuses to delete them.",
    ),
]


@dataclass(frozen=True)
class DataSettings:
    """Typed data-tier settings of a stack."""

    db_engine: str
    db_engine_version: Optional[str]
    db_instance_class: str
    db_multi_az: bool
    db_allocated_storage_gb: int
    db_max_allocated_storage_gb: int
    db_backup_retention_days: int
    db_deletion_protection: bool
    db_skip_final_snapshot: bool
    db_replica_instance_class: Optional[str]
    db_name: str
    efs_throughput_mode: str
    efs_backup: str
    protect_stateful_resources: bool


def build(values: Mapping[str, Any], key: Any) -> DataSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    engine = DatabaseEngine(values["dbEngine"])
    parameter_group_family(engine, values["dbEngineVersion"] or None, key("dbEngineVersion"))
    if engine != DatabaseEngine.MYSQL:
        # The Database component serves PostgreSQL too; the platform's application, WordPress, does not.
        raise ValueError(f"{key('dbEngine')}: {engine.value!r} cannot run WordPress, this platform's application; use mysql")
    check_database_name(values["dbName"], engine, key("dbName"))
    check_max_allocated_storage(
        values["dbMaxAllocatedStorageGb"], values["dbAllocatedStorageGb"], key("dbMaxAllocatedStorageGb"), key("dbAllocatedStorageGb")
    )
    check_replica(values["dbReplicaInstanceClass"], values["dbBackupRetentionDays"], key("dbReplicaInstanceClass"))
    az_count = values["azCount"]
    if az_count < 2:
        if values["dbMultiAz"]:
            raise ValueError(f"{key('dbMultiAz')}: true needs a standby AZ, but {key('azCount')} is {az_count}; use 2 or more AZs")
        raise ValueError(f"{key('azCount')}: {az_count} AZ is too few for the database: RDS subnet groups need at least 2 AZs")
    return DataSettings(
        db_engine=engine.value,
        db_engine_version=values["dbEngineVersion"] or None,
        db_instance_class=values["dbInstanceClass"],
        db_multi_az=values["dbMultiAz"],
        db_allocated_storage_gb=values["dbAllocatedStorageGb"],
        db_max_allocated_storage_gb=values["dbMaxAllocatedStorageGb"],
        db_backup_retention_days=values["dbBackupRetentionDays"],
        db_deletion_protection=values["dbDeletionProtection"],
        db_skip_final_snapshot=values["dbSkipFinalSnapshot"],
        db_replica_instance_class=values["dbReplicaInstanceClass"] or None,
        db_name=values["dbName"],
        efs_throughput_mode=values["efsThroughputMode"],
        efs_backup=values["efsBackup"],
        protect_stateful_resources=values["protectStatefulResources"],
    )
