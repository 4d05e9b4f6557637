"""NoSqlTable component: keys and indexes, on demand or auto-scaled as in the book, PITR, protection, policies, alarms."""

import functools
import json
from typing import Any

import pulumi
import pytest

from components.nosql_table import (
    READ_ACTIONS,
    WRITE_ACTIONS,
    AttributeType,
    BillingMode,
    GlobalSecondaryIndex,
    NoSqlTable,
    NoSqlTableArgs,
    Projection,
    table_definition,
)
from policies.offline.runner import MockRun
from tests.harness import is_known, run

TABLE = "aws:dynamodb/table:Table"
TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CATEGORY_INDEX = GlobalSecondaryIndex(name="category-index", hash_key="category", range_key="tid", range_key_type=AttributeType.N)
TASKS: dict[str, Any] = {
    "hash_key": "uid", "range_key": "tid", "range_key_type": AttributeType.N, "global_secondary_indexes": [CATEGORY_INDEX],
}
CONFIGS: dict[str, dict[str, Any]] = {
    "on-demand": TASKS,
    "provisioned": {**TASKS, "billing_mode": BillingMode.PROVISIONED},
    "cmk-ttl": {"hash_key": "id", "kms_key_arn": KEY, "ttl_attribute": "expires", "deletion_protection": False, "protect": True,
                "point_in_time_recovery": False, "table_name": "sessions"},
}
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/test-test-tasks"


@functools.cache
def built(config: str, preview: bool) -> MockRun:
    def program() -> None:
        table = NoSqlTable("tasks", NoSqlTableArgs(**CONFIGS[config]))
        pulumi.export("read_policy", table.read_policy)
        pulumi.export("write_policy", table.write_policy)

    return run(program, preview)


def test_the_books_task_table_with_its_category_index_on_demand(preview: bool) -> None:
    table = built("on-demand", preview).one(TABLE)
    assert table.inputs["name"] == "test-test-tasks" and table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert (table.inputs["hashKey"], table.inputs["rangeKey"]) == ("uid", "tid")
    assert table.inputs["attributes"] == [{"name": "uid", "type": "S"}, {"name": "tid", "type": "N"}, {"name": "category", "type": "S"}]
    [index] = table.inputs["globalSecondaryIndexes"]
    assert index == {"name": "category-index", "projectionType": "ALL",
                     "keySchemas": [{"attributeName": "category", "keyType": "HASH"}, {"attributeName": "tid", "keyType": "RANGE"}]}
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True} and table.inputs["deletionProtectionEnabled"] is True
    assert "readCapacity" not in table.inputs and not built("on-demand", preview).of_type(TARGET)
    assert table.protect is False and table.inputs["tags"]["Component"] == "NoSqlTable"


def test_throttle_alarms_watch_the_table_and_each_index(preview: bool) -> None:
    alarms = built("on-demand", preview).of_type(ALARM)
    found = {(a.inputs["metricName"], a.inputs["dimensions"].get("GlobalSecondaryIndexName")) for a in alarms}
    assert found == {("ReadThrottleEvents", None), ("WriteThrottleEvents", None),
                     ("ReadThrottleEvents", "category-index"), ("WriteThrottleEvents", "category-index")}
    for alarm in alarms:
        assert alarm.inputs["dimensions"]["TableName"] == "test-test-tasks"
        assert (alarm.inputs["statistic"], alarm.inputs["period"], alarm.inputs["threshold"]) == ("Sum", 300, 10)


def test_read_and_write_policies_name_the_table_and_are_known_in_preview(preview: bool) -> None:
    outputs = built("on-demand", preview).outputs
    assert is_known(outputs["read_policy"]) and is_known(outputs["write_policy"])
    [read] = json.loads(outputs["read_policy"])["Statement"]
    [write] = json.loads(outputs["write_policy"])["Statement"]
    assert read["Action"] == list(READ_ACTIONS) and read["Resource"] == [TABLE_ARN, f"{TABLE_ARN}/index/*"]
    assert write["Action"] == list(WRITE_ACTIONS) and write["Resource"] == [TABLE_ARN]
    assert not {a for a in READ_ACTIONS if "Put" in a or "Delete" in a or "Update" in a}


