"""The data tier as the program builds it for each committed stack: in prod nothing stateful can be lost."""

from typing import Any

import pytest

from tests.harness import run_stack

INSTANCE = "aws:rds/instance:Instance"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
SECRET_KEYS = ("password", "masterpassword", "secretstring", "passwordwo")


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
    result = run_stack("prod", preview)
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
    result = run_stack("dev", preview)
    [db] = result.of_type(INSTANCE)
    [fs] = result.of_type(FILE_SYSTEM)
    assert not db.protect and not fs.protect
    assert db.inputs["multiAz"] is False and db.inputs["skipFinalSnapshot"] is True and db.inputs["deletionProtection"] is False
    assert result.one("aws:efs/backupPolicy:BackupPolicy").inputs["backupPolicy"] == {"status": "ENABLED"}
    assert secret_inputs(result) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_database_sits_in_isolated_subnets_and_the_file_system_in_private_ones(stack: str) -> None:
    result = run_stack(stack)
    subnets = {s.id: s.inputs["tags"]["Tier"] for s in result.of_type("aws:ec2/subnet:Subnet")}
    group = result.one("aws:rds/subnetGroup:SubnetGroup")
    assert {subnets[i] for i in group.inputs["subnetIds"]} == {"isolated"}
    assert {subnets[t.inputs["subnetId"]] for t in result.of_type("aws:efs/mountTarget:MountTarget")} == {"private"}
    # One alarm topic for the whole data tier (the web servers' scaling events have their own).
    assert len([t for t in result.of_type("aws:sns/topic:Topic") if t.name.startswith(("shop-db", "shop-files"))]) == 1
    assert result.outputs["dbSecretArn"].startswith("arn:aws:secretsmanager:")
