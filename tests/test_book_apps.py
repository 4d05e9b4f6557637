"""The book's application code against moto: the to-do CLI (ch. 13), URL2PNG (ch. 15) and Imagery (ch. 16).

Tables are created from the same NoSqlTableArgs the programs deploy, queues with a redrive policy like
the Queue component's, so the code is proven against the schema it will meet.
"""

import http.client
import importlib.util
import json
import os
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import boto3
import pytest
from awsinaction.nosql_table import table_definition as installed_table_definition
from botocore.exceptions import ClientError
from moto import mock_aws

from components.handlers import imagery as service
from components.handlers import imagery_web, url2png
from components.handlers import png_image as png
from components.imagery import IMAGERY_TABLE
from components.nosql_table import table_definition
from tests.harness import REPO

REGION = "us-east-1"
EXAMPLES = REPO / "examples" / "book"
MAX_RECEIVES = 3
"""The max_receive_count of the test queues: a failing message is received this often, then dead-lettered."""


def load(path: Path) -> ModuleType:
    """A module of an example program, loaded from its file (the programs are not packages)."""
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"example_{path.parent.name}_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.path.remove(str(path.parent))
    return module


todo = load(EXAMPLES / "ch13_nosql" / "todo.py")
tables = load(EXAMPLES / "ch13_nosql" / "tables.py")
producer = load(EXAMPLES / "ch15_url2png" / "url2png.py")


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    """One moto account for the module."""
    env = {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    with mock.patch.dict(os.environ, env), mock_aws():
        yield


def queue_with_dead_letters(name: str) -> tuple[str, str]:
    """(queue URL, dead-letter queue URL); visibility 0 stands in for the timeout having passed."""
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})
    queue = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "0"})["QueueUrl"]
    return queue, dlq


def visible(queue_url: str) -> int:
    sqs = boto3.client("sqs", region_name=REGION)
    return int(sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
        "ApproximateNumberOfMessages"])


# Chapter 13: the to-do application.


@pytest.fixture(scope="module")
def todo_app(aws: None) -> Any:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    # The example imports the installed package (awsinaction), so its args are that package's classes.
    dynamodb.create_table(**installed_table_definition(tables.USERS, "todo-user"))
    dynamodb.create_table(**installed_table_definition(tables.TASKS, "todo-task"))
    clock = iter(range(1_700_000_000, 1_800_000_000)).__next__
    return todo.Todo(dynamodb, "todo-user", "todo-task", clock=lambda: float(clock()))


def test_a_task_is_written_and_listed_by_the_category_index(todo_app: Any) -> None:
    todo_app.user_add("michael", "michael@example.com", "0123")
    todo_app.user_add("andreas", "andreas@example.com", "4567")
    home = todo_app.task_add("michael", "clean the kitchen", "home")
    todo_app.task_add("michael", "write chapter 13", "work")
    other_home = todo_app.task_add("andreas", "mow the lawn", "home", due=20000101)
    listed = todo_app.task_la("home")
    assert [t["tid"] for t in listed] == [home["tid"], other_home["tid"]]  # both users, sorted by tid
    assert {t["uid"] for t in listed} == {"michael", "andreas"}
    assert [t["description"] for t in todo_app.task_ls("michael")] == ["clean the kitchen", "write chapter 13"]
    assert [t["category"] for t in todo_app.task_ls("michael", "work")] == ["work"]
    assert [t["description"] for t in todo_app.task_la("home", ("overdue", None))] == ["mow the lawn"]
    assert [t["description"] for t in todo_app.task_la("home", ("withoutdue", None))] == ["clean the kitchen"]
    done = todo_app.task_done("michael", home["tid"])
    assert done["completed"] == todo.today()
    assert todo_app.task_ls("michael", limit=1, next_tid=home["tid"])[0]["description"] == "write chapter 13"


def test_users_are_added_once_listed_in_pages_and_removed(todo_app: Any) -> None:
    todo_app.user_add("pat", "pat@example.com", "1")
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        todo_app.user_add("pat", "other@example.com", "2")
    first, next_uid = todo_app.user_ls(limit=1)
    assert len(first) == 1 and next_uid == first[0]["uid"]
    todo_app.user_rm("pat")
    assert todo_app.user("pat") is None


