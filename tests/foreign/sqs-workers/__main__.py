"""Queue workers: SNS fan-out to SQS queues, each drained by a Lambda function with a dead-letter queue.

Imitates the style of a backend team's program built from plain functions: `make_worker(...)` called in a loop,
redrive policies rendered from the dead-letter queue's ARN in an `apply`, queue policies from
`Output.all`, partial batch failures reported to the event source mapping, and `pulumi.export` of
a dict.

Meant to be clean: encrypted queues and topic, TLS-only queue policies, SNS allowed to send only
from its own topic, each function's role limited to its queue and its log group.
"""

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
batch_size = config.get_int("batchSize") or 10
FUNCTION_TIMEOUT = 30

orders_topic = aws.sns.Topic("orders", kms_master_key_id="alias/aws/sns")


@dataclass
class Worker:
    queue: aws.sqs.Queue
    dead_letters: aws.sqs.Queue
    function: aws.lambda_.Function


def tls_only(queue_arn: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def make_worker(name: str, handler_source: str) -> Worker:
    dead_letters = aws.sqs.Queue(f"{name}-dlq", message_retention_seconds=14 * 24 * 3600, sqs_managed_sse_enabled=True)
    queue = aws.sqs.Queue(
        f"{name}-queue",
        visibility_timeout_seconds=6 * FUNCTION_TIMEOUT,
        receive_wait_time_seconds=20,
        sqs_managed_sse_enabled=True,
        redrive_policy=dead_letters.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})),
    )
    aws.sqs.RedriveAllowPolicy(
        f"{name}-dlq-allow",
        queue_url=dead_letters.id,
        redrive_allow_policy=queue.arn.apply(lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})),
    )
    aws.sqs.QueuePolicy(
        f"{name}-dlq-policy",
        queue_url=dead_letters.id,
        policy=dead_letters.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [tls_only(arn)]})),
    )
    aws.sqs.QueuePolicy(
        f"{name}-queue-policy",
        queue_url=queue.id,
        policy=pulumi.Output.all(queue.arn, orders_topic.arn).apply(
            lambda arns: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "OrdersTopicSends",
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": arns[0],
                            "Condition": {"ArnEquals": {"aws:SourceArn": arns[1]}},
                        },
                        tls_only(arns[0]),
                    ],
                }
            )
        ),
    )
    aws.sns.TopicSubscription(f"{name}-subscription", topic=orders_topic.arn, protocol="sqs", endpoint=queue.arn, raw_message_delivery=True)

    logs = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=14)
    role = aws.iam.Role(
        f"{name}-role",
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
            }
        ),
    )
    aws.iam.RolePolicy(
        f"{name}-role-policy",
        role=role.id,
        policy=pulumi.Output.all(queue.arn, logs.arn).apply(
            lambda arns: json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
                            "Resource": arns[0],
                        },
                        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{arns[1]}:*"},
                    ],
                }
            )
        ),
    )
    function = aws.lambda_.Function(
        f"{name}-fn",
        role=role.arn,
        runtime="python3.12",
        handler="worker.handle",
        timeout=FUNCTION_TIMEOUT,
        code=pulumi.AssetArchive({"worker.py": pulumi.StringAsset(handler_source)}),
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=logs.name),
    )
    aws.lambda_.EventSourceMapping(
        f"{name}-trigger",
        event_source_arn=queue.arn,
        function_name=function.arn,
        batch_size=batch_size,
        maximum_batching_window_in_seconds=5,
        function_response_types=["ReportBatchItemFailures"],
    )
    return Worker(queue=queue, dead_letters=dead_letters, function=function)


HANDLER = """
import json

def handle(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            print(json.dumps({"worker": "%s", "order": order.get("id")}))
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""

workers = {name: make_worker(name, HANDLER % name) for name in ("invoicing", "shipping")}

pulumi.export("topic_arn", orders_topic.arn)
pulumi.export("queues", {name: worker.queue.url for name, worker in workers.items()})
