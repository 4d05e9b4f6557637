"""The Lambda handlers, run locally: the owner tagger against moto, the health check against a local web server."""

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from components.handlers import ec2_owner_tagger as tagger
from components.handlers import website_health_check as health

REGION = "us-east-1"
AMI = "ami-12c6146b"
"""Any image ID: moto launches it without looking it up (its AMI catalogue is not even loaded, see the fixture)."""


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """Every line the handler printed, each of which must be one JSON object."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def run_instances_event(instance_ids: list[str], identity: Optional[dict[str, Any]] = None, **detail: Any) -> dict[str, Any]:
    """The EventBridge event for a RunInstances call recorded by CloudTrail, as AWS delivers it."""
    identity = identity or {
        "type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": "arn:aws:iam::123456789012:user/alice",
        "accountId": "123456789012", "userName": "alice",
    }
    return {
        "version": "0",
        "id": "6f1c7a3e-0000-4000-8000-000000000001",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "account": "123456789012",
        "region": REGION,
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": identity,
            "eventSource": "ec2.amazonaws.com",
            "eventName": "RunInstances",
            "eventID": "e1d0c0de-0000-4000-8000-000000000002",
            "responseElements": {"instancesSet": {"items": [{"instanceId": i, "imageId": AMI} for i in instance_ids]}},
            **detail,
        },
    }


class RecordingClient:
    """Stands in for the EC2 client where moto is not needed: records calls, or fails like AWS."""

    def __init__(self, error: Optional[ClientError] = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def create_tags(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.error:
            raise self.error


@pytest.fixture(scope="module")
def ec2() -> Iterator[Any]:
    """One moto account for the module (starting EC2 in moto takes about a second)."""
    # moto loads a catalogue of public AMIs unless told not to: a second of start-up the tests do not need.
    env = {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    with mock.patch.dict(os.environ, env), mock_aws():
        tagger._ec2 = None
        yield boto3.client("ec2", region_name=REGION)
        tagger._ec2 = None


@pytest.fixture
def fake_ec2(monkeypatch: pytest.MonkeyPatch) -> RecordingClient:
    client = RecordingClient()
    monkeypatch.setattr(tagger, "_ec2", client)
    return client


def owner_tags(ec2: Any, instance_ids: list[str]) -> dict[str, str]:
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": instance_ids}, {"Name": "key", "Values": ["Owner"]}])["Tags"]
    return {t["ResourceId"]: t["Value"] for t in tags}


# ---- EC2 owner tagger -------------------------------------------------------------------------------------------


def test_every_instance_of_a_multi_instance_launch_gets_the_owner_tag(ec2: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3)["Instances"]]
    result = tagger.handler(run_instances_event(ids), None)
    assert result == {"status": "tagged", "owner": "alice", "instanceIds": ids}
    assert owner_tags(ec2, ids) == {i: "alice" for i in ids}  # the book's code tagged only items[0]
    [line] = log_lines(capsys)
    assert line["level"] == "INFO" and line["message"] == "Tagged instances" and line["count"] == 3


def test_the_client_is_created_once_and_reused(ec2: Any) -> None:
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"]]
    tagger._ec2 = None
    with mock.patch.object(tagger.boto3, "client", wraps=boto3.client) as create:
        tagger.handler(run_instances_event(ids), None)
        tagger.handler(run_instances_event(ids), None)
    assert create.call_count == 1
    assert owner_tags(ec2, ids) == {ids[0]: "alice"}


def test_an_assumed_role_session_is_the_owner(ec2: Any) -> None:
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2)["Instances"]]
    identity = {"type": "AssumedRole", "principalId": "AROAEXAMPLE:bob@example.com",
                "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/bob@example.com"}
    tagger.handler(run_instances_event(ids, identity), None)
    assert owner_tags(ec2, ids) == {i: "bob@example.com" for i in ids}


@pytest.mark.parametrize(
    ("identity", "owner"),
    [
        ({"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/team/alice", "userName": "alice"}, "alice"),
        ({"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/team/alice"}, "alice"),
        ({"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/Deployer/ci-run-42"}, "ci-run-42"),
        ({"type": "AssumedRole", "principalId": "AROAEXAMPLE:ci-run-43"}, "ci-run-43"),
        ({"type": "Root", "arn": "arn:aws:iam::123456789012:root", "principalId": "123456789012"}, "root"),
        ({"type": "FederatedUser", "arn": "arn:aws:sts::123456789012:federated-user/carol"}, "carol"),
        ({"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"}, "autoscaling.amazonaws.com"),
        ({"type": "IdentityCenterUser", "arn": "arn:aws:identitystore::123456789012:user/dave"}, "dave"),
        ({"type": "Unknown", "principalId": "AIDAONLYID"}, "AIDAONLYID"),
        ({"type": "IAMUser", "userName": "x" * 300}, "x" * 256),
    ],
)
def test_owner_is_derived_from_the_identity_type(identity: dict[str, Any], owner: str) -> None:
    assert tagger.owner_from_identity(identity) == owner


MALFORMED = [
    ("not an object", "event is a str, not an object"),
    ({**run_instances_event(["i-0123456789abcdef0"]), "detail-type": "EC2 Instance State-change Notification"},
     "detail-type 'EC2 Instance State-change Notification' is not 'AWS API Call via CloudTrail'"),
    ({**run_instances_event([]), "detail": None}, "detail is missing or not an object"),
    (run_instances_event(["i-0123456789abcdef0"], eventName="TerminateInstances"), "not ec2.amazonaws.com RunInstances"),
    (run_instances_event([]), "detail.responseElements.instancesSet.items is missing or empty"),
    (run_instances_event(["i-0123456789abcdef0"], responseElements=None), "detail.responseElements.instancesSet.items is missing"),
    (run_instances_event(["i-0123456789abcdef0", "vol-0123456789abcdef0"]), "items[1].instanceId 'vol-0123456789abcdef0' is not an"),
    (run_instances_event(["i-0123456789abcdef0"], userIdentity=None), "detail.userIdentity is missing or not an object"),
    (run_instances_event(["i-0123456789abcdef0"], userIdentity={"type": "IAMUser"}), "names no principal"),
]


@pytest.mark.parametrize(("event", "reason"), MALFORMED, ids=[reason[:40] for _, reason in MALFORMED])
def test_a_malformed_event_is_rejected_with_one_clear_log_line_and_no_exception(
    event: Any, reason: str, fake_ec2: RecordingClient, capsys: pytest.CaptureFixture[str]
) -> None:
    result = tagger.handler(event, None)  # returning (not raising) keeps Lambda from retrying the same bad event
    assert result["status"] == "rejected" and reason in result["reason"]
    [line] = log_lines(capsys)
    assert line["level"] == "ERROR" and line["message"] == "Rejected malformed event"
    assert reason in line["reason"]
    assert fake_ec2.calls == []


def test_a_failed_run_instances_call_is_skipped(fake_ec2: RecordingClient, capsys: pytest.CaptureFixture[str]) -> None:
    event = run_instances_event([], errorCode="Client.UnauthorizedOperation", responseElements=None)
    assert tagger.handler(event, None) == {"status": "skipped", "errorCode": "Client.UnauthorizedOperation"}
    [line] = log_lines(capsys)
    assert line["level"] == "INFO" and fake_ec2.calls == []


def test_an_aws_error_is_logged_and_raised_so_lambda_retries(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    error = ClientError({"Error": {"Code": "InvalidInstanceID.NotFound", "Message": "not yet visible"}}, "CreateTags")
    monkeypatch.setattr(tagger, "_ec2", RecordingClient(error))
    with pytest.raises(ClientError):
        tagger.handler(run_instances_event(["i-0123456789abcdef0"]), None)
    [line] = log_lines(capsys)
    assert line["level"] == "ERROR" and line["message"] == "Tagging failed" and "InvalidInstanceID.NotFound" in line["error"]


def test_a_large_launch_is_tagged_in_batches_without_duplicates(fake_ec2: RecordingClient) -> None:
    ids = [f"i-{n:017x}" for n in range(1200)]
    tagger.handler(run_instances_event(ids + ids[:5]), None)
    assert [len(call["Resources"]) for call in fake_ec2.calls] == [500, 500, 200]
    assert [r for call in fake_ec2.calls for r in call["Resources"]] == ids
    assert all(call["Tags"] == [{"Key": "Owner", "Value": "alice"}] for call in fake_ec2.calls)


# ---- Website health check ---------------------------------------------------------------------------------------

PAGE = b"<html><head><title>awsinaction shop</title></head><body>Welcome to the shop</body></html>"


class Site(BaseHTTPRequestHandler):
    """A tiny web shop: /ok serves the page, /slow answers too late, /trickle never finishes, /down fails."""

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/down":
            self.send_response(503)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path == "/trickle":
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(40):  # one byte every 50 ms: no single read times out, the whole response does
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client gave up on /slow and /trickle on purpose


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """Base URL of a local web server on 127.0.0.1 (no network beyond the loopback)."""
    server = QuietServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    # A proxy from the environment must not see loopback requests.
    with mock.patch.dict(os.environ, {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}):
        yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def check_settings(site: str, path: str, expected: str = "awsinaction shop", timeout: float = 0.5) -> health.CheckSettings:
    return health.read_settings({"site": f"{site}{path}", "expected": expected, "timeout": str(timeout)})


def test_the_check_passes_when_the_page_contains_the_expected_text(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = health.check(check_settings(site, "/ok"))
    assert result["status"] == 200 and result["site"] == f"{site}/ok"
    [line] = log_lines(capsys)
    assert line["level"] == "INFO" and line["message"] == "Check passed!"


def test_the_check_fails_on_a_wrong_string(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(health.HealthCheckError, match="does not contain 'FAILURE'"):
        health.check(check_settings(site, "/ok", expected="FAILURE"))  # the book's own test: expected=FAILURE
    [line] = log_lines(capsys)
    assert line["level"] == "ERROR" and line["message"] == "Check failed!" and line["reason"] == "expected-text-missing"


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
def test_the_check_fails_on_a_timeout(site: str, path: str, capsys: pytest.CaptureFixture[str]) -> None:
    # /slow would serve the full page after 1.5 s and /trickle never completes: only a deadline ends them as a timeout.
    with pytest.raises(health.HealthCheckError, match="timeout"):
        health.check(check_settings(site, path, timeout=0.3))
    [line] = log_lines(capsys)
    assert line["message"] == "Check failed!" and line["reason"] == "timeout"


def test_the_check_fails_on_an_error_status(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(health.HealthCheckError, match="answered HTTP 503"):
        health.check(check_settings(site, "/down"))
    assert log_lines(capsys)[0]["reason"] == "http-status"


def test_the_check_fails_when_nothing_listens(capsys: pytest.CaptureFixture[str]) -> None:
    server = QuietServer(("127.0.0.1", 0), Site)
    port = server.server_address[1]
    server.server_close()  # the port is now closed
    with mock.patch.dict(os.environ, {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}), pytest.raises(health.HealthCheckError):
        health.check(check_settings(f"http://127.0.0.1:{port}", "/"))
    assert log_lines(capsys)[0]["reason"] == "unreachable"


def test_the_handler_reads_the_book_environment_variables(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("site", f"{site}/ok")
    monkeypatch.setenv("expected", "Welcome")
    monkeypatch.setenv("timeout", "2")
    assert health.handler({"source": "aws.events"}, None)["status"] == 200
    monkeypatch.setenv("expected", "FAILURE")
    with pytest.raises(health.HealthCheckError):  # raising is what puts the failure into the Errors metric
        health.handler({"source": "aws.events"}, None)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"site": "file:///etc/passwd", "expected": "root"}, "site: 'file:///etc/passwd' is not an http(s) URL"),
        ({"site": "", "expected": "x"}, "site: '' is not an http(s) URL"),
        ({"site": "https://example.com", "expected": ""}, "expected: is empty"),
        ({"site": "https://example.com", "expected": "x", "timeout": "soon"}, "timeout: 'soon' is not a number"),
        ({"site": "https://example.com", "expected": "x", "timeout": "0"}, "timeout: '0' is outside 0..900"),
    ],
)
def test_a_bad_configuration_fails_before_any_request(environ: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with mock.patch.dict(os.environ, environ, clear=False), mock.patch.object(health.urllib.request, "urlopen") as urlopen:
        for name in ("site", "expected", "timeout"):
            if name not in environ:
                os.environ.pop(name, None)
        with pytest.raises(health.HealthCheckError) as raised:
            health.handler({}, None)
    assert message in str(raised.value)
    urlopen.assert_not_called()
    [line] = log_lines(capsys)
    assert line["reason"] == "configuration"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(detail=st.dictionaries(st.sampled_from(["userIdentity", "responseElements", "eventName", "eventSource", "errorCode"]), JSON))
def test_no_event_shape_makes_the_tagger_raise(detail: dict[str, Any], fake_ec2: RecordingClient) -> None:
    event = run_instances_event(["i-0123456789abcdef0"])
    event["detail"].update(detail)
    with mock.patch("builtins.print"):
        result = tagger.handler(event, None)
    assert result["status"] in ("tagged", "rejected", "skipped")
    if result["status"] == "tagged":
        assert 0 < len(result["owner"]) <= 256


@settings(max_examples=60, deadline=None)
@given(identity=st.dictionaries(st.sampled_from(["type", "arn", "principalId", "userName", "invokedBy"]), JSON))
def test_an_owner_is_a_short_non_empty_string_or_a_clear_rejection(identity: dict[str, Any]) -> None:
    try:
        owner = tagger.owner_from_identity(identity)
    except tagger.MalformedEventError as error:
        assert str(error).startswith("detail.userIdentity")
    else:
        assert isinstance(owner, str) and 0 < len(owner) <= 256 and owner == owner.strip()