def test_command_line_runs_the_book_commands(todo_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    tables_args = ["--user-table", "todo-user", "--task-table", "todo-task"]
    assert todo.run([*tables_args, "user-add", "cli", "cli@example.com", "9"], todo_app.dynamodb)["uid"] == "cli"
    task = todo.run([*tables_args, "task-add", "cli", "test the CLI", "work", "--dueat", "20991231"], todo_app.dynamodb)
    assert task["due"] == 20991231
    assert [t["tid"] for t in todo.run([*tables_args, "task-ls", "cli", "--futuredue"], todo_app.dynamodb)] == [task["tid"]]
    assert task["tid"] in [t["tid"] for t in todo.run([*tables_args, "task-la", "work", "--dueafter", "20990101"], todo_app.dynamodb)]
    with pytest.raises(SystemExit):
        todo.run([*tables_args, "task-add", "cli", "x", "--dueat", "2099-12-31"], todo_app.dynamodb)
    with mock.patch.dict(os.environ, {"TODO_USER_TABLE": "", "TODO_TASK_TABLE": ""}), pytest.raises(SystemExit, match="TODO_USER_TABLE"):
        todo.run(["user", "cli"], todo_app.dynamodb)


# Chapter 15: URL2PNG.


class Page(BaseHTTPRequestHandler):
    """A local web page to render (the tests have no internet)."""

    def do_GET(self) -> None:
        body = b"<html><title>AWS in Action</title></html>" if self.path == "/" else b"missing"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def website() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def url2png_setup(aws: None) -> Iterator[dict[str, str]]:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="url2png-results")
    queue, dlq = queue_with_dead_letters("url2png")
    url2png._s3 = None
    with mock.patch.dict(os.environ, {"BUCKET": "url2png-results"}):
        yield {"queue": queue, "dlq": dlq, "bucket": "url2png-results"}
    url2png._s3 = None


def deliver(queue_url: str) -> dict[str, Any]:
    """What Lambda's SQS event source mapping does: receive a batch, invoke, delete what did not fail."""
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    if not messages:
        return {"received": 0, "batchItemFailures": []}
    event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                          "eventSource": "aws:sqs"} for m in messages]}
    result = url2png.handler(event, None)
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    for message in messages:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return {"received": len(messages), **result}


def test_a_url2png_job_travels_from_the_queue_to_s3(url2png_setup: dict[str, str], website: str) -> None:
    sqs, s3 = boto3.client("sqs", region_name=REGION), boto3.client("s3", region_name=REGION)
    job_id = producer.submit(sqs, url2png_setup["queue"], f"{website}/")
    assert deliver(url2png_setup["queue"]) == {"received": 1, "batchItemFailures": []}
    picture = producer.get(s3, url2png_setup["bucket"], job_id)
    page = url2png.fetch(f"{website}/")
    assert png.decode(picture) == png.fingerprint(f"{website}/".encode() + b"\n" + page[1], ok=True)
    assert s3.head_object(Bucket=url2png_setup["bucket"], Key=f"{job_id}.png")["ContentType"] == "image/png"
    assert visible(url2png_setup["queue"]) == 0


def test_a_missing_page_still_gives_a_picture_with_a_red_band(url2png_setup: dict[str, str], website: str) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    job_id = producer.submit(boto3.client("sqs", region_name=REGION), url2png_setup["queue"], f"{website}/gone")
    deliver(url2png_setup["queue"])
    assert png.decode(producer.get(s3, url2png_setup["bucket"], job_id)).pixels[:3] == bytes((200, 40, 40))


def test_a_bad_url2png_job_lands_in_the_dead_letter_queue_after_the_configured_receives(url2png_setup: dict[str, str]) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=url2png_setup["queue"], MessageBody=json.dumps({"id": "not-a-uuid", "url": "http://example.com"}))
    attempts = [deliver(url2png_setup["queue"]) for _ in range(MAX_RECEIVES + 1)]
    assert [a["received"] for a in attempts] == [1] * MAX_RECEIVES + [0]
    assert all(len(a["batchItemFailures"]) == 1 for a in attempts[:MAX_RECEIVES])
    assert visible(url2png_setup["dlq"]) == 1
    body = json.loads(sqs.receive_message(QueueUrl=url2png_setup["dlq"])["Messages"][0]["Body"])
    assert body["id"] == "not-a-uuid"


@pytest.mark.parametrize("body", ["not json", "[]", '{"id": "6f1c7a3e-0000-4000-8000-000000000001", "url": "file:///etc/passwd"}'])
def test_url2png_refuses_anything_but_a_job_with_an_http_url(body: str) -> None:
    with pytest.raises(url2png.BadJobError):
        url2png.parse_job(body)


def test_the_producer_refuses_a_non_http_url() -> None:
    with pytest.raises(ValueError, match="url"):
        producer.submit(None, "https://queue", "ftp://example.com/")


# Chapter 16: Imagery.


@pytest.fixture(scope="module")
def imagery(aws: None) -> Iterator[tuple[service.Imagery, str]]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(**table_definition(IMAGERY_TABLE, "imagery-image"))
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in ("imagery-upload", "imagery-processed"):
        s3.create_bucket(Bucket=bucket)
    queue, dlq = queue_with_dead_letters("imagery")
    app = service.Imagery("imagery-image", "imagery-upload", "imagery-processed", queue, "https://d123.cloudfront.net",
                          dynamodb=dynamodb, s3=s3, sqs=boto3.client("sqs", region_name=REGION))
    yield app, dlq