def test_provisioned_capacity_is_scaled_like_the_book(preview: bool) -> None:
    result = built("provisioned", preview)
    table = result.one(TABLE)
    assert (table.inputs["readCapacity"], table.inputs["writeCapacity"]) == (5, 5)
    assert table.inputs["globalSecondaryIndexes"][0]["readCapacity"] == 5
    assert table.ignore_changes == ["readCapacity", "writeCapacity", "globalSecondaryIndexes[0].readCapacity",
                                    "globalSecondaryIndexes[0].writeCapacity"]
    targets = result.of_type(TARGET)
    assert sorted((t.inputs["resourceId"], t.inputs["scalableDimension"]) for t in targets) == [
        ("table/test-test-tasks", "dynamodb:table:ReadCapacityUnits"),
        ("table/test-test-tasks", "dynamodb:table:WriteCapacityUnits"),
        ("table/test-test-tasks/index/category-index", "dynamodb:index:ReadCapacityUnits"),
        ("table/test-test-tasks/index/category-index", "dynamodb:index:WriteCapacityUnits"),
    ]
    assert all((t.inputs["minCapacity"], t.inputs["maxCapacity"]) == (5, 20) for t in targets)
    for policy in result.of_type(SCALING_POLICY):
        tracking = policy.inputs["targetTrackingScalingPolicyConfiguration"]
        assert (tracking["targetValue"], tracking["scaleInCooldown"], tracking["scaleOutCooldown"]) == (50, 600, 60)
        kind = "Read" if "Read" in policy.inputs["scalableDimension"] else "Write"
        assert tracking["predefinedMetricSpecification"] == {"predefinedMetricType": f"DynamoDB{kind}CapacityUtilization"}
    assert len(result.of_type(SCALING_POLICY)) == 4


def test_customer_key_ttl_and_pulumi_protection(preview: bool) -> None:
    result = built("cmk-ttl", preview)
    table = result.one(TABLE)
    assert table.inputs["name"] == "sessions"
    assert table.inputs["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": KEY}
    assert table.inputs["ttl"] == {"attributeName": "expires", "enabled": True}
    assert table.inputs["pointInTimeRecovery"] == {"enabled": False} and table.inputs["deletionProtectionEnabled"] is False
    assert table.protect is True
    key_statement = json.loads(result.outputs["write_policy"])["Statement"][1]
    assert key_statement["Resource"] == [KEY] and key_statement["Condition"] == {
        "StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}


def test_table_definition_is_the_same_table_as_a_create_table_request() -> None:
    request = table_definition(NoSqlTableArgs(**TASKS), "todo-task")
    assert request["KeySchema"] == [{"AttributeName": "uid", "KeyType": "HASH"}, {"AttributeName": "tid", "KeyType": "RANGE"}]
    assert request["GlobalSecondaryIndexes"][0]["Projection"] == {"ProjectionType": "ALL"}
    assert {"AttributeName": "tid", "AttributeType": "N"} in request["AttributeDefinitions"]
    included = GlobalSecondaryIndex(name="by-email", hash_key="email", projection=Projection.INCLUDE, non_key_attributes=["phone"])
    assert table_definition(NoSqlTableArgs(hash_key="uid", global_secondary_indexes=[included]), "u")["GlobalSecondaryIndexes"][0][
        "Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["phone"]}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hash_key": "user id"}, "hash_key: 'user id' is not an attribute name"),
        ({"range_key": "uid"}, "range_key: 'uid' is also the hash_key"),
        ({"range_key": "tid", "range_key_type": "X"}, "range_key_type: 'X' is not a key type"),
        ({"table_name": "ab"}, "table_name: 'ab' is not a table name"),
        ({"global_secondary_indexes": [GlobalSecondaryIndex(name="by-uid", hash_key="uid", hash_key_type=AttributeType.N)]},
         r"global_secondary_indexes\[by-uid\].hash_key: 'uid' is typed N here but S elsewhere"),
        ({"global_secondary_indexes": [CATEGORY_INDEX, CATEGORY_INDEX]}, "names an index twice"),
        ({"global_secondary_indexes": [GlobalSecondaryIndex(name="x-index", hash_key="x", projection=Projection.INCLUDE)]},
         "INCLUDE needs at least one attribute"),
        ({"billing_mode": "FREE"}, "billing_mode: 'FREE' is not allowed"),
        ({"billing_mode": BillingMode.PROVISIONED, "min_read_capacity": 30}, "max_read_capacity: 20 is outside 30..40000"),
        ({"billing_mode": BillingMode.PROVISIONED, "target_utilization_percent": 95}, "target_utilization_percent: 95 is outside 20..90"),
        ({"kms_key_arn": "my-key"}, "kms_key_arn: 'my-key' is not a KMS key ARN"),
        ({"ttl_attribute": ""}, "ttl_attribute: '' is not an attribute name"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        run(lambda: NoSqlTable("tasks", NoSqlTableArgs(**{"hash_key": "uid", **overrides})))
    assert error.value.registered == []  # type: ignore[attr-defined]
