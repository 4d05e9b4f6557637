"""Messaging: encrypted topics and queues, and a dead-letter queue behind every consumer queue."""

import json
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ._props import StackIndex, Verdicts, get, known, present

TOPIC = "aws:sns/topic:Topic"
QUEUE = "aws:sqs/queue:Queue"
REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy"
REDRIVE_ALLOW_POLICY = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"


def validate_topic_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == TOPIC and not present(args.props, "kmsMasterKeyId"):
        report(
            "kmsMasterKeyId is not set: SNS stores messages unencrypted until delivery. Fix: kms_master_key_id=<a "
            "customer-managed key whose policy lets the publishers (e.g. cloudwatch.amazonaws.com) use it>; the "
            "AWS-managed alias/aws/sns key cannot be granted to CloudWatch alarms or other services."
        )


def validate_queue_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != QUEUE or present(args.props, "kmsMasterKeyId"):
        return
    # Since 2022 SQS encrypts new queues with SQS-owned keys (SSE-SQS) unless told not to.
    if get(args.props, "sqsManagedSseEnabled") is False:
        report(
            "sqsManagedSseEnabled is false and no kmsMasterKeyId is set: messages are stored unencrypted. "
            "Fix: drop sqs_managed_sse_enabled=False (SSE-SQS is the default) or set kms_master_key_id."
        )


def _dead_letter_arns(document: Any) -> list[str]:
    """The deadLetterTargetArn of a redrive policy given as a JSON string (or object)."""
    try:
        value = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return []
    target = value.get("deadLetterTargetArn") if isinstance(value, dict) else None
    return [target] if isinstance(target, str) else []


def validate_dead_letter_queue(args: StackValidationArgs, report: ReportViolation) -> None:
    stack = StackIndex(args.resources)
    verdicts = Verdicts()
    queues = stack.of_type(QUEUE)
    by_arn = {known(q.props, "arn"): q for q in queues}
    dead_letter: set[str] = set()
    redriven: set[str] = set()
    for source in (*queues, *stack.of_type(REDRIVE_POLICY)):
        document = known(source.props, "redrivePolicy")
        if document is None:
            continue
        owner = [source] if source.resource_type == QUEUE else stack.refs(source, "queueUrl", types=(QUEUE,))
        redriven.update(q.urn for q in owner)
        targets = [by_arn[arn] for arn in _dead_letter_arns(document) if arn in by_arn]
        targets += [r for r in (getattr(source, "property_dependencies", None) or {}).get("redrivePolicy", []) if r.resource_type == QUEUE]
        dead_letter.update(q.urn for q in targets)
    for allow in stack.of_type(REDRIVE_ALLOW_POLICY):
        dead_letter.update(q.urn for q in stack.refs(allow, "queueUrl", types=(QUEUE,)))

    def judge(queue: Any) -> None:
        if queue.urn in redriven or queue.urn in dead_letter or get(queue.props, "redriveAllowPolicy"):
            return
        report(
            "It has no dead-letter queue: a message its consumer cannot process is retried until it expires, blocking "
            "or hiding the failure. Fix: a second queue as dead-letter target and redrive_policy="
            'json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}) (or aws.sqs.RedrivePolicy).',
            queue.urn,
        )

    verdicts.each(queues, judge)
    verdicts.finish()


POLICIES = [
    ResourceValidationPolicy(
        name="sns-encrypted",
        description="SNS topics encrypt messages at rest with a KMS key.",
        validate=validate_topic_encrypted,
        remediation_steps="Set kms_master_key_id to a customer-managed key.",
    ),
    ResourceValidationPolicy(
        name="sqs-encrypted",
        description="SQS queues keep server-side encryption (SSE-SQS, AWS's default, or a KMS key).",
        validate=validate_queue_encrypted,
        remediation_steps="Remove sqs_managed_sse_enabled=False or set kms_master_key_id.",
    ),
    StackValidationPolicy(
        name="sqs-dead-letter-queue",
        description="Every SQS queue that is not itself a dead-letter queue redrives failed messages to one.",
        validate=validate_dead_letter_queue,
        enforcement_level=EnforcementLevel.ADVISORY,
        remediation_steps="Add a dead-letter queue and a redrive policy with a maxReceiveCount.",
    ),
]
