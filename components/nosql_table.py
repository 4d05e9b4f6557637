"""NoSqlTable: a DynamoDB table with point-in-time recovery, deletion protection, optional auto scaling and access policies.

Book chapter 13 (the to-do application: a users table keyed by uid, a tasks table keyed by uid and tid
with the category-index global secondary index; provisioned 5/5 units scaled between 5 and 20 at 50 %
utilization, scale-in cooldown 600 s, scale-out 60 s). On-demand billing is the default today: no
capacity to plan, and idle tables cost only their storage.
"""

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args
from .alarms import AlarmSpec, create_alarms
from .iam import Statement, policy_document, statement
from .lambda_function import AwsContext, aws_context, check_int_range, physical_name
from .lambda_function import alarm_topic_arn as alarm_topic
from .queue import check_kms_key_arn
from .tags import resource_tags

READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
"""Reading items of the table and its indexes (no stream, no export, no backup)."""
WRITE_ACTIONS = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")
"""Writing items of the table (indexes follow by themselves)."""
MAX_GLOBAL_SECONDARY_INDEXES = 20
"""DynamoDB's default quota of global secondary indexes per table."""
PITR_DAYS = 35
"""Point-in-time recovery window: DynamoDB keeps continuous backups for 35 days."""
_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_ATTRIBUTE = re.compile(r"[A-Za-z0-9_.-]{1,255}")


class AttributeType(str, Enum):
    """DynamoDB type of a key attribute."""

    S = "S"
    """String."""
    N = "N"
    """Number."""
    B = "B"
    """Binary."""


class Projection(str, Enum):
    """Attributes a global secondary index copies from the table."""

    ALL = "ALL"
    """Every attribute (the book's category-index)."""
    KEYS_ONLY = "KEYS_ONLY"
    """Only the table's and the index's keys."""
    INCLUDE = "INCLUDE"
    """The keys plus non_key_attributes."""


class BillingMode(str, Enum):
    """How DynamoDB charges for throughput."""

    ON_DEMAND = "PAY_PER_REQUEST"
    """Per request, no capacity to plan (the default)."""
    PROVISIONED = "PROVISIONED"
    """Provisioned read and write units, scaled by target tracking (the book's choice)."""


@dataclass(frozen=True)
class GlobalSecondaryIndex:
    """A global secondary index: another key to query the table by."""

    name: str
    """Name of the index, 3 to 255 letters, digits, _ . - (e.g. category-index)."""
    hash_key: str
    """Partition key attribute of the index."""
    hash_key_type: Optional[AttributeType] = AttributeType.S
    """Type of the partition key (default S)."""
    range_key: Optional[str] = None
    """Sort key attribute of the index (default none)."""
    range_key_type: Optional[AttributeType] = AttributeType.S
    """Type of the sort key (default S)."""
    projection: Optional[Projection] = Projection.ALL
    """Attributes copied into the index: ALL, KEYS_ONLY or INCLUDE (default ALL)."""
    non_key_attributes: Optional[list[str]] = field(default_factory=list)
    """Attributes copied besides the keys when projection is INCLUDE (default none)."""


