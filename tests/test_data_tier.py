"""The data tier as the program builds it for each committed stack: in prod nothing stateful can be lost."""

from typing import Any

import pytest

from tests.harness import run_stack

INSTANCE = "aws:rds/instance:Instance"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
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


def plain_occurrences(value: Any, secrets: list[str], path: str = "") -> list[str]:
    """Paths where a secret value appears in plain text (outside Pulumi's secret wrapper)."""
    if isinstance(value, dict) and value.get("4dabf18193072939515e22adb298388d") == SECRET_SIG:
        return []
    if isinstance(value, str):
        return [path] if any(secret in value for secret in secrets) else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in plain_occurrences(v, secrets, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in plain_occurrences(v, secrets, f"{path}[{i}]")]
    return []


def test_no_generated_secret_appears_in_plain_text_in_any_input() -> None:
    # With a read replica the database password is generated too (RDS cannot replicate a managed one).
    result = run_stack("prod", overrides={"awsinaction:dbReplicaInstanceClass": "db.t4g.small"})
    secrets = [r.state["result"] for r in result.of_type("random:index/randomPassword:RandomPassword")]
    assert len(secrets) == 2, "the origin-verify header value and the database password"
    leaks = {r.name: found for r in result.resources if (found := plain_occurrences(r.inputs, secrets))}
    assert leaks == {}


def test_plain_occurrences_finds_a_leak() -> None:
    assert plain_occurrences({"a": [{"b": "x-s3cr3t-y"}]}, ["s3cr3t"]) == [".a[0].b"]
    assert plain_occurrences({"a": {"4dabf18193072939515e22adb298388d": SECRET_SIG, "value": "s3cr3t"}}, ["s3cr3t"]) == []
