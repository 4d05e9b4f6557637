"""Imagery (book ch. 16): the fault-tolerant image service's state machine, its queue worker, and the entry point.

Each image is an item in DynamoDB that moves created -> uploaded -> processed. Every change is a
conditional update on the item's version (optimistic locking): two servers or workers never both
win, and a lost race is detected instead of overwriting. The server stores an upload in S3, marks
the item uploaded and sends {"imageId", "desiredState": "processed"} to the queue. A worker receives
the message, applies the sepia filter and marks the item processed; it deletes the message only then.
Processing is idempotent: a message for an image that is already processed is simply deleted. A
message that fails (a corrupt upload, an unknown image) comes back after a growing delay and, after
the queue's max_receive_count tries, SQS moves it to the dead-letter queue.

    python3 imagery.py server    # HTTP on IMAGERY_PORT (see imagery_web.py)
    python3 imagery.py worker    # long-polls the queue until stopped

Environment: IMAGERY_TABLE, IMAGERY_UPLOAD_BUCKET, IMAGERY_PROCESSED_BUCKET, IMAGERY_QUEUE_URL,
IMAGERY_SITE_URL (where processed images are served), optional IMAGERY_PORT (8080),
IMAGERY_RETRY_BASE_SECONDS (10) and IMAGERY_RETRY_MAX_SECONDS (900).
"""

import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

import boto3
from botocore.exceptions import ClientError

try:  # installed flat on the instances
    import png_image
except ImportError:  # imported from the components package (tests, tools)
    from . import png_image

CREATED, UPLOADED, PROCESSED = "created", "uploaded", "processed"
"""The states of an image, in order."""
UPLOAD_PREFIX = "upload/"
PROCESSED_PREFIX = "processed/"


class ImageNotFoundError(LookupError):
    """No image with this id."""


class ConflictError(RuntimeError):
    """The image is not in a state that allows the change, or someone changed it first."""


class PoisonedMessageError(ValueError):
    """A message that can never be processed; it fails until SQS moves it to the dead-letter queue."""


def log(level: str, message: str, **fields: Any) -> None:
    """One structured log line (the CloudWatch agent ships stdout through journald)."""
    print(json.dumps({"level": level, "message": message, **fields}, default=str), flush=True)


def check_id(image_id: str) -> str:
    """The canonical form of an image id; anything but a UUID is refused (ids become S3 keys)."""
    try:
        return str(uuid.UUID(str(image_id)))
    except ValueError:
        raise ImageNotFoundError(f"{image_id!r} is not an image id") from None


@dataclass
class Imagery:
    """The service's AWS resources and the operations on them."""

    table: str
    upload_bucket: str
    processed_bucket: str
    queue_url: str
    site_url: str = ""
    dynamodb: Any = None
    s3: Any = None
    sqs: Any = None
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        self.dynamodb = self.dynamodb or boto3.client("dynamodb")
        self.s3 = self.s3 or boto3.client("s3")
        self.sqs = self.sqs or boto3.client("sqs")

    @classmethod
    def from_environment(cls, environ: Optional[dict[str, str]] = None) -> "Imagery":
        """The service configured by the IMAGERY_* variables."""
        env = os.environ if environ is None else environ
        return cls(
            table=env["IMAGERY_TABLE"],
            upload_bucket=env["IMAGERY_UPLOAD_BUCKET"],
            processed_bucket=env["IMAGERY_PROCESSED_BUCKET"],
            queue_url=env["IMAGERY_QUEUE_URL"],
            site_url=env.get("IMAGERY_SITE_URL", "").rstrip("/"),
        )

    # The item, as DynamoDB stores it and as the API returns it.

    def get(self, image_id: str) -> dict[str, Any]:
        """The image's item as plain JSON values; raises ImageNotFoundError."""
        image_id = check_id(image_id)
        item = self.dynamodb.get_item(TableName=self.table, Key={"id": {"S": image_id}}, ConsistentRead=True).get("Item")
        if not item:
            raise ImageNotFoundError(f"image {image_id} does not exist")
        image = {key: (int(value["N"]) if "N" in value else value["S"]) for key, value in item.items()}
        if image.get("processedS3Key") and self.site_url:
            image["processedImage"] = f"{self.site_url}/{image['processedS3Key']}"
        return image

    def create(self) -> dict[str, Any]:
        """A new image in state created (version 0)."""
        image_id = str(uuid.uuid4())
        item = {"id": {"S": image_id}, "version": {"N": "0"}, "state": {"S": CREATED}, "created": {"N": str(int(self.clock()))}}
        self.dynamodb.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(id)")
        return self.get(image_id)

    def _advance(self, image: dict[str, Any], new_state: str, allowed: tuple[str, ...], key_name: str, key: str) -> None:
        """Move the image to `new_state` if nobody changed it since it was read (optimistic locking)."""
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"id": {"S": image["id"]}},
                UpdateExpression=f"SET #state = :new, version = :next, {key_name} = :key",
                ConditionExpression="attribute_exists(id) AND version = :version AND #state IN (" + ", ".join(
                    f":allowed{i}" for i in range(len(allowed))
                ) + ")",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={
                    ":new": {"S": new_state},
                    ":next": {"N": str(image["version"] + 1)},
                    ":version": {"N": str(image["version"])},
                    ":key": {"S": key},
                    **{f":allowed{i}": {"S": state} for i, state in enumerate(allowed)},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ConflictError(f"image {image['id']} changed or is not in {'/'.join(allowed)}") from None
            raise

    def upload(self, image_id: str, body: bytes) -> dict[str, Any]:
        """Store the raw upload, mark the image uploaded and queue its processing."""
        image = self.get(image_id)
        if image["state"] not in (CREATED, UPLOADED):
            raise ConflictError(f"image {image['id']} is {image['state']}; uploads are allowed while created or uploaded")
        if not png_image.is_png(body):
            raise ValueError("only PNG images are accepted")
        key = f"{UPLOAD_PREFIX}{image['id']}-v{image['version'] + 1}"
        self.s3.put_object(Bucket=self.upload_bucket, Key=key, Body=body, ContentType="image/png")
        self._advance(image, UPLOADED, (CREATED, UPLOADED), "rawS3Key", key)
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps({"imageId": image["id"], "desiredState": PROCESSED}))
        return self.get(image["id"])

    def process(self, body: str) -> dict[str, Any]:
        """Apply the message: make the image processed. Idempotent; raises for a message that cannot succeed (yet)."""
        try:
            message = json.loads(body)
            image_id, desired = message["imageId"], message["desiredState"]
        except (TypeError, ValueError, KeyError):
            raise PoisonedMessageError(f"not an Imagery message: {body[:200]!r}") from None
        if desired != PROCESSED:
            raise PoisonedMessageError(f"unknown desiredState {desired!r}")
        try:
            image = self.get(image_id)
        except ImageNotFoundError as error:
            raise PoisonedMessageError(str(error)) from None
        if image["state"] == PROCESSED:
            return image  # a redelivered message: the work is done already
        if image["state"] != UPLOADED:
            raise ConflictError(f"image {image['id']} is {image['state']}, not uploaded yet")
        raw = self.s3.get_object(Bucket=self.upload_bucket, Key=image["rawS3Key"])["Body"].read()
        try:
            result = png_image.encode(png_image.sepia(png_image.decode(raw)))
        except png_image.PngError as error:
            raise PoisonedMessageError(f"image {image['id']}: {error}") from None
        # The key depends only on the item's version: a redelivery overwrites the same object.
        key = f"{PROCESSED_PREFIX}{image['id']}-v{image['version']}.png"
        self.s3.put_object(Bucket=self.processed_bucket, Key=key, Body=result, ContentType="image/png")
        try:
            self._advance(image, PROCESSED, (UPLOADED, PROCESSED), "processedS3Key", key)
        except ConflictError:
            if self.get(image["id"])["state"] != PROCESSED:
                raise
        return self.get(image["id"])


