"""Data-tier stack config: safe defaults, bad values refused naming the key, cross-key checks."""

from pathlib import Path
from typing import Any

import pytest

from policies.offline.stack_config import load_stack_config
from settings import ConfigError, load_settings
from tests.harness import REPO


def stack_raw(stack: str) -> dict[str, Any]:
    """The committed stack's awsinaction values as the program receives them, by short key."""
    values = load_stack_config(REPO, stack).values
    return {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("awsinaction:")}


def test_defaults_are_highly_available_and_lose_nothing() -> None:
    data = load_settings("awsinaction", "any", {}).data
    assert (data.db_engine, data.db_engine_version, data.db_instance_class) == ("mysql", None, "db.t4g.micro")
    assert data.db_multi_az is True and data.db_deletion_protection is True and data.db_skip_final_snapshot is False
    assert data.db_backup_retention_days == 7 and data.db_replica_instance_class is None
    assert (data.db_allocated_storage_gb, data.db_max_allocated_storage_gb) == (20, 100)
    assert (data.efs_throughput_mode, data.efs_backup, data.protect_stateful_resources) == ("elastic", "policy", True)


def test_dev_lines_give_a_cheap_disposable_data_tier() -> None:
    data = load_settings("awsinaction", "dev", stack_raw("dev"), available_azs=6).data
    assert data.db_multi_az is False and data.db_deletion_protection is False and data.db_skip_final_snapshot is True
    assert data.db_backup_retention_days == 1 and data.efs_backup == "policy" and data.protect_stateful_resources is False


def test_prod_lines_give_a_protected_backed_up_data_tier() -> None:
    data = load_settings("awsinaction", "prod", stack_raw("prod"), available_azs=6).data
    assert data.db_multi_az is True and data.db_deletion_protection is True and data.db_skip_final_snapshot is False
    assert data.db_backup_retention_days >= 7 and data.efs_backup == "aws_backup" and data.protect_stateful_resources is True


def test_postgres_is_refused_because_wordpress_needs_mysql() -> None:
    with pytest.raises(ConfigError, match=r"^awsinaction:dbEngine: 'postgres' cannot run WordPress"):
        load_settings("awsinaction", "any", {"dbEngine": "postgres", "dbEngineVersion": "16.4"})


BAD = [
    ({"dbEngine": "oracle-ee"}, "dbEngine", "is not a supported engine; use one of mysql, postgres"),
    ({"dbEngineVersion": "5.7"}, "dbEngineVersion", "'5.7' is not a supported mysql version"),
    ({"dbEngine": "postgres", "dbEngineVersion": "8.0"}, "dbEngineVersion", "'8.0' is not a supported postgres version"),
    ({"dbInstanceClass": "t3.micro"}, "dbInstanceClass", "is not an RDS instance class"),
    ({"dbBackupRetentionDays": "36"}, "dbBackupRetentionDays", "36 is outside 0..35 days"),
    ({"dbBackupRetentionDays": "-1"}, "dbBackupRetentionDays", "-1 is outside 0..35 days"),
    ({"dbAllocatedStorageGb": "10"}, "dbAllocatedStorageGb", "10 is outside 20..65536 GiB"),
    ({"dbAllocatedStorageGb": "200"}, "dbMaxAllocatedStorageGb", "100 GiB is below awsinaction:dbAllocatedStorageGb (200 GiB)"),
    ({"dbReplicaInstanceClass": "db.t4g.micro", "dbBackupRetentionDays": "0"}, "dbReplicaInstanceClass", "the primary keeps no backups"),
    ({"dbReplicaInstanceClass": "micro"}, "dbReplicaInstanceClass", "is not an RDS instance class"),
    ({"azCount": "1"}, "dbMultiAz", "true needs a standby AZ, but awsinaction:azCount is 1"),
    ({"azCount": "1", "dbMultiAz": "false"}, "azCount", "1 AZ is too few for the database"),
    ({"dbName": "my-app"}, "dbName", "is not a mysql database name"),
    ({"dbMultiAz": "maybe"}, "dbMultiAz", "is not a boolean"),
    ({"efsThroughputMode": "provisioned"}, "efsThroughputMode", "use one of elastic, bursting"),
    ({"efsBackup": "daily"}, "efsBackup", "use one of policy, aws_backup, none"),
    ({"protectStatefulResources": "yes"}, "protectStatefulResources", "is not a boolean"),
]


@pytest.mark.parametrize(("raw", "key", "reason"), BAD, ids=[f"{k}-{i}" for i, (_, k, _) in enumerate(BAD)])
def test_bad_values_are_refused_in_one_line_naming_the_key(raw: dict[str, str], key: str, reason: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings("awsinaction", "any", raw, available_azs=6)
    message = str(raised.value)
    assert message.startswith(f"awsinaction:{key}: ") and reason in message and "\n" not in message


def test_one_mysql_default_everywhere() -> None:
    """The code's default version is the one the docstring, the schema other languages see, the settings and the docs state."""
    import json
    import re

    from components.database import DatabaseArgs
    from components.database_checks import ENGINES, DatabaseEngine
    from settings.data import KEYS

    default = ENGINES[DatabaseEngine.MYSQL].default_version
    stated = re.compile(r"(?:default: |\()(\d+\.\d+) for mysql")
    docstring = next(line for line in Path(REPO / "components" / "database.py").read_text().splitlines() if "for mysql" in line)
    schema = json.loads((REPO / "schema" / "awsinaction.json").read_text())
    schema_text = schema["resources"]["awsinaction:index:Database"]["inputProperties"]["engineVersion"]["description"]
    setting = next(key for key in KEYS if key.name == "dbEngineVersion").description
    assert {stated.search(text).group(1) for text in (docstring, schema_text, setting)} == {default}  # type: ignore[union-attr]
    assert DatabaseArgs.engine_version is None, "None means the engine's default"
    assert f"RDS for MySQL {default} by default" in (REPO / "docs" / "data-tier.md").read_text()
    assert f"RDS MySQL {default} (" in (REPO / "CHANGELOG.md").read_text()
    assert f"RDS MySQL {default} (" in (REPO / "README.md").read_text()
