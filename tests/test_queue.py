"""Queue component: SQS with a dead-letter queue, encryption, TLS-only policies, alarms and least-privilege policies."""

import functools
import json
from typing import Any

import pulumi
import pytest

from components.queue import CONSUMER_ACTIONS, PRODUCER_ACTIONS, Queue, QueueArgs, queue_names
from policies.offline.runner import MockRun
from tests.harness import depends_on, is_known, run

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
REDRIVE_ALLOW = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC = "arn:aws:sns:us-east-1:123456789012:ops"
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {},
    "fifo-kms": {"fifo": True, "kms_key_arn": KEY, "max_receive_count": 10, "alarm_topic_arn": TOPIC, "queue_name": "orders"},
}


@functools.cache
def built(config: str, preview: bool) -> MockRun:
    def program() -> None:
        queue = Queue("jobs", QueueArgs(**CONFIGS[config]))
        for output in ("producer_policy", "consumer_policy"):  # known in preview too: any unknown export hides all
            pulumi.export(output, getattr(queue, output))

    return run(program, preview)


def queues(result: MockRun) -> tuple[Any, Any]:
    [dlq] = [q for q in result.of_type(QUEUE) if q.name == "jobs-dlq"]
    [main] = [q for q in result.of_type(QUEUE) if q.name == "jobs"]
    return main, dlq


def test_queue_and_dead_letter_queue_are_encrypted_and_long_polled(preview: bool) -> None:
    result = built("default", preview)
    main, dlq = queues(result)
    assert main.inputs["name"] == "test-test-jobs" and dlq.inputs["name"] == "test-test-jobs-dlq"
    assert main.inputs["sqsManagedSseEnabled"] is True and dlq.inputs["sqsManagedSseEnabled"] is True
    assert (main.inputs["visibilityTimeoutSeconds"], main.inputs["receiveWaitTimeSeconds"]) == (30, 20)
    assert (main.inputs["messageRetentionSeconds"], dlq.inputs["messageRetentionSeconds"]) == (4 * 86400, 14 * 86400)
    assert main.inputs["tags"]["Component"] == "Queue" and dlq.inputs["tags"]["Name"] == "jobs-dlq"
    assert depends_on(result, main, dlq)  # SQS refuses a redrive policy naming a queue that does not exist yet


def test_messages_move_to_the_dead_letter_queue_after_max_receive_count_and_only_from_this_queue(preview: bool) -> None:
    result = built("default", preview)
    main, _ = queues(result)
    assert json.loads(main.inputs["redrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:test-test-jobs-dlq", "maxReceiveCount": 5,
    }
    allow = result.one(REDRIVE_ALLOW)
    assert json.loads(allow.inputs["redriveAllowPolicy"]) == {
        "redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:us-east-1:123456789012:test-test-jobs"],
    }


def test_both_queues_refuse_requests_without_tls(preview: bool) -> None:
    policies = built("default", preview).of_type(QUEUE_POLICY)
    assert len(policies) == 2
    for policy in policies:
        [deny] = json.loads(policy.inputs["policy"])["Statement"]
        assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", ["sqs:*"])
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_alarms_on_the_oldest_message_and_on_any_dead_letter(preview: bool) -> None:
    alarms = {a.inputs["metricName"]: a for a in built("default", preview).of_type(ALARM)}
    oldest, dead = alarms["ApproximateAgeOfOldestMessage"], alarms["ApproximateNumberOfMessagesVisible"]
    assert (oldest.inputs["dimensions"], oldest.inputs["threshold"]) == ({"QueueName": "test-test-jobs"}, 900)
    assert (dead.inputs["dimensions"], dead.inputs["threshold"]) == ({"QueueName": "test-test-jobs-dlq"}, 0)
    for alarm in (oldest, dead):
        assert alarm.inputs["namespace"] == "AWS/SQS" and alarm.inputs["treatMissingData"] == "notBreaching"
        assert len(alarm.inputs["alarmActions"]) == 1


def test_producer_and_consumer_policies_are_least_privilege_and_known_in_preview(preview: bool) -> None:
    outputs = built("default", preview).outputs
    for key, actions in (("producer_policy", PRODUCER_ACTIONS), ("consumer_policy", CONSUMER_ACTIONS)):
        assert is_known(outputs[key])
        [only] = json.loads(outputs[key])["Statement"]
        assert only["Action"] == list(actions) and only["Resource"] == ["arn:aws:sqs:us-east-1:123456789012:test-test-jobs"]
    assert "sqs:SendMessage" not in CONSUMER_ACTIONS and "sqs:ReceiveMessage" not in PRODUCER_ACTIONS


def test_fifo_queue_with_a_customer_key_and_a_given_topic(preview: bool) -> None:
    result = built("fifo-kms", preview)
    main, dlq = queues(result)
    assert (main.inputs["name"], dlq.inputs["name"]) == ("orders.fifo", "orders-dlq.fifo")
    for queue in (main, dlq):
        assert queue.inputs["fifoQueue"] is True and queue.inputs["contentBasedDeduplication"] is True
        assert queue.inputs["kmsMasterKeyId"] == KEY and "sqsManagedSseEnabled" not in queue.inputs
    assert json.loads(main.inputs["redrivePolicy"])["maxReceiveCount"] == 10
    assert not result.of_type("aws:sns/topic:Topic") and all(a.inputs["alarmActions"] == [TOPIC] for a in result.of_type(ALARM))
    consumer = json.loads(result.outputs["consumer_policy"])["Statement"]
    assert consumer[1] == {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KEY], "Sid": "DecryptMessages"}


def test_generated_names_fit_sqs_with_room_for_the_suffixes() -> None:
    main, dlq = queue_names("a-very-long-project-name-" * 3, "production", "images", None, fifo=True)
    assert len(dlq) <= 80 and dlq.endswith("-dlq.fifo") and main.endswith(".fifo")
    assert queue_names("p", "s", "q", "given.fifo", fifo=True) == ("given.fifo", "given-dlq.fifo")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"queue_name": "bad name"}, "queue_name: 'bad name' is not a queue name"),
        ({"queue_name": "x" * 78}, "at most 76 characters"),
        ({"visibility_timeout_seconds": 43201}, "visibility_timeout_seconds: 43201 is outside 0..43200"),
        ({"message_retention_seconds": 30}, "message_retention_seconds: 30 is outside 60..1209600"),
        ({"dead_letter_retention_seconds": 3600}, "dead_letter_retention_seconds: 3600 is shorter than message_retention_seconds"),
        ({"max_receive_count": 0}, "max_receive_count: 0 is outside 1..1000"),
        ({"receive_wait_time_seconds": 21}, "receive_wait_time_seconds: 21 is outside 0..20"),
        ({"max_message_size_bytes": 2_000_000}, "max_message_size_bytes: 2000000 is outside 1024..1048576"),
        ({"kms_key_arn": "alias/aws/sqs"}, "kms_key_arn: 'alias/aws/sqs' is not a KMS key ARN"),
        ({"oldest_message_alarm_seconds": True}, "oldest_message_alarm_seconds: True is outside"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")) as error:
        run(lambda: Queue("jobs", QueueArgs(**overrides)))
    assert error.value.registered == []  # type: ignore[attr-defined]
