"""The URL2PNG producer (book ch. 15): queue a URL, later fetch its PNG.

    python url2png.py submit https://example.com     # prints the job id
    python url2png.py get <id> [--out page.png]      # downloads the PNG once the worker made it

The queue URL and the bucket come from the stack (`pulumi stack output queueUrl` / `bucketName`)
through URL2PNG_QUEUE_URL and URL2PNG_BUCKET, or --queue-url / --bucket. The book printed a public
S3 website URL; the bucket here is private, so `get` downloads with your credentials.
"""

import argparse
import json
import os
import sys
import urllib.parse
import uuid
from typing import Any


def submit(sqs: Any, queue_url: str, url: str) -> str:
    """Queue a job {"id", "url"} as the book's producer did; returns the id (the PNG will be <id>.png)."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"url: {url!r} is not an http(s) URL")
    job_id = str(uuid.uuid4())
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": job_id, "url": url}))
    return job_id


def get(s3: Any, bucket: str, job_id: str) -> bytes:
    """The PNG of a finished job."""
    return s3.get_object(Bucket=bucket, Key=f"{uuid.UUID(job_id)}.png")["Body"].read()


def main(argv: list[str]) -> int:
    """Command line of the producer."""
    cli = argparse.ArgumentParser(prog="url2png.py", description="URL2PNG producer (AWS in Action, chapter 15).")
    cli.add_argument("--queue-url", default=os.environ.get("URL2PNG_QUEUE_URL"))
    cli.add_argument("--bucket", default=os.environ.get("URL2PNG_BUCKET"))
    commands = cli.add_subparsers(dest="command", required=True)
    commands.add_parser("submit").add_argument("url")
    fetch = commands.add_parser("get")
    fetch.add_argument("id")
    fetch.add_argument("--out")
    options = cli.parse_args(argv)
    import boto3

    if options.command == "submit":
        if not options.queue_url:
            cli.error("set URL2PNG_QUEUE_URL (pulumi stack output queueUrl) or pass --queue-url")
        print(submit(boto3.client("sqs"), options.queue_url, options.url))
        return 0
    if not options.bucket:
        cli.error("set URL2PNG_BUCKET (pulumi stack output bucketName) or pass --bucket")
    out = options.out or f"{options.id}.png"
    with open(out, "wb") as file:
        file.write(get(boto3.client("s3"), options.bucket, options.id))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
