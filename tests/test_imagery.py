"""Imagery component: CDN, load balancer, web and worker fleets, queue, table and buckets, wired least-privilege."""

import base64
import functools
import gzip
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

from components.imagery import APP_PORT, MODULES, Imagery, ImageryArgs
from policies.offline.runner import MockRun
from tests.harness import depends_on, run, world_open_ingress

GROUP = "aws:autoscaling/group:Group"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
QUEUE = "aws:sqs/queue:Queue"
TABLE = "aws:dynamodb/table:Table"
OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2"
SHELLCHECK = Path(sys.executable).parent / "shellcheck"
NETWORK: dict[str, Any] = {"vpc_id": "vpc-0123456789abcdef0", "vpc_cidr": "10.0.0.0/16", "public_subnet_ids": ["subnet-1", "subnet-2"],
                           "private_subnet_ids": ["subnet-3", "subnet-4"]}


@functools.cache
def built(preview: bool) -> MockRun:
    return run(lambda: Imagery("imagery", ImageryArgs(**NETWORK)), preview)


def named(result: MockRun, token: str, name: str) -> Any:
    return result.named(name, token)


def actions(result: MockRun, role: str) -> set[str]:
    policy = named(result, ROLE_POLICY, f"imagery-{role}-instance")
    return {action for s in json.loads(policy.inputs["policy"])["Statement"] for action in s["Action"]}


def test_web_servers_sit_behind_the_load_balancer_that_only_cloudfront_reaches(preview: bool) -> None:
    result = built(preview)
    servers = named(result, GROUP, "imagery-server-asg")
    assert (servers.inputs["minSize"], servers.inputs["maxSize"], servers.inputs["healthCheckType"]) == (2, 4, "ELB")
    assert servers.inputs["vpcZoneIdentifiers"] == ["subnet-3", "subnet-4"]
    target_group = result.one("aws:lb/targetGroup:TargetGroup")
    assert (target_group.inputs["port"], target_group.inputs["healthCheck"]["path"]) == (APP_PORT, "/healthz")
    assert depends_on(result, servers, target_group)
    distribution = result.one("aws:cloudfront/distribution:Distribution")
    assert [b["pathPattern"] for b in distribution.inputs["orderedCacheBehaviors"]] == ["/processed/*"]
    assert world_open_ingress(result) == []  # the load balancer admits CloudFront's prefix list, nothing else is open


def test_workers_poll_the_queue_and_scale_on_its_depth(preview: bool) -> None:
    result = built(preview)
    workers = named(result, GROUP, "imagery-worker-asg")
    assert (workers.inputs["minSize"], workers.inputs["maxSize"], workers.inputs["healthCheckType"]) == (1, 2, "EC2")
    assert not workers.inputs.get("targetGroupArns")
    alarms = [a for a in result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.name.startswith("imagery-worker-queue-")]
    assert sorted(a.inputs["comparisonOperator"] for a in alarms) == ["GreaterThanThreshold", "LessThanThreshold"]
    assert all(a.inputs["dimensions"] == {"QueueName": "test-test-imagery-queue"} and a.inputs["threshold"] == 5 for a in alarms)
    ingress = result.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert not [r for r in ingress if r.name.startswith("imagery-worker")]
    assert [r.inputs["fromPort"] for r in ingress if r.name.startswith("imagery-server")] == [APP_PORT]


def test_the_queue_dead_letters_after_the_books_ten_tries_and_the_table_is_keyed_by_id(preview: bool) -> None:
    result = built(preview)
    main = next(q for q in result.of_type(QUEUE) if q.name == "imagery-queue")
    assert json.loads(main.inputs["redrivePolicy"])["maxReceiveCount"] == 10
    assert main.inputs["visibilityTimeoutSeconds"] == 120
    table = result.one(TABLE)
    assert table.inputs["hashKey"] == "id" and table.inputs["deletionProtectionEnabled"] is True


def test_the_server_cannot_receive_and_the_worker_cannot_send(preview: bool) -> None:
    result = built(preview)
    if preview:
        return  # the documents name buckets whose names AWS chooses; update mode shows them
    server, worker = actions(result, "server"), actions(result, "worker")
    assert "sqs:SendMessage" in server and "sqs:ReceiveMessage" not in server and "sqs:DeleteMessage" not in server
    assert "sqs:ReceiveMessage" in worker and "sqs:SendMessage" not in worker
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"} <= server and "dynamodb:PutItem" not in worker
    assert "s3:PutObject" in worker and "dynamodb:DeleteItem" not in server | worker
    for role in ("server", "worker"):
        for stmt in json.loads(named(result, ROLE_POLICY, f"imagery-{role}-instance").inputs["policy"])["Statement"]:
            assert stmt["Resource"] != ["*"] or stmt["Sid"] == "SessionManager", stmt


def test_both_fleets_boot_the_same_code_fetched_from_s3_as_their_own_service(preview: bool) -> None:
    result = built(preview)
    bundle = result.one(OBJECT)
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(base64.b64decode(bundle.inputs["contentBase64"])))) as archive:
        assert sorted(archive.getnames()) == sorted(f"{m}.py" for m in MODULES)
    if preview:
        return  # the user data embeds the queue URL and the table name, known once they exist
    for role in ("server", "worker"):
        script = base64.b64decode(named(result, TEMPLATE, f"imagery-{role}-servers").inputs["userData"]).decode()
        assert bundle.inputs["key"] in script and f"ExecStart=/usr/bin/python3 /opt/${{APP}}/imagery.py {role}" in script
        assert "IMAGERY_QUEUE_URL='https://sqs.us-east-1.amazonaws.com/123456789012/test-test-imagery-queue'" in script
        assert len(script.encode()) < 16384
        checked = subprocess.run([str(SHELLCHECK), "-"], input=script, capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout


def test_instances_require_imdsv2_and_encrypt_their_root_volume(preview: bool) -> None:
    for template in built(preview).of_type(TEMPLATE):
        assert template.inputs["metadataOptions"]["httpTokens"] == "required"
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
        assert template.inputs["instanceType"] == "t4g.micro"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"private_subnet_ids": None}, "private_subnet_ids: None is not allowed"),
        ({"server_instance_type": "micro"}, "server_instance_type: 'micro' is not an EC2 instance type"),
        ({"worker_min_size": 3}, "worker_min_size: 3 is greater than worker_max_size"),
        ({"worker_max_size": 0, "worker_min_size": 0}, "worker_max_size: 0 is outside 1..1000"),
        ({"max_receive_count": 0}, "max_receive_count: 0 is outside 1..1000"),
        ({"visibility_timeout_seconds": 10}, "visibility_timeout_seconds: 10 is outside 30..43200"),
        ({"upload_retention_days": 0}, "upload_retention_days: 0 is outside 1..3650"),
        ({"price_class": "PriceClass_1"}, "price_class: 'PriceClass_1' is not allowed"),
        ({"alarm_email": "ops"}, "alarm_email: 'ops' is not an e-mail address"),
        ({"log_retention_days": 10}, "log_retention_days: 10 is not a CloudWatch retention"),
    ],
)
def test_bad_arguments_are_refused_before_any_resource(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")) as error:
        run(lambda: Imagery("imagery", ImageryArgs(**{**NETWORK, **overrides})))
    assert error.value.registered == []  # type: ignore[attr-defined]