def retry_delay(receive_count: int, base: int, maximum: int) -> int:
    """Seconds until a failed message is visible again: doubling with every receive, capped (at most 12 hours)."""
    return min(maximum, base * 2 ** max(0, receive_count - 1), 43200)


def poll_once(imagery: Imagery, wait_seconds: int = 20, retry_base: int = 10, retry_max: int = 900) -> int:
    """Receive at most one message and handle it; returns how many messages were received (0 or 1)."""
    response = imagery.sqs.receive_message(
        QueueUrl=imagery.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=wait_seconds, AttributeNames=["ApproximateReceiveCount"]
    )
    for message in response.get("Messages", []):
        count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        try:
            image = imagery.process(message["Body"])
        except Exception as error:  # the queue retries it, then moves it to the dead-letter queue
            delay = retry_delay(count, retry_base, retry_max)
            log("error", "processing failed", messageId=message["MessageId"], receiveCount=count, retryInSeconds=delay,
                error=f"{type(error).__name__}: {error}")
            handle = message["ReceiptHandle"]
            imagery.sqs.change_message_visibility(QueueUrl=imagery.queue_url, ReceiptHandle=handle, VisibilityTimeout=delay)
            continue
        imagery.sqs.delete_message(QueueUrl=imagery.queue_url, ReceiptHandle=message["ReceiptHandle"])
        log("info", "processed", imageId=image["id"], version=image["version"])
    return len(response.get("Messages", []))


def run_worker(imagery: Imagery, environ: Optional[dict[str, str]] = None) -> None:
    """Poll until the process is stopped (systemd restarts it after a crash)."""
    env = os.environ if environ is None else environ
    base, maximum = int(env.get("IMAGERY_RETRY_BASE_SECONDS", "10")), int(env.get("IMAGERY_RETRY_MAX_SECONDS", "900"))
    log("info", "worker started", queue=imagery.queue_url)
    while True:
        poll_once(imagery, retry_base=base, retry_max=maximum)


def main(argv: list[str]) -> int:
    """`imagery.py server` or `imagery.py worker`."""
    if len(argv) != 1 or argv[0] not in ("server", "worker"):
        print("usage: imagery.py server|worker", file=sys.stderr)
        return 2
    imagery = Imagery.from_environment()
    if argv[0] == "worker":
        run_worker(imagery)
        return 0
    try:
        import imagery_web
    except ImportError:
        from . import imagery_web
    imagery_web.serve(imagery, int(os.environ.get("IMAGERY_PORT", "8080")))
    return 0


if __name__ == "__main__":
    # Run the module under its own name, so imagery_web sees the same classes (not __main__'s copies).
    import imagery as _module

    sys.exit(_module.main(sys.argv[1:]))
