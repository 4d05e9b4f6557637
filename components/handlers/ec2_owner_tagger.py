"""Tag every instance of a RunInstances launch with its owner (book ch. 7.3, fixed).

EventBridge delivers the CloudTrail record of each RunInstances call. The book's function tagged
only `items[0]`; this one tags every instance of the launch, derives the owner from the caller's
identity type (IAM user, assumed-role session, root, federated user, AWS service), and rejects a
malformed event with one structured log line and a clean return: raising would make Lambda retry
the same bad event twice more. AWS errors (throttling, eventual consistency) do raise, so the
asynchronous invocation is retried and the Errors alarm sees persistent failures.
"""

import json
import re
from typing import Any, Mapping, NamedTuple, Optional

import boto3
from botocore.config import Config

OWNER_TAG = "Owner"
MAX_TAG_VALUE = 256
BATCH_SIZE = 500
"""Instances per CreateTags call (the API takes up to 1000 resource IDs; AWS advises smaller batches)."""
INSTANCE_ID = re.compile(r"i-(?:[0-9a-f]{8}|[0-9a-f]{17})")

_ec2: Any = None
"""The EC2 client, created once per execution environment and reused by later invocations."""


class MalformedEventError(ValueError):
    """The event is not a usable CloudTrail RunInstances record; the message says which field is wrong."""


class Launch(NamedTuple):
    """What to tag: the instances of one launch and who launched them."""

    owner: str
    instance_ids: list[str]
    event_id: Optional[str]


def log(level: str, message: str, **fields: Any) -> None:
    """Write one structured log line (CloudWatch Logs keeps stdout lines as they are)."""
    print(json.dumps({"level": level, "message": message, **fields}, default=str), flush=True)


def ec2_client() -> Any:
    """The shared EC2 client, with standard retries for throttling."""
    global _ec2
    if _ec2 is None:
        _ec2 = boto3.client("ec2", config=Config(retries={"mode": "standard", "max_attempts": 5}))
    return _ec2


def _after(value: str, separator: str) -> str:
    return value.rsplit(separator, 1)[-1] if separator in value else ""


def owner_from_identity(identity: Any) -> str:
    """The Owner tag value for a CloudTrail `userIdentity`: who asked for the instances."""
    if not isinstance(identity, Mapping):
        raise MalformedEventError("detail.userIdentity is missing or not an object")
    kind = identity.get("type")
    arn = identity.get("arn") if isinstance(identity.get("arn"), str) else ""
    principal = identity.get("principalId") if isinstance(identity.get("principalId"), str) else ""
    owner = ""
    if kind == "Root":
        owner = "root"
    elif kind == "IAMUser":
        owner = identity.get("userName") or _after(arn, "/")
    elif kind == "AssumedRole":
        # arn:aws:sts::111122223333:assumed-role/RoleName/session-name: the session names the human or service.
        owner = _after(arn, "/") or _after(principal, ":")
    elif kind == "FederatedUser":
        owner = _after(arn, "/") or _after(principal, ":")
    elif kind == "AWSService":
        owner = identity.get("invokedBy") or ""
    if not owner:
        # Any other identity type: the book's rule (the part of the ARN after the first "/"), then the principal.
        owner = arn.split("/", 1)[1] if "/" in arn else arn or principal
    if not isinstance(owner, str) or not owner.strip():
        raise MalformedEventError(f"detail.userIdentity of type {kind!r} names no principal (no arn, userName or principalId)")
    return owner.strip()[:MAX_TAG_VALUE]


def instance_ids_from(detail: Mapping[str, Any]) -> list[str]:
    """Every instance ID of the launch, in order, without duplicates."""
    response = detail.get("responseElements")
    instances = response.get("instancesSet") if isinstance(response, Mapping) else None
    items = instances.get("items") if isinstance(instances, Mapping) else None
    if not isinstance(items, list) or not items:
        raise MalformedEventError("detail.responseElements.instancesSet.items is missing or empty")
    ids: list[str] = []
    for index, item in enumerate(items):
        instance_id = item.get("instanceId") if isinstance(item, Mapping) else None
        if not isinstance(instance_id, str) or not INSTANCE_ID.fullmatch(instance_id):
            where = f"detail.responseElements.instancesSet.items[{index}].instanceId"
            raise MalformedEventError(f"{where} {instance_id!r} is not an instance ID")
        if instance_id not in ids:
            ids.append(instance_id)
    return ids


def parse_event(event: Any) -> Optional[Launch]:
    """The launch to tag, None when the RunInstances call itself failed, or MalformedEventError."""
    if not isinstance(event, Mapping):
        raise MalformedEventError(f"event is a {type(event).__name__}, not an object")
    if event.get("detail-type") != "AWS API Call via CloudTrail":
        raise MalformedEventError(f"detail-type {event.get('detail-type')!r} is not 'AWS API Call via CloudTrail'")
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise MalformedEventError("detail is missing or not an object")
    if detail.get("eventSource") != "ec2.amazonaws.com" or detail.get("eventName") != "RunInstances":
        called = f"{detail.get('eventSource')!r} {detail.get('eventName')!r}"
        raise MalformedEventError(f"detail names {called}, not ec2.amazonaws.com RunInstances")
    if detail.get("errorCode"):
        return None
    owner = owner_from_identity(detail.get("userIdentity"))
    event_id = detail.get("eventID") if isinstance(detail.get("eventID"), str) else None
    return Launch(owner=owner, instance_ids=instance_ids_from(detail), event_id=event_id)


def tag_instances(client: Any, instance_ids: list[str], owner: str) -> None:
    """Set the Owner tag on every instance, in batches."""
    for start in range(0, len(instance_ids), BATCH_SIZE):
        client.create_tags(Resources=instance_ids[start : start + BATCH_SIZE], Tags=[{"Key": OWNER_TAG, "Value": owner}])


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point, invoked by the EventBridge rule on RunInstances."""
    try:
        launch = parse_event(event)
    except MalformedEventError as error:
        event_id = event.get("id") if isinstance(event, Mapping) else None
        log("ERROR", "Rejected malformed event", reason=str(error), eventId=event_id)
        return {"status": "rejected", "reason": str(error)}
    if launch is None:
        detail = event["detail"]
        log("INFO", "Skipped failed RunInstances call", errorCode=detail.get("errorCode"), eventId=detail.get("eventID"))
        return {"status": "skipped", "errorCode": detail.get("errorCode")}
    try:
        tag_instances(ec2_client(), launch.instance_ids, launch.owner)
    except Exception as error:
        log("ERROR", "Tagging failed", owner=launch.owner, instanceIds=launch.instance_ids, eventId=launch.event_id, error=str(error))
        raise
    log("INFO", "Tagged instances", owner=launch.owner, instanceIds=launch.instance_ids, count=len(launch.instance_ids),
        eventId=launch.event_id)
    return {"status": "tagged", "owner": launch.owner, "instanceIds": launch.instance_ids}
