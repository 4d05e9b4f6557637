"""The data tier as the program builds it from each stack's settings: in prod nothing stateful can be lost.

`build_data_tier` is the wiring __main__.py uses (docs/data-tier.md); the stack config is the committed
stack file plus the data-tier lines of tests/test_settings_data.py.
"""

from typing import Any

import pulumi
import pytest

from components.database import Database, DatabaseArgs
from components.file_system import SharedFileSystem, SharedFileSystemArgs
from components.network import Network, NetworkArgs
from settings import Settings, load_settings
from tests.harness import run
from tests.test_settings_data import stack_raw

INSTANCE = "aws:rds/instance:Instance"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
SECRET_KEYS = ("password", "masterpassword", "secretstring", "passwordwo")


def build_data_tier(settings: Settings, network: Network) -> tuple[Database, SharedFileSystem]:
    """The program's wiring of the data tier (the snippet in docs/data-tier.md)."""
    data = settings.data
    database = Database(
        "db",
        DatabaseArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.isolated_subnet_ids,
            availability_zones=network.zone_names,
            client_security_group_ids=[network.app_security_group_id],
            engine=data.db_engine,
            engine_version=data.db_engine_version,
            instance_class=data.db_instance_class,
            multi_az=data.db_multi_az,
            allocated_storage_gb=data.db_allocated_storage_gb,
            max_allocated_storage_gb=data.db_max_allocated_storage_gb,
            database_name=data.db_name,
            backup_retention_days=data.db_backup_retention_days,
            deletion_protection=data.db_deletion_protection,
            skip_final_snapshot=data.db_skip_final_snapshot,
            replica_instance_class=data.db_replica_instance_class,
            protect=data.protect_stateful_resources,
        ),
    )
    files = SharedFileSystem(
        "files",
        SharedFileSystemArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            availability_zones=network.zone_names,
            throughput_mode=data.efs_throughput_mode,
            backup=data.efs_backup,
            protect=data.protect_stateful_resources,
            alarm_topic_arn=database.alarm_topic_arn,
        ),
    )
    return database, files


def stack_program(stack: str):
    def program() -> None:
        settings = load_settings("awsinaction", stack, stack_raw(stack), available_azs=6)
        net = settings.network
        network = Network("network", NetworkArgs(cidr_block=net.vpc_cidr, az_count=net.az_count, nat_strategy=net.nat_strategy))
        database, files = build_data_tier(settings, network)
        pulumi.export("dbSecretArn", database.secret_arn)
        pulumi.export("efsMountCommands", files.mount_commands("/var/www"))

    return program


def secret_inputs(result: Any) -> list[tuple[str, str]]:
    found = []

    def walk(value: Any, path: str, owner: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k.lower() in SECRET_KEYS:
                    found.append((owner, f"{path}.{k}"))
                walk(v, f"{path}.{k}", owner)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]", owner)

    for resource in result.resources:
        walk(resource.inputs, "", resource.name)
    return found


def test_prod_protects_and_backs_up_every_stateful_resource_and_keeps_no_secret_in_inputs(preview: bool) -> None:
    result = run(stack_program("prod"), preview)
    [db] = result.of_type(INSTANCE)
    [fs] = result.of_type(FILE_SYSTEM)
    assert db.protect and fs.protect
    assert db.inputs["deletionProtection"] is True and db.inputs["skipFinalSnapshot"] is False
    assert db.inputs["backupRetentionPeriod"] >= 7 and db.inputs["multiAz"] is True
    assert db.inputs["manageMasterUserPassword"] is True
    assert result.count("aws:backup/selection:Selection") == 1 and result.one("aws:backup/vault:Vault").protect
    assert len(result.of_type("aws:efs/mountTarget:MountTarget")) == 3  # one per prod AZ
    assert secret_inputs(result) == []


def test_dev_data_tier_is_disposable(preview: bool) -> None:
    result = run(stack_program("dev"), preview)
    [db] = result.of_type(INSTANCE)
    [fs] = result.of_type(FILE_SYSTEM)
    assert not db.protect and not fs.protect
    assert db.inputs["multiAz"] is False and db.inputs["skipFinalSnapshot"] is True and db.inputs["deletionProtection"] is False
    assert result.one("aws:efs/backupPolicy:BackupPolicy").inputs["backupPolicy"] == {"status": "ENABLED"}
    assert secret_inputs(result) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_database_sits_in_isolated_subnets_and_the_file_system_in_private_ones(stack: str) -> None:
    result = run(stack_program(stack))
    subnets = {s.id: s.inputs["tags"]["Tier"] for s in result.of_type("aws:ec2/subnet:Subnet")}
    group = result.one("aws:rds/subnetGroup:SubnetGroup")
    assert {subnets[i] for i in group.inputs["subnetIds"]} == {"isolated"}
    assert {subnets[t.inputs["subnetId"]] for t in result.of_type("aws:efs/mountTarget:MountTarget")} == {"private"}
    # One alarm topic for the whole data tier.
    assert result.count("aws:sns/topic:Topic") == 1
    assert result.outputs["dbSecretArn"].startswith("arn:aws:secretsmanager:")
    assert "accesspoint=" in result.outputs["efsMountCommands"]
