"""Cache component: ElastiCache in isolated subnets, client groups only, encrypted, AUTH in Secrets Manager, alarms per node."""

import functools
import json
import re
from typing import Any

import pytest

from components.cache import Cache, CacheArgs, CacheEngine, node_ids, replication_group_id
from policies.offline.runner import MockRun
from tests.harness import depends_on, reveal, run, world_open_ingress

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
SUBNETS = ["subnet-0aaa0000000000001", "subnet-0bbb0000000000002", "subnet-0ccc0000000000003"]
CLIENT = "sg-0123456789abcdef0"
NETWORK: dict[str, Any] = {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": SUBNETS[:2], "availability_zones": ZONES[:2],
                           "client_security_group_ids": [CLIENT]}
CONFIGS: dict[str, dict[str, Any]] = {
    "prod": {**NETWORK, "subnet_ids": SUBNETS, "availability_zones": ZONES, "replica_count": 2, "protect": True},
    "dev": {**NETWORK, "multi_az": False, "replica_count": 0, "skip_final_snapshot": True, "snapshot_retention_days": 1,
            "engine": CacheEngine.REDIS},
}


@functools.cache
def built(config: str, preview: bool) -> MockRun:
    return run(lambda: Cache("sessions", CacheArgs(**CONFIGS[config])), preview)


def test_prod_cache_fails_over_across_azs_and_encrypts_everything(preview: bool) -> None:
    group = built("prod", preview).one(GROUP)
    inputs = group.inputs
    assert (inputs["replicationGroupId"], inputs["engine"], inputs["engineVersion"]) == ("test-test-sessions", "valkey", "8.0")
    assert (inputs["numCacheClusters"], inputs["automaticFailoverEnabled"], inputs["multiAzEnabled"]) == (3, True, True)
    assert inputs["preferredCacheClusterAzs"] == ZONES
    assert inputs["atRestEncryptionEnabled"] is True and inputs["transitEncryptionEnabled"] is True
    assert "authToken" not in inputs and inputs["authTokenWoVersion"] == 1 and reveal(inputs["authTokenWo"]) != inputs["authTokenWo"]
    assert (inputs["snapshotRetentionLimit"], inputs["snapshotWindow"]) == (7, "05:00-06:00")
    if not preview:
        assert re.fullmatch(r"test-test-sessions-final-[0-9a-f]{6}", inputs["finalSnapshotIdentifier"])
    assert group.protect is True and inputs["tags"]["Component"] == "Cache"


def test_dev_cache_is_one_redis_node_without_final_snapshot(preview: bool) -> None:
    inputs = built("dev", preview).one(GROUP).inputs
    assert (inputs["engine"], inputs["engineVersion"], inputs["numCacheClusters"]) == ("redis", "7.1", 1)
    assert inputs["automaticFailoverEnabled"] is False and inputs["multiAzEnabled"] is False
    assert "finalSnapshotIdentifier" not in inputs and inputs["snapshotRetentionLimit"] == 1
    assert inputs["transitEncryptionEnabled"] is True


def test_isolated_subnets_and_only_the_client_group_on_the_port(preview: bool) -> None:
    result = built("prod", preview)
    assert result.one(SUBNET_GROUP).inputs["subnetIds"] == SUBNETS
    [rule] = result.of_type(INGRESS)
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["referencedSecurityGroupId"]) == (6379, 6379, CLIENT)
    assert world_open_ingress(result) == []
    [security_group] = result.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert not security_group.inputs.get("egress") and depends_on(result, result.one(GROUP), security_group)


def test_the_auth_token_is_kept_as_a_secret_in_secrets_manager(preview: bool) -> None:
    result = built("prod", preview)
    version = result.one(SECRET_VERSION)
    assert "1b47061264138c4ac30d75fd1eb44270" in json.dumps(version.inputs["secretString"], default=str)  # a Pulumi secret
    if not preview:
        document = json.loads(reveal(version.inputs["secretString"]))
        assert document["auth_token"] == reveal(result.one(GROUP).inputs["authTokenWo"])
        assert (document["port"], document["tls"]) == (6379, True) and document["host"].startswith("master.")


