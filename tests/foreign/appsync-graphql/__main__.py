"""A GraphQL API on AppSync over DynamoDB, in the style of Pulumi's aws-py-appsync example.

Imitates the example: the schema read from a .graphql file, an API key for the front end, a service
role for the data source, VTL request/response templates as inline strings, and the GraphQL endpoint
exported from the API's `uris` map in an `apply`.

Deliberate risks: the data source role may do anything to the table (`dynamodb:*`), the table has
no point-in-time recovery, and the API is open to anyone holding the browser's API key.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pulumi
import pulumi_aws as aws

table = aws.dynamodb.Table(
    "guestbook",
    hash_key="id",
    attributes=[aws.dynamodb.TableAttributeArgs(name="id", type="S")],
    billing_mode="PAY_PER_REQUEST",
)

role = aws.iam.Role(
    "iam-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "appsync.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)

policy = aws.iam.Policy(
    "iam-policy",
    policy=table.arn.apply(
        lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": [arn]}]})
    ),
)
aws.iam.RolePolicyAttachment("iam-policy-attachment", role=role.name, policy_arn=policy.arn)

api = aws.appsync.GraphQLApi("key", authentication_type="API_KEY", schema=Path("schema.graphql").read_text())

# AppSync API keys live at most 365 days; the front end rotates it on each deploy.
expires = (datetime.now(timezone.utc) + timedelta(days=30)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
api_key = aws.appsync.ApiKey("key", api_id=api.id, expires=expires)

data_source = aws.appsync.DataSource(
    "tenants-ds",
    name="guestbook",
    api_id=api.id,
    type="AMAZON_DYNAMODB",
    dynamodb_config=aws.appsync.DataSourceDynamodbConfigArgs(table_name=table.name),
    service_role_arn=role.arn,
)

aws.appsync.Resolver(
    "get-resolver",
    api_id=api.id,
    data_source=data_source.name,
    type="Query",
    field="entry",
    request_template='{"version": "2017-02-28", "operation": "GetItem", "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
    response_template="$util.toJson($ctx.result)",
)

aws.appsync.Resolver(
    "sign-resolver",
    api_id=api.id,
    data_source=data_source.name,
    type="Mutation",
    field="sign",
    request_template="""{
    "version": "2017-02-28",
    "operation": "PutItem",
    "key": {"id": $util.dynamodb.toDynamoDBJson($util.autoId())},
    "attributeValues": $util.dynamodb.toMapValuesJson($ctx.args)
}""",
    response_template="$util.toJson($ctx.result)",
)

pulumi.export("endpoint", api.uris.apply(lambda uris: uris["GRAPHQL"]))
pulumi.export("key", api_key.key)
