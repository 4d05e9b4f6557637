"""Queue: an SQS queue with a dead-letter queue, encrypted, TLS only, alarmed, with producer and consumer policies.

Book chapter 15 (decoupling with SQS: the URL2PNG queue, long polling, a message deleted only after it
was processed) and chapter 16 (a dead-letter queue catches the messages that fail again and again).
"""

import json
import re
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args
from .alarms import AlarmSpec, create_alarms
from .iam import Statement, policy_document, statement
from .lambda_function import AwsContext, aws_context, check_int_range, physical_name
from .lambda_function import alarm_topic_arn as alarm_topic
from .tags import resource_tags

MAX_QUEUE_NAME = 80
"""SQS queue names are 1 to 80 letters, digits, - and _ (a FIFO queue's name ends in .fifo, counted too)."""
FIFO_SUFFIX = ".fifo"
DLQ_SUFFIX = "-dlq"
FOUR_DAYS = 4 * 24 * 3600
FOURTEEN_DAYS = 14 * 24 * 3600
PRODUCER_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
"""What a producer needs: send, and look the queue up."""
CONSUMER_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
)
"""What a consumer needs: receive, delete after success, extend or shorten the visibility of a message it works on."""
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_KMS_KEY = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/\S+")


@dataclass(frozen=True)
class QueueArgs:
    """Inputs of the Queue component; every field has a documented default."""

    queue_name: Optional[str] = None
    """Name of the queue (default <project>-<stack>-<name>); the dead-letter queue adds -dlq; FIFO queues end in .fifo."""
    fifo: Optional[bool] = False
    """A FIFO queue with content-based deduplication instead of a standard queue (default false)."""
    visibility_timeout_seconds: Optional[int] = 30
    """Seconds a received message stays invisible to other consumers, 0 to 43200; longer than one processing run (default 30)."""
    message_retention_seconds: Optional[int] = FOUR_DAYS
    """Seconds the queue keeps an unprocessed message, 60 to 1209600 (default 345600, four days, as SQS)."""
    dead_letter_retention_seconds: Optional[int] = FOURTEEN_DAYS
    """Seconds the dead-letter queue keeps a message, at least message_retention_seconds, up to 1209600 (default 14 days)."""
    max_receive_count: Optional[int] = 5
    """Receives after which a message moves to the dead-letter queue, 1 to 1000 (default 5; the book's Imagery uses 10)."""
    receive_wait_time_seconds: Optional[int] = 20
    """Long polling: seconds a receive waits for a message, 0 to 20 (default 20, fewest empty receives)."""
    delay_seconds: Optional[int] = 0
    """Seconds every new message stays invisible, 0 to 900 (default 0)."""
    max_message_size_bytes: Optional[int] = 262144
    """Largest message accepted, 1024 to 1048576 bytes (default 262144, 256 KiB)."""
    kms_key_arn: Optional[str] = None
    """Customer-managed KMS key to encrypt messages with (default none: SQS-managed encryption, SSE-SQS)."""
    oldest_message_alarm_seconds: Optional[int] = 900
    """Alarm when the oldest message waits longer than this, 60 to 1209600 seconds (default 900: consumers are behind)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the alarms (default: an encrypted topic created by the component)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def check_queue_name(value: Optional[str], fifo: bool, argument: str) -> None:
    """A name SQS accepts for the queue and for its dead-letter queue (which adds -dlq)."""
    if value is None:
        return
    base = value.removesuffix(FIFO_SUFFIX) if fifo else value
    longest = len(base) + len(DLQ_SUFFIX) + (len(FIFO_SUFFIX) if fifo else 0)
    if not isinstance(value, str) or not _NAME.fullmatch(base) or longest > MAX_QUEUE_NAME:
        raise ValueError(
            f"{argument}: {value!r} is not a queue name; use letters, digits, - and _ with room for -dlq "
            f"(at most {MAX_QUEUE_NAME - len(DLQ_SUFFIX) - (len(FIFO_SUFFIX) if fifo else 0)} characters)"
        )


def validate_queue_args(args: QueueArgs) -> None:
    """Refuse inputs SQS would reject, or that would lose messages, naming the argument and the value."""
    check_queue_name(args.queue_name, bool(args.fifo), "queue_name")
    check_int_range(args.visibility_timeout_seconds, "visibility_timeout_seconds", 0, 43200, "seconds")
    check_int_range(args.message_retention_seconds, "message_retention_seconds", 60, FOURTEEN_DAYS, "seconds")
    check_int_range(args.dead_letter_retention_seconds, "dead_letter_retention_seconds", 60, FOURTEEN_DAYS, "seconds")
    if args.dead_letter_retention_seconds < args.message_retention_seconds and not args.fifo:
        # A standard queue's message keeps its first enqueue time in the dead-letter queue.
        raise ValueError(
            f"dead_letter_retention_seconds: {args.dead_letter_retention_seconds} is shorter than message_retention_seconds "
            f"({args.message_retention_seconds}); a dead-lettered message keeps its enqueue time and would expire before anyone looks"
        )
    check_int_range(args.max_receive_count, "max_receive_count", 1, 1000, "receives")
    check_int_range(args.receive_wait_time_seconds, "receive_wait_time_seconds", 0, 20, "seconds")
    check_int_range(args.delay_seconds, "delay_seconds", 0, 900, "seconds")
    check_int_range(args.max_message_size_bytes, "max_message_size_bytes", 1024, 1048576, "bytes")
    check_int_range(args.oldest_message_alarm_seconds, "oldest_message_alarm_seconds", 60, FOURTEEN_DAYS, "seconds")
    check_kms_key_arn(args.kms_key_arn, "kms_key_arn")


def check_kms_key_arn(value: Optional[str], argument: str) -> None:
    """A KMS key or alias ARN (None for the service's own encryption)."""
    if value is not None and not (isinstance(value, str) and _KMS_KEY.fullmatch(value)):
        raise ValueError(f"{argument}: {value!r} is not a KMS key ARN (expected arn:aws:kms:<region>:<account>:key/<id>)")


def queue_names(project: str, stack: str, name: str, queue_name: Optional[str], fifo: bool) -> tuple[str, str]:
    """(queue name, dead-letter queue name): the given name or <project>-<stack>-<name>, FIFO names ending in .fifo."""
    suffix = FIFO_SUFFIX if fifo else ""
    room = MAX_QUEUE_NAME - len(DLQ_SUFFIX) - len(suffix)
    base = queue_name.removesuffix(FIFO_SUFFIX) if queue_name else physical_name(project, stack, name, max_length=room)
    return f"{base}{suffix}", f"{base}{DLQ_SUFFIX}{suffix}"


def queue_arn(ctx: AwsContext, queue_name: str) -> str:
    """ARN of a queue, known before it exists (policies built from it are judged in preview too)."""
    return f"arn:{ctx.partition}:sqs:{ctx.region}:{ctx.account}:{queue_name}"


def _key_statements(kms_key_arn: Optional[str], actions: list[str], sid: str) -> list[Statement]:
    return [statement(actions, [kms_key_arn], sid=sid)] if kms_key_arn else []


def producer_statements(queue_arn: str, kms_key_arn: Optional[str] = None) -> list[Statement]:
    """IAM statements that let a principal send to one queue (and encrypt with its key)."""
    return [
        statement(list(PRODUCER_ACTIONS), [queue_arn], sid="SendToQueue"),
        *_key_statements(kms_key_arn, ["kms:GenerateDataKey", "kms:Decrypt"], "EncryptMessages"),
    ]


def consumer_statements(queue_arn: str, kms_key_arn: Optional[str] = None) -> list[Statement]:
    """IAM statements that let a principal receive and delete the messages of one queue (and decrypt them)."""
    return [
        statement(list(CONSUMER_ACTIONS), [queue_arn], sid="ConsumeFromQueue"),
        *_key_statements(kms_key_arn, ["kms:Decrypt"], "DecryptMessages"),
    ]


def deny_insecure_transport(queue_arn: str) -> str:
    """Queue policy refusing every request that does not use TLS."""
    deny = statement(
        ["sqs:*"], [queue_arn], sid="DenyInsecureTransport", effect="Deny", condition={"Bool": {"aws:SecureTransport": "false"}}
    ) | {"Principal": "*"}
    return policy_document([deny])


class Queue(pulumi.ComponentResource):
    """An encrypted SQS queue with a dead-letter queue, redrive, TLS-only policies, alarms and least-privilege policies."""

    queue_url: pulumi.Output[str]
    """URL of the queue (what producers and consumers call)."""
    queue_arn: pulumi.Output[str]
    """ARN of the queue."""
    queue_name: pulumi.Output[str]
    """Name of the queue (the QueueName dimension of its metrics)."""
    dead_letter_queue_url: pulumi.Output[str]
    """URL of the dead-letter queue: inspect it, then redrive the messages once the cause is fixed."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the dead-letter queue."""
    producer_policy: pulumi.Output[str]
    """IAM policy document (JSON) allowing to send messages to the queue; attach it to the producer's role."""
    consumer_policy: pulumi.Output[str]
    """IAM policy document (JSON) allowing to receive, change and delete the queue's messages; attach it to the consumer's role."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic the alarms notify."""

    def __init__(self, name: str, args: QueueArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, QueueArgs)
        validate_queue_args(args)
        super().__init__("awsinaction:index:Queue", name, None, opts)
        component, child = "Queue", pulumi.ResourceOptions(parent=self)
        fifo = bool(args.fifo)
        main_name, dlq_name = queue_names(pulumi.get_project(), pulumi.get_stack(), name, args.queue_name, fifo)
        ctx = aws_context()
        main_arn, dlq_arn = queue_arn(ctx, main_name), queue_arn(ctx, dlq_name)
        encryption: dict = {"kms_master_key_id": args.kms_key_arn} if args.kms_key_arn else {"sqs_managed_sse_enabled": True}
        fifo_settings: dict = {"fifo_queue": True, "content_based_deduplication": True} if fifo else {}

        dead_letters = aws.sqs.Queue(
            f"{name}-dlq",
            name=dlq_name,
            message_retention_seconds=args.dead_letter_retention_seconds,
            tags=resource_tags(f"{name}-dlq", component, args.tags),
            opts=child,
            **encryption,
            **fifo_settings,
        )
        queue = aws.sqs.Queue(
            name,
            name=main_name,
            visibility_timeout_seconds=args.visibility_timeout_seconds,
            message_retention_seconds=args.message_retention_seconds,
            receive_wait_time_seconds=args.receive_wait_time_seconds,
            delay_seconds=args.delay_seconds,
            max_message_size=args.max_message_size_bytes,
            redrive_policy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": args.max_receive_count}),
            tags=resource_tags(name, component, args.tags),
            # The redrive policy names the dead-letter queue by ARN: SQS refuses it until that queue exists.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[dead_letters]),
            **encryption,
            **fifo_settings,
        )
        # Only this queue may move messages into the dead-letter queue (and redrive them back).
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq",
            queue_url=dead_letters.url,
            redrive_allow_policy=json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [main_arn]}),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[queue]),
        )
        for resource_name, target, arn in ((name, queue, main_arn), (f"{name}-dlq", dead_letters, dlq_arn)):
            aws.sqs.QueuePolicy(resource_name, queue_url=target.url, policy=deny_insecure_transport(arn), opts=child)

        topic_arn = alarm_topic(self, name, component, args.alarm_topic_arn, None, args.tags)
        create_alarms(name, component, args.tags, self, "AWS/SQS", {"QueueName": main_name}, [oldest_message_alarm(args)], topic_arn)
        create_alarms(f"{name}-dlq", component, args.tags, self, "AWS/SQS", {"QueueName": dlq_name}, [DEAD_LETTER_ALARM], topic_arn)

        kms_key = args.kms_key_arn
        self.queue_url = queue.url
        self.queue_arn = queue.arn
        self.queue_name = queue.name
        self.dead_letter_queue_url = dead_letters.url
        self.dead_letter_queue_arn = dead_letters.arn
        # Built from the ARN known before the queue exists: policies are judged in preview too (IAM accepts future ARNs).
        self.producer_policy = pulumi.Output.from_input(policy_document(producer_statements(main_arn, kms_key)))
        self.consumer_policy = pulumi.Output.from_input(policy_document(consumer_statements(main_arn, kms_key)))
        self.alarm_topic_arn = pulumi.Output.from_input(topic_arn)
        self.register_outputs({output: getattr(self, output) for output in type(self).__annotations__})


def oldest_message_alarm(args: QueueArgs) -> AlarmSpec:
    """The queue's alarm: its oldest message has waited too long, so consumers are missing or too slow."""
    return AlarmSpec(
        "oldest-message",
        "ApproximateAgeOfOldestMessage",
        "GreaterThanThreshold",
        args.oldest_message_alarm_seconds,
        "Maximum",
        300,
        1,
        f"A message has waited more than {args.oldest_message_alarm_seconds} s: consumers are down or too few (book ch. 15)",
        treat_missing_data="notBreaching",
    )


DEAD_LETTER_ALARM = AlarmSpec(
    "messages",
    "ApproximateNumberOfMessagesVisible",
    "GreaterThanThreshold",
    0,
    "Maximum",
    300,
    1,
    "A message failed processing max_receive_count times and waits in the dead-letter queue (book ch. 16)",
    treat_missing_data="notBreaching",
)
"""The dead-letter queue's alarm: any message in it needs a human."""