@dataclass(frozen=True)
class NoSqlTableArgs:
    """Inputs of the NoSqlTable component; only the partition key is required."""

    hash_key: str
    """Partition key attribute (e.g. uid)."""
    hash_key_type: Optional[AttributeType] = AttributeType.S
    """Type of the partition key (default S)."""
    range_key: Optional[str] = None
    """Sort key attribute (e.g. tid; default none)."""
    range_key_type: Optional[AttributeType] = AttributeType.S
    """Type of the sort key (default S)."""
    global_secondary_indexes: Optional[list[GlobalSecondaryIndex]] = field(default_factory=list)
    """Global secondary indexes, at most 20 (default none)."""
    table_name: Optional[str] = None
    """Name of the table, 3 to 255 letters, digits, _ . - (default <project>-<stack>-<name>)."""
    billing_mode: Optional[BillingMode] = BillingMode.ON_DEMAND
    """ON_DEMAND (PAY_PER_REQUEST) or PROVISIONED with target-tracking auto scaling (default on demand)."""
    min_read_capacity: Optional[int] = 5
    """PROVISIONED: fewest read units of the table and of each index (default 5, the book's)."""
    max_read_capacity: Optional[int] = 20
    """PROVISIONED: most read units of the table and of each index (default 20, the book's)."""
    min_write_capacity: Optional[int] = 5
    """PROVISIONED: fewest write units of the table and of each index (default 5, the book's)."""
    max_write_capacity: Optional[int] = 20
    """PROVISIONED: most write units of the table and of each index (default 20, the book's)."""
    target_utilization_percent: Optional[int] = 50
    """PROVISIONED: consumed share of the provisioned units that scaling keeps, 20 to 90 (default 50, the book's)."""
    scale_in_cooldown_seconds: Optional[int] = 600
    """PROVISIONED: seconds between two scale-ins, 0 to 3600 (default 600, the book's)."""
    scale_out_cooldown_seconds: Optional[int] = 60
    """PROVISIONED: seconds between two scale-outs, 0 to 3600 (default 60, the book's)."""
    point_in_time_recovery: Optional[bool] = True
    """Continuous backups for restoring the table to any second of the last 35 days (default true)."""
    kms_key_arn: Optional[str] = None
    """Customer-managed KMS key for encryption at rest (default none: DynamoDB's own key; data is always encrypted)."""
    deletion_protection: Optional[bool] = True
    """Refuse deleting the table through the AWS API (default true)."""
    protect: Optional[bool] = False
    """Set Pulumi's protect option on the table so `pulumi destroy` refuses to delete it (default false)."""
    ttl_attribute: Optional[str] = None
    """Number attribute holding an item's expiry (epoch seconds); DynamoDB deletes expired items (default none)."""
    throttle_alarm_threshold: Optional[int] = 10
    """Throttled requests in 5 minutes, on the table or an index, that raise an alarm, 0 to 1000000 (default 10)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def _check_attribute(value: object, argument: str) -> None:
    if not isinstance(value, str) or not _ATTRIBUTE.fullmatch(value):
        raise ValueError(f"{argument}: {value!r} is not an attribute name (1 to 255 letters, digits, _ . -)")


def _check_type(value: object, argument: str) -> AttributeType:
    try:
        return AttributeType(value)
    except ValueError:
        raise ValueError(f"{argument}: {value!r} is not a key type; use S, N or B") from None


def as_index(value: object) -> GlobalSecondaryIndex:
    """A GlobalSecondaryIndex from itself or from the dict the multi-language provider host passes."""
    return value if isinstance(value, GlobalSecondaryIndex) else coerce_args(dict(value), GlobalSecondaryIndex)  # type: ignore[arg-type]


def key_attributes(args: NoSqlTableArgs) -> dict[str, AttributeType]:
    """Every key attribute of the table and its indexes with its type; one attribute has one type everywhere."""
    found: dict[str, AttributeType] = {}

    def add(attribute: Optional[str], kind: object, argument: str) -> None:
        if attribute is None:
            return
        _check_attribute(attribute, argument)
        wanted = _check_type(kind, f"{argument}_type")
        if found.setdefault(attribute, wanted) != wanted:
            raise ValueError(f"{argument}: {attribute!r} is typed {wanted.value} here but {found[attribute].value} elsewhere")

    add(args.hash_key, args.hash_key_type, "hash_key")
    add(args.range_key, args.range_key_type, "range_key")
    for index in map(as_index, args.global_secondary_indexes):
        add(index.hash_key, index.hash_key_type, f"global_secondary_indexes[{index.name}].hash_key")
        add(index.range_key, index.range_key_type, f"global_secondary_indexes[{index.name}].range_key")
    return found


def validate_nosql_table_args(args: NoSqlTableArgs) -> None:
    """Refuse inputs DynamoDB would reject, naming the argument and the value."""
    if args.table_name is not None and not (isinstance(args.table_name, str) and _NAME.fullmatch(args.table_name)):
        raise ValueError(f"table_name: {args.table_name!r} is not a table name (3 to 255 letters, digits, _ . -)")
    if args.range_key is not None and args.range_key == args.hash_key:
        raise ValueError(f"range_key: {args.range_key!r} is also the hash_key; a sort key must be another attribute")
    indexes = [as_index(i) for i in args.global_secondary_indexes]
    if len(indexes) > MAX_GLOBAL_SECONDARY_INDEXES:
        raise ValueError(f"global_secondary_indexes: {len(indexes)} indexes; DynamoDB allows {MAX_GLOBAL_SECONDARY_INDEXES} per table")
    names = [i.name for i in indexes]
    for index in indexes:
        if not isinstance(index.name, str) or not _NAME.fullmatch(index.name):
            raise ValueError(f"global_secondary_indexes: {index.name!r} is not an index name (3 to 255 letters, digits, _ . -)")
        try:
            projection = Projection(index.projection)
        except ValueError:
            raise ValueError(
                f"global_secondary_indexes[{index.name}].projection: {index.projection!r} is not ALL, KEYS_ONLY or INCLUDE"
            ) from None
        if (projection == Projection.INCLUDE) != bool(index.non_key_attributes):
            raise ValueError(
                f"global_secondary_indexes[{index.name}].non_key_attributes: {index.non_key_attributes!r} goes with projection "
                "INCLUDE, and INCLUDE needs at least one attribute"
            )
    if len(set(names)) != len(names):
        raise ValueError(f"global_secondary_indexes: {names!r} names an index twice")
    key_attributes(args)
    try:
        mode = BillingMode(args.billing_mode)
    except ValueError:
        raise ValueError(f"billing_mode: {args.billing_mode!r} is not allowed; use PAY_PER_REQUEST or PROVISIONED") from None
    if mode == BillingMode.PROVISIONED:
        for kind in ("read", "write"):
            low, high = getattr(args, f"min_{kind}_capacity"), getattr(args, f"max_{kind}_capacity")
            check_int_range(low, f"min_{kind}_capacity", 1, 40000, "units")
            check_int_range(high, f"max_{kind}_capacity", low, 40000, "units (at least the minimum)")
        check_int_range(args.target_utilization_percent, "target_utilization_percent", 20, 90, "percent")
        check_int_range(args.scale_in_cooldown_seconds, "scale_in_cooldown_seconds", 0, 3600, "seconds")
        check_int_range(args.scale_out_cooldown_seconds, "scale_out_cooldown_seconds", 0, 3600, "seconds")
    check_kms_key_arn(args.kms_key_arn, "kms_key_arn")
    if args.ttl_attribute is not None:
        _check_attribute(args.ttl_attribute, "ttl_attribute")
    check_int_range(args.throttle_alarm_threshold, "throttle_alarm_threshold", 0, 1_000_000, "requests")


def table_definition(args: NoSqlTableArgs, table_name: str) -> dict:
    """The table's keys and indexes as a DynamoDB CreateTable request (on demand), e.g. for DynamoDB Local or moto."""
    args = coerce_args(args, NoSqlTableArgs)
    validate_nosql_table_args(args)

    def keys(hash_key: str, range_key: Optional[str]) -> list[dict[str, str]]:
        return [{"AttributeName": hash_key, "KeyType": "HASH"}] + ([{"AttributeName": range_key, "KeyType": "RANGE"}] if range_key else [])

    indexes = []
    for index in map(as_index, args.global_secondary_indexes):
        projection: dict = {"ProjectionType": Projection(index.projection).value}
        if index.non_key_attributes:
            projection["NonKeyAttributes"] = list(index.non_key_attributes)
        indexes.append({"IndexName": index.name, "KeySchema": keys(index.hash_key, index.range_key), "Projection": projection})
    request = {
        "TableName": table_name,
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": t.value} for a, t in key_attributes(args).items()],
        "KeySchema": keys(args.hash_key, args.range_key),
        "BillingMode": BillingMode.ON_DEMAND.value,
    }
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    return request


