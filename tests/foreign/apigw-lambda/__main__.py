"""A REST API backed by Lambda, in the style of a platform team's small ComponentResource library.

Imitates an internal library: a typed args dataclass, a `ComponentResource` whose
children are parented to it, `register_outputs`, the Lambda permission's source ARN built from the
API's `execution_arn` in an `apply`, and access logs through the account-level CloudWatch role.

Meant to be clean: IAM-signed methods, a permission scoped to one method and path, log groups with
retention, the function's secret passed by ARN, not by value.
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

HANDLER = """
import json, os

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"orders": [], "source": os.environ["SECRET_ARN"][-6:]})}
"""


def assume_role(service: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    )


@dataclass
class OrdersApiArgs:
    stage_name: str
    log_retention_days: int


class OrdersApi(pulumi.ComponentResource):
    """GET /orders on an IAM-signed REST API, served by a Python Lambda function."""

    url: pulumi.Output[str]

    def __init__(self, name: str, args: OrdersApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("acme:api:OrdersApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        secret = aws.secretsmanager.Secret(f"{name}-upstream-token", description="Token for the upstream ERP", opts=child)

        role = aws.iam.Role(f"{name}-fn-role", assume_role_policy=assume_role("lambda.amazonaws.com"), opts=child)
        aws.iam.RolePolicyAttachment(
            f"{name}-fn-basic",
            role=role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-fn-secret",
            role=role.id,
            policy=secret.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": arn}],
                    }
                )
            ),
            opts=child,
        )

        fn_logs = aws.cloudwatch.LogGroup(f"{name}-fn-logs", retention_in_days=args.log_retention_days, opts=child)
        function = aws.lambda_.Function(
            f"{name}-fn",
            role=role.arn,
            runtime="python3.12",
            handler="index.handler",
            architectures=["arm64"],
            timeout=10,
            code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(HANDLER)}),
            environment=aws.lambda_.FunctionEnvironmentArgs(variables={"SECRET_ARN": secret.arn, "LOG_LEVEL": "INFO"}),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=fn_logs.name),
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            opts=child,
        )

        api = aws.apigateway.RestApi(
            f"{name}-api",
            description="Orders",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            opts=child,
        )
        orders = aws.apigateway.Resource(f"{name}-orders", rest_api=api.id, parent_id=api.root_resource_id, path_part="orders", opts=child)
        method = aws.apigateway.Method(
            f"{name}-get-orders", rest_api=api.id, resource_id=orders.id, http_method="GET", authorization="AWS_IAM", opts=child
        )
        integration = aws.apigateway.Integration(
            f"{name}-get-orders",
            rest_api=api.id,
            resource_id=orders.id,
            http_method=method.http_method,
            integration_http_method="POST",
            type="AWS_PROXY",
            uri=function.invoke_arn,
            opts=child,
        )

        # Only this API's GET /orders, in any stage, may invoke the function.
        aws.lambda_.Permission(
            f"{name}-apigw-invoke",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/GET/orders"),
            opts=child,
        )

        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=api.id,
            triggers={"redeployment": pulumi.Output.all(orders.id, method.id, integration.id).apply(lambda ids: ",".join(ids))},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[integration]),
        )

        access_logs = aws.cloudwatch.LogGroup(f"{name}-access-logs", retention_in_days=args.log_retention_days, opts=child)
        stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=api.id,
            deployment=deployment.id,
            stage_name=args.stage_name,
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn,
                format=json.dumps({"requestId": "$context.requestId", "status": "$context.status", "caller": "$context.identity.caller"}),
            ),
            opts=child,
        )

        self.url = pulumi.Output.concat(stage.invoke_url, "/orders")
        self.register_outputs({"url": self.url})


# API Gateway writes access logs through one role per account and region.
cloudwatch_role = aws.iam.Role("apigw-cloudwatch", assume_role_policy=assume_role("apigateway.amazonaws.com"))
aws.iam.RolePolicyAttachment(
    "apigw-cloudwatch",
    role=cloudwatch_role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
)
account = aws.apigateway.Account("apigw-account", cloudwatch_role_arn=cloudwatch_role.arn)

config = pulumi.Config()
api = OrdersApi(
    config.require("apiName"),
    OrdersApiArgs(stage_name="v1", log_retention_days=config.get_int("logRetentionDays") or 30),
    opts=pulumi.ResourceOptions(depends_on=[account]),
)
pulumi.export("url", api.url)
