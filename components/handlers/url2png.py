"""URL2PNG worker (book ch. 15): take a job from the queue, render the page to a PNG, put it into S3.

The book's worker polled SQS, rendered a screenshot with PhantomJS and deleted the message only after
the upload. Here the queue invokes this Lambda function (an SQS event source mapping with partial batch
responses): a job is deleted only when it succeeded; a failed one comes back after the visibility
timeout and, after max_receive_count tries, lands in the dead-letter queue. A screenshot needs a
browser, so the PNG is a fingerprint of the fetched page (see png_image.fingerprint), same page, same
picture.

Message body, as the book's producer sends it: {"id": "<uuid>", "url": "https://..."}.
Environment: BUCKET (where <id>.png goes).
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Mapping, Optional

import boto3

try:  # packaged flat in the Lambda archive
    import png_image
except ImportError:  # imported from the components package (tests, tools)
    from . import png_image

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""Bytes of a page read at most; the rest is ignored."""
FETCH_TIMEOUT_SECONDS = 10
USER_AGENT = "awsinaction-url2png/1.0"

_s3: Any = None
"""The S3 client, created once per execution environment."""


class BadJobError(ValueError):
    """The message is not a URL2PNG job; it will fail on every try and end in the dead-letter queue."""


def log(level: str, message: str, **fields: Any) -> None:
    """One structured log line."""
    print(json.dumps({"level": level, "message": message, **fields}, default=str), flush=True)


def s3_client() -> Any:
    """The shared S3 client."""
    global _s3
    if _s3 is None:
        _s3 = boto3.client("s3")
    return _s3


def parse_job(body: str) -> tuple[str, str]:
    """(id, url) of a job message; refuses anything else."""
    try:
        job = json.loads(body)
    except (TypeError, ValueError):
        raise BadJobError("the message body is not JSON") from None
    if not isinstance(job, Mapping):
        raise BadJobError("the message body is not a JSON object")
    job_id, url = job.get("id"), job.get("url")
    try:
        job_id = str(uuid.UUID(str(job_id)))
    except ValueError:
        raise BadJobError(f"id {job_id!r} is not a UUID") from None
    parsed = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise BadJobError(f"url {url!r} is not an http(s) URL")
    return job_id, url


def fetch(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> tuple[int, bytes]:
    """(HTTP status, first MAX_PAGE_BYTES of the body); error statuses are results, not exceptions."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(MAX_PAGE_BYTES)
    except urllib.error.HTTPError as error:
        return error.code, error.read(MAX_PAGE_BYTES)


def render(body: str, bucket: str, fetcher: Any = fetch, s3: Optional[Any] = None) -> str:
    """Process one job: fetch the page, draw its PNG, store it as <id>.png; returns the key."""
    job_id, url = parse_job(body)
    status, content = fetcher(url)
    image = png_image.fingerprint(url.encode() + b"\n" + content, ok=status < 400)
    key = f"{job_id}.png"
    (s3 or s3_client()).put_object(Bucket=bucket, Key=key, Body=png_image.encode(image), ContentType="image/png")
    log("info", "rendered", id=job_id, url=url, status=status, key=key)
    return key


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    """SQS batch: render every job; report the failed ones so only they return to the queue."""
    bucket = os.environ["BUCKET"]
    failures = []
    for record in event.get("Records", []):
        try:
            render(record["body"], bucket)
        except Exception as error:  # every failure is retried through the queue, then dead-lettered
            log("error", "job failed", messageId=record.get("messageId"), error=f"{type(error).__name__}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