def a_png() -> bytes:
    return png.encode(png.Image(3, 2, 3, bytes(range(0, 18 * 10, 10))))


def poll(app: service.Imagery) -> int:
    """One worker iteration; retries are immediate in the tests."""
    return service.poll_once(app, wait_seconds=0, retry_base=0)


def test_an_imagery_upload_reaches_the_processed_state(imagery: tuple[service.Imagery, str]) -> None:
    app, dlq = imagery
    created = app.create()
    assert (created["state"], created["version"]) == ("created", 0)
    uploaded = app.upload(created["id"], a_png())
    assert (uploaded["state"], uploaded["version"], uploaded["rawS3Key"]) == ("uploaded", 1, f"upload/{created['id']}-v1")
    assert poll(app) == 1
    processed = app.get(created["id"])
    assert (processed["state"], processed["version"]) == ("processed", 2)
    assert processed["processedImage"] == f"https://d123.cloudfront.net/{processed['processedS3Key']}"
    stored = app.s3.get_object(Bucket="imagery-processed", Key=processed["processedS3Key"])["Body"].read()
    assert png.decode(stored) == png.sepia(png.decode(a_png()))
    assert visible(app.queue_url) == 0 and visible(dlq) == 0


def test_processing_is_idempotent_for_a_redelivered_message(imagery: tuple[service.Imagery, str]) -> None:
    app, _ = imagery
    image = app.upload(app.create()["id"], a_png())
    message = json.dumps({"imageId": image["id"], "desiredState": "processed"})
    first = app.process(message)
    assert app.process(message) == first  # the same message again changes nothing
    assert poll(app) == 1 and app.get(image["id"]) == first  # and the queued copy is deleted without work


def test_a_poisoned_message_lands_in_the_dead_letter_queue_after_the_configured_retries(imagery: tuple[service.Imagery, str]) -> None:
    app, dlq = imagery
    image = app.upload(app.create()["id"], png.SIGNATURE + b"this is no image data")
    receives = [poll(app) for _ in range(MAX_RECEIVES + 1)]
    assert receives == [1] * MAX_RECEIVES + [0]
    assert visible(app.queue_url) == 0 and visible(dlq) == 1
    assert json.loads(app.sqs.receive_message(QueueUrl=dlq)["Messages"][0]["Body"])["imageId"] == image["id"]
    assert app.get(image["id"])["state"] == "uploaded"


def test_state_changes_use_optimistic_locking(imagery: tuple[service.Imagery, str]) -> None:
    app, _ = imagery
    image = app.create()
    stale = dict(image)
    app.upload(image["id"], a_png())
    with pytest.raises(service.ConflictError):
        app._advance(stale, "uploaded", ("created", "uploaded"), "rawS3Key", "upload/stale")
    assert poll(app) == 1
    with pytest.raises(service.ConflictError, match="processed"):
        app.upload(image["id"], a_png())
    with pytest.raises(ValueError, match="PNG"):
        app.upload(app.create()["id"], b"GIF89a")
    with pytest.raises(service.ImageNotFoundError):
        app.get("../../etc/passwd")


def test_retries_back_off_and_are_capped() -> None:
    assert [service.retry_delay(n, 10, 900) for n in (1, 2, 3, 8)] == [10, 20, 40, 900]
    assert service.retry_delay(1, 0, 900) == 0 and service.retry_delay(30, 10, 10**9) == 43200


def test_the_web_api_creates_uploads_and_shows_an_image(imagery: tuple[service.Imagery, str]) -> None:
    app, _ = imagery
    server = ThreadingHTTPServer(("127.0.0.1", 0), imagery_web.make_handler(app))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        def call(method: str, path: str, body: bytes = b"", headers: Any = None) -> tuple[int, Any]:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, json.loads(data) if response.getheader("Content-Type") == "application/json" else data

        assert call("GET", "/healthz") == (200, b"ok\n")
        assert call("GET", "/")[1].startswith(b"<!doctype html>")
        status, image = call("POST", "/image")
        assert status == 201 and image["state"] == "created"
        status, uploaded = call("POST", f"/image/{image['id']}/upload", a_png())
        assert (status, uploaded["state"]) == (200, "uploaded")
        assert call("GET", f"/image/{image['id']}?refresh=1")[1]["state"] == "uploaded"
        assert call("POST", f"/image/{image['id']}/upload", b"GIF89a")[0] == 415
        assert call("POST", f"/image/{image['id']}/upload", headers={"Content-Length": str(10**9)})[0] == 413
        while poll(app):  # the worker drains the queue
            pass
        assert call("GET", f"/image/{image['id']}")[1]["state"] == "processed"
        assert call("POST", f"/image/{image['id']}/upload", a_png())[0] == 409
        assert call("GET", "/image/6f1c7a3e-0000-4000-8000-000000000001")[0] == 404
        assert call("GET", "/nothing")[0] == 404
    finally:
        server.shutdown()