def table_arn(ctx: AwsContext, name: str) -> str:
    """ARN of a table, known before it exists (policies built from it are judged in preview too)."""
    return f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account}:table/{name}"


def _key_statement(kms_key_arn: Optional[str], region: str, actions: list[str]) -> list[Statement]:
    if not kms_key_arn:
        return []
    # Only through DynamoDB: the key serves the table, not arbitrary decryption.
    condition = {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}}
    return [statement(actions, [kms_key_arn], sid="UseTableKey", condition=condition)]


def read_statements(arn: str, kms_key_arn: Optional[str] = None, region: str = "") -> list[Statement]:
    """IAM statements that let a principal read one table and query its indexes."""
    return [
        statement(list(READ_ACTIONS), [arn, f"{arn}/index/*"], sid="ReadTable"),
        *_key_statement(kms_key_arn, region, ["kms:Decrypt"]),
    ]


def write_statements(arn: str, kms_key_arn: Optional[str] = None, region: str = "") -> list[Statement]:
    """IAM statements that let a principal put, update and delete items of one table."""
    return [
        statement(list(WRITE_ACTIONS), [arn], sid="WriteTable"),
        *_key_statement(kms_key_arn, region, ["kms:Decrypt", "kms:GenerateDataKey"]),
    ]


def _throttle_alarms(threshold: int, index: str = "") -> list[AlarmSpec]:
    where = f"index {index}" if index else "the table"
    return [
        AlarmSpec(
            f"{kind.lower()}-throttles" if not index else f"{index}-{kind.lower()}-throttles",
            f"{kind}ThrottleEvents",
            "GreaterThanThreshold",
            threshold,
            "Sum",
            300,
            1,
            f"More than {threshold} {kind.lower()} requests to {where} throttled in 5 minutes: capacity is too low (book ch. 13)",
            treat_missing_data="notBreaching",
        )
        for kind in ("Read", "Write")
    ]


