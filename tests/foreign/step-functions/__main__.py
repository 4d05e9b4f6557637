"""A Step Functions workflow of two Lambda tasks, in the style of Pulumi's aws-py-stepfunctions example.

Imitates the quick-start examples: short `runtime: python` in Pulumi.yaml, inline JSON policies with
json.dumps, the state machine's definition rendered from both functions' ARNs with
`Output.all(...).apply`, and a nightly EventBridge schedule that starts it.

Deliberate risk: the state machine's role may invoke every Lambda function in the account
(`lambda:InvokeFunction` on "*"), as the quick start wrote it; the state machine has no logging.
"""

import json

import pulumi
import pulumi_aws as aws

lambda_role = aws.iam.Role(
    "lambdaRole",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}, "Effect": "Allow"}],
        }
    ),
)

lambda_role_policy = aws.iam.RolePolicy(
    "lambdaRolePolicy",
    role=lambda_role.id,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": "arn:aws:logs:*:*:*",
                }
            ],
        }
    ),
)

sfn_role = aws.iam.Role(
    "sfnRole",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)

sfn_role_policy = aws.iam.RolePolicy(
    "sfnRolePolicy",
    role=sfn_role.id,
    policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": "*"}]}
    ),
)


def function(name: str, body: str) -> aws.lambda_.Function:
    code = f"def handler(event, context):\n    {body}\n"
    return aws.lambda_.Function(
        name,
        role=lambda_role.arn,
        runtime="python3.13",
        handler="index.handler",
        code=pulumi.AssetArchive({"index.py": pulumi.StringAsset(code)}),
    )


validate_fn = function("validateInvoice", "return {**event, 'valid': bool(event.get('total'))}")
post_fn = function("postInvoice", "return {**event, 'posted': event['valid']}")

state_machine = aws.sfn.StateMachine(
    "invoiceStateMachine",
    role_arn=sfn_role.arn,
    definition=pulumi.Output.all(validate_fn.arn, post_fn.arn).apply(
        lambda arns: json.dumps(
            {
                "Comment": "Validate, then post, an invoice",
                "StartAt": "Validate",
                "States": {
                    "Validate": {"Type": "Task", "Resource": arns[0], "Next": "Post"},
                    "Post": {
                        "Type": "Task",
                        "Resource": arns[1],
                        "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2}],
                        "End": True,
                    },
                },
            }
        )
    ),
)

events_role = aws.iam.Role(
    "eventsRole",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        }
    ),
)
aws.iam.RolePolicy(
    "eventsRolePolicy",
    role=events_role.id,
    policy=state_machine.arn.apply(
        lambda arn: json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "states:StartExecution", "Resource": arn}]}
        )
    ),
)

nightly = aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 2 * * ? *)")
aws.cloudwatch.EventTarget("nightlyTarget", rule=nightly.name, arn=state_machine.arn, role_arn=events_role.arn)

pulumi.export("state_machine_arn", state_machine.arn)
