"""AWS in Action, chapter 15: URL2PNG. A producer queues URLs; a worker renders each page to a PNG in S3.

The book's worker was a Node.js process polling the queue. Here the queue invokes a Lambda function
(components/handlers/url2png.py) through an event source mapping with partial batch responses: a job
is deleted only when its PNG is stored, a failing one is retried and then dead-lettered.

    pulumi up
    export URL2PNG_QUEUE_URL=$(pulumi stack output queueUrl) URL2PNG_BUCKET=$(pulumi stack output bucketName)
    python url2png.py submit https://aws.amazon.com     # prints the job id
    python url2png.py get <id>                          # downloads <id>.png
"""

from typing import Optional

import pulumi
import pulumi_aws as aws
from awsinaction.config_errors import config_errors, config_int
from awsinaction.iam import Statement, statement
from awsinaction.lambda_function import aws_context, check_email, check_int_range, function_alarms, physical_name, python_function
from awsinaction.queue import Queue, QueueArgs, consumer_statements
from awsinaction.secure_bucket import secure_bucket
from awsinaction.tags import resource_tags

FUNCTION_TIMEOUT_SECONDS = 20
"""Fetching a page (10 s at most), drawing and storing its PNG."""
BATCH_SIZE = 5


class Url2PngWorker(pulumi.ComponentResource):
    """The results bucket and the Lambda worker the queue feeds."""

    def __init__(self, name: str, queue: Queue, result_retention_days: int, log_retention_days: int,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("ch15:index:Url2PngWorker", name, None, opts)
        component = "Url2PngWorker"
        results = secure_bucket(f"{name}-results", tags=resource_tags(f"{name}-results", component), parent=self,
                                expire_after_days=result_retention_days, force_destroy=True)

        def worker_statements(values: list[str]) -> list[Statement]:
            bucket_arn, queue_arn = values
            return [statement(["s3:PutObject"], [f"{bucket_arn}/*"], sid="StorePngs"), *consumer_statements(queue_arn)]

        function_name = physical_name(pulumi.get_project(), pulumi.get_stack(), name)
        worker = python_function(
            self, name, component,
            ctx=aws_context(),
            function_name=function_name,
            module="url2png",
            shared_modules=["png_image"],
            description="Renders queued URLs to PNGs in S3 (AWS in Action, chapter 15)",
            statements=pulumi.Output.all(results.bucket.arn, queue.queue_arn).apply(worker_statements),
            environment={"BUCKET": results.bucket.bucket},
            timeout=FUNCTION_TIMEOUT_SECONDS,
            memory_size=256,
            log_retention_days=log_retention_days,
            tags=None,
        )
        aws.lambda_.EventSourceMapping(
            f"{name}-jobs",
            event_source_arn=queue.queue_arn,
            function_name=worker.function.arn,
            batch_size=BATCH_SIZE,
            # Only the failed jobs of a batch return to the queue.
            function_response_types=["ReportBatchItemFailures"],
            tags=resource_tags(f"{name}-jobs", component),
            opts=pulumi.ResourceOptions(parent=self),
        )
        function_alarms(self, name, component, function_name, queue.alarm_topic_arn, None)
        self.bucket_name = results.bucket.bucket
        self.function_name = worker.function.name
        self.register_outputs({"bucket_name": self.bucket_name, "function_name": self.function_name})


config = pulumi.Config()


email = config.get("alarmEmail") or None
visibility = config_int(config, "visibilityTimeoutSeconds", 120)
keys = {"max_receive_count": "maxReceiveCount", "visibility_timeout_seconds": "visibilityTimeoutSeconds",
        "result_retention_days": "resultRetentionDays", "log_retention_days": "logRetentionDays", "alarm_email": "alarmEmail"}
with config_errors(keys):
    check_email(email, "alarm_email")
    # AWS asks for at least six times the function's timeout, so a retrying batch never shows its jobs twice.
    check_int_range(visibility, "visibility_timeout_seconds", 6 * FUNCTION_TIMEOUT_SECONDS, 43200, "seconds")
    retention = config_int(config, "resultRetentionDays", 30)
    check_int_range(retention, "result_retention_days", 1, 3650, "days")
    log_days = config_int(config, "logRetentionDays", 30)
    queue = Queue("url2png", QueueArgs(max_receive_count=config_int(config, "maxReceiveCount", 3), visibility_timeout_seconds=visibility))
    worker = Url2PngWorker("url2png-worker", queue, retention, log_days)
if email:
    aws.sns.TopicSubscription("alarm-email", topic=queue.alarm_topic_arn, protocol="email", endpoint=email)

pulumi.export("queueUrl", queue.queue_url)
pulumi.export("deadLetterQueueUrl", queue.dead_letter_queue_url)
pulumi.export("bucketName", worker.bucket_name)
pulumi.export("functionName", worker.function_name)
pulumi.export("producerPolicy", queue.producer_policy)