class NoSqlTable(pulumi.ComponentResource):
    """A DynamoDB table: keys and global secondary indexes, on-demand or auto-scaled, PITR, deletion protection, alarms."""

    table_name: pulumi.Output[str]
    """Name of the table."""
    table_arn: pulumi.Output[str]
    """ARN of the table."""
    read_policy: pulumi.Output[str]
    """IAM policy document (JSON) allowing to read the table and query its indexes; attach it to a reader's role."""
    write_policy: pulumi.Output[str]
    """IAM policy document (JSON) allowing to put, update and delete items; attach it with read_policy to a writer's role."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: NoSqlTableArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, NoSqlTableArgs)
        validate_nosql_table_args(args)
        super().__init__("awsinaction:index:NoSqlTable", name, None, opts)
        self._name, self._args = name, args
        component = "NoSqlTable"
        ctx = aws_context()
        table_name = args.table_name or physical_name(pulumi.get_project(), pulumi.get_stack(), name, max_length=255)
        provisioned = BillingMode(args.billing_mode) == BillingMode.PROVISIONED
        indexes = [as_index(i) for i in args.global_secondary_indexes]
        capacity = {"read_capacity": args.min_read_capacity, "write_capacity": args.min_write_capacity} if provisioned else {}
        ttl = {"ttl": {"attribute_name": args.ttl_attribute, "enabled": True}} if args.ttl_attribute else {}
        encryption = {"server_side_encryption": {"enabled": True, "kms_key_arn": args.kms_key_arn}} if args.kms_key_arn else {}

        table = aws.dynamodb.Table(
            name,
            name=table_name,
            billing_mode=BillingMode(args.billing_mode).value,
            hash_key=args.hash_key,
            range_key=args.range_key,
            attributes=[{"name": attribute, "type": kind.value} for attribute, kind in key_attributes(args).items()],
            global_secondary_indexes=[self._index(index, capacity) for index in indexes],
            point_in_time_recovery={"enabled": bool(args.point_in_time_recovery)},
            deletion_protection_enabled=bool(args.deletion_protection),
            tags=resource_tags(name, component, args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=bool(args.protect),
                # Auto scaling owns the provisioned units after creation: an update must not reset them.
                ignore_changes=self._scaled_properties(len(indexes)) if provisioned else None,
            ),
            **capacity,
            **ttl,
            **encryption,
        )
        if provisioned:
            self._auto_scaling(table, [f"table/{table_name}"] + [f"table/{table_name}/index/{i.name}" for i in indexes])

        topic_arn = alarm_topic(self, name, component, args.alarm_topic_arn, None, args.tags)
        threshold = args.throttle_alarm_threshold
        create_alarms(name, component, args.tags, self, "AWS/DynamoDB", {"TableName": table_name}, _throttle_alarms(threshold), topic_arn)
        for index in indexes:
            dimensions = {"TableName": table_name, "GlobalSecondaryIndexName": index.name}
            create_alarms(name, component, args.tags, self, "AWS/DynamoDB", dimensions, _throttle_alarms(threshold, index.name), topic_arn)

        arn, key, region = table_arn(ctx, table_name), args.kms_key_arn, ctx.region
        self.table_name = table.name
        self.table_arn = table.arn
        self.read_policy = pulumi.Output.from_input(policy_document(read_statements(arn, key, region)))
        self.write_policy = pulumi.Output.from_input(policy_document(write_statements(arn, key, region)))
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})

    @staticmethod
    def _index(index: GlobalSecondaryIndex, capacity: dict) -> dict:
        keys = [{"attribute_name": index.hash_key, "key_type": "HASH"}]
        if index.range_key:
            keys.append({"attribute_name": index.range_key, "key_type": "RANGE"})
        spec = {"name": index.name, "key_schemas": keys, "projection_type": Projection(index.projection).value, **capacity}
        if index.non_key_attributes:
            spec["non_key_attributes"] = list(index.non_key_attributes)
        return spec

    @staticmethod
    def _scaled_properties(index_count: int) -> list[str]:
        paths = ["readCapacity", "writeCapacity"]
        for i in range(index_count):
            paths += [f"globalSecondaryIndexes[{i}].readCapacity", f"globalSecondaryIndexes[{i}].writeCapacity"]
        return paths

    def _auto_scaling(self, table: aws.dynamodb.Table, resource_ids: list[str]) -> None:
        """Target tracking on consumed capacity for the table and each index (the service-linked role is AWS's own)."""
        args = self._args
        for resource_id in resource_ids:
            kind = "index" if "/index/" in resource_id else "table"
            suffix = resource_id.rsplit("/", 1)[-1] if kind == "index" else "table"
            units = (("Read", args.min_read_capacity, args.max_read_capacity), ("Write", args.min_write_capacity, args.max_write_capacity))
            for unit, low, high in units:
                target_name = f"{self._name}-{suffix}-{unit.lower()}"
                target = aws.appautoscaling.Target(
                    target_name,
                    service_namespace="dynamodb",
                    resource_id=resource_id,
                    scalable_dimension=f"dynamodb:{kind}:{unit}CapacityUnits",
                    min_capacity=low,
                    max_capacity=high,
                    tags=resource_tags(target_name, "NoSqlTable", args.tags),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[table]),
                )
                aws.appautoscaling.Policy(
                    target_name,
                    policy_type="TargetTrackingScaling",
                    service_namespace=target.service_namespace,
                    resource_id=target.resource_id,
                    scalable_dimension=target.scalable_dimension,
                    target_tracking_scaling_policy_configuration={
                        "predefined_metric_specification": {"predefined_metric_type": f"DynamoDB{unit}CapacityUtilization"},
                        "target_value": float(args.target_utilization_percent),
                        "scale_in_cooldown": args.scale_in_cooldown_seconds,
                        "scale_out_cooldown": args.scale_out_cooldown_seconds,
                    },
                    opts=pulumi.ResourceOptions(parent=self),
                )