def test_slow_and_engine_logs_go_to_log_groups_with_retention(preview: bool) -> None:
    result = built("prod", preview)
    deliveries = result.one(GROUP).inputs["logDeliveryConfigurations"]
    assert {d["logType"] for d in deliveries} == {"slow-log", "engine-log"}
    groups = {g.inputs["name"]: g for g in result.of_type(LOG_GROUP)}
    for delivery in deliveries:
        assert groups[delivery["destination"]].inputs["retentionInDays"] == 30


def test_the_books_alarms_watch_every_node(preview: bool) -> None:
    alarms = built("prod", preview).of_type(ALARM)
    by_node: dict[str, set[str]] = {}
    for alarm in alarms:
        by_node.setdefault(alarm.inputs["dimensions"]["CacheClusterId"], set()).add(alarm.inputs["metricName"])
        assert alarm.inputs["namespace"] == "AWS/ElastiCache" and alarm.inputs["period"] == 600
    assert sorted(by_node) == node_ids("test-test-sessions", 3) == ["test-test-sessions-001", "test-test-sessions-002",
                                                                    "test-test-sessions-003"]
    assert all(metrics == {"EngineCPUUtilization", "SwapUsage", "Evictions", "DatabaseMemoryUsagePercentage", "ReplicationLag"}
               for metrics in by_node.values())
    lag = next(a for a in alarms if a.inputs["metricName"] == "ReplicationLag")
    assert lag.inputs["threshold"] == 30 and lag.inputs["treatMissingData"] == "notBreaching"
    assert "ReplicationLag" not in {a.inputs["metricName"] for a in built("dev", preview).of_type(ALARM)}


def test_replication_group_ids_are_valid_and_short() -> None:
    assert replication_group_id("AWS_in_Action", "dev", "Cache") == "aws-in-action-dev-cache"
    long = replication_group_id("a-very-long-project-name", "production", "session-cache")
    assert len(long) == 40 and long[0].isalpha() and "--" not in long and not long.endswith("-")
    assert replication_group_id("1st", "s", "c").startswith("cache-1st")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"engine": "memcached"}, "engine: 'memcached' is not allowed; use valkey or redis"),
        ({"engine_version": "7.0"}, "engine_version: '7.0' is not a valkey version major.minor, 7.2 or later"),
        ({"node_type": "t4g.micro"}, "node_type: 't4g.micro' is not an ElastiCache node type"),
        ({"replica_count": 0}, "replica_count: 0 leaves Multi-AZ nothing to fail over to"),
        ({"replica_count": 6}, "replica_count: 6 is outside 0..5"),
        ({"availability_zones": ["us-east-1a"], "subnet_ids": ["subnet-0aaa0000000000001"]}, "covers 1 AZ; Multi-AZ"),
        ({"client_security_group_ids": ["default"]}, "client_security_group_ids: 'default' is not a security group ID"),
        ({"snapshot_window": "05:00-05:30"}, "snapshot_window: '05:00-05:30' is shorter than the 60 minutes"),
        ({"maintenance_window": "sun:06:30-sun:07:00"}, "maintenance_window: 'sun:06:30-sun:07:00' is shorter than the 60 minutes"),
        ({"maintenance_window": "mon:05:30-mon:06:30"}, "overlaps the daily snapshot window"),
        ({"snapshot_retention_days": 36}, "snapshot_retention_days: 36 is outside 0..35"),
        ({"vpc_id": None}, "vpc_id: None is not allowed"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")) as error:
        run(lambda: Cache("sessions", CacheArgs(**{**NETWORK, **overrides})))
    assert error.value.registered == []  # type: ignore[attr-defined]
