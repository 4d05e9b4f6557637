"""DynamoDB tables declared in stack config, in the style of a config-driven platform program.

Imitates teams whose stacks are data, not code: a list of tables read with
`config.require_object`, typed with TypedDicts, one loop that declares each table with its indexes,
TTL and recovery settings, and a cross-account reader role whose policy names each table and its
indexes, assembled with `Output.all(*arns)`.

Meant to be clean: a customer managed key with rotation, point-in-time recovery, deletion protection,
and a read-only policy scoped to the tables.
"""

import json
from typing import TypedDict

import pulumi
import pulumi_aws as aws


class KeySpec(TypedDict):
    name: str
    partitionKey: str


class IndexSpec(KeySpec, total=False):
    sortKey: str


class TableSpec(KeySpec, total=False):
    sortKey: str
    ttlAttribute: str
    indexes: list[IndexSpec]


config = pulumi.Config()
table_specs: list[TableSpec] = config.require_object("tables")
reader_account_id = config.require("readerAccountId")
stack = pulumi.get_stack()

key = aws.kms.Key("tables-key", description=f"customer-data {stack} tables", enable_key_rotation=True)
aws.kms.Alias("tables-key-alias", name=f"alias/customer-data-{stack}", target_key_id=key.key_id)


def declare_table(spec: TableSpec) -> aws.dynamodb.Table:
    indexes = spec.get("indexes", [])
    key_names = {spec["partitionKey"], spec.get("sortKey")} | {i["partitionKey"] for i in indexes} | {i.get("sortKey") for i in indexes}
    return aws.dynamodb.Table(
        spec["name"],
        name=f"{spec['name']}-{stack}",
        billing_mode="PAY_PER_REQUEST",
        hash_key=spec["partitionKey"],
        range_key=spec.get("sortKey"),
        attributes=[aws.dynamodb.TableAttributeArgs(name=n, type="S") for n in sorted(k for k in key_names if k)],
        global_secondary_indexes=[
            aws.dynamodb.TableGlobalSecondaryIndexArgs(
                name=index["name"],
                projection_type="ALL",
                key_schemas=[
                    aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=attribute, key_type=key_type)
                    for attribute, key_type in ((index["partitionKey"], "HASH"), (index.get("sortKey"), "RANGE"))
                    if attribute
                ],
            )
            for index in indexes
        ],
        ttl=aws.dynamodb.TableTtlArgs(attribute_name=spec["ttlAttribute"], enabled=True) if "ttlAttribute" in spec else None,
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=key.arn),
        deletion_protection_enabled=True,
        tags={"DataClassification": "confidential"},
    )


tables = [declare_table(spec) for spec in table_specs]


def reader_policy(arns: list[str]) -> str:
    table_arns = arns[:-1]
    key_arn = arns[-1]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadTables",
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"],
                    "Resource": table_arns + [f"{arn}/index/*" for arn in table_arns],
                },
                {"Sid": "DecryptTables", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn},
            ],
        }
    )


reader = aws.iam.Role(
    "reporting-reader",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{reader_account_id}:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": f"customer-data-{stack}"}},
                }
            ],
        }
    ),
    max_session_duration=3600,
)
aws.iam.RolePolicy(
    "reporting-reader-tables",
    role=reader.id,
    policy=pulumi.Output.all(*[t.arn for t in tables], key.arn).apply(reader_policy),
)

pulumi.export("table_names", [t.name for t in tables])
pulumi.export("reader_role_arn", reader.arn)
