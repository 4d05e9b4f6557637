"""LoadBalancer: listeners, TLS, security group, target group, CloudFront lock-down and access logs, under mocks."""

import json
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from components.load_balancer import (
    LOG_DELIVERY_PRINCIPAL,
    ORIGIN_VERIFY_HEADER,
    TLS_POLICY,
    LoadBalancer,
    check_health_check_matcher,
    check_health_check_path,
    serving_ports,
)
from policies.offline.mocks import ACCOUNT_ID, CLOUDFRONT_ORIGIN_PREFIX_LIST
from tests.compute_fixtures import CERTIFICATE_ARN, VPC_CIDR, lb_args
from tests.harness import is_known, run, world_open_ingress

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SECRET = "origin-secret-0123456789abcdef"


def build(preview: bool, **overrides: Any):
    def program() -> None:
        lb = LoadBalancer("web", lb_args(**overrides))
        pulumi.export("dns", lb.dns_name)
        pulumi.export("arnSuffix", lb.arn_suffix)
        pulumi.export("tgSuffix", lb.target_group_arn_suffix)
        pulumi.export("https", lb.https_listener_arn)
        pulumi.export("protocol", lb.origin_protocol)

    return run(program, preview)


def ingress_ports(result) -> dict[float, dict]:
    return {rule.inputs["fromPort"]: rule.inputs for rule in result.of_type(INGRESS)}


def test_dev_http_listener_forwards_to_the_target_group(preview: bool) -> None:
    result = build(preview)
    alb = result.one(LB)
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["internal"] is False
    assert alb.inputs["subnets"] == ["subnet-pub-a", "subnet-pub-b"]
    assert alb.inputs["dropInvalidHeaderFields"] is True
    assert alb.inputs["enableDeletionProtection"] is False
    assert "accessLogs" not in alb.inputs
    (listener,) = result.of_type(LISTENER)
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80, "HTTP")
    (action,) = listener.inputs["defaultActions"]
    assert action["type"] == "forward"
    tg = result.one(TG)
    assert tg.urn in listener.dependencies
    assert result.count(RULE) == 0
    assert result.count("aws:s3/bucket:Bucket") == 0
    if not preview:
        assert result.outputs["dns"].endswith(".elb.amazonaws.com")
        assert result.outputs["arnSuffix"].startswith("app/")
        assert result.outputs["tgSuffix"].startswith("targetgroup/")
        assert result.outputs["https"] is None
        assert result.outputs["protocol"] == "http"


def test_prod_https_uses_a_current_tls_policy_and_http_redirects(preview: bool) -> None:
    result = build(preview, certificate_arn=CERTIFICATE_ARN, deletion_protection=True)
    listeners = {r.inputs["port"]: r.inputs for r in result.of_type(LISTENER)}
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == TLS_POLICY == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["certificateArn"] == CERTIFICATE_ARN
    assert https["defaultActions"][0]["type"] == "forward"
    (redirect,) = listeners[80]["defaultActions"]
    assert redirect["type"] == "redirect"
    assert redirect["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert result.one(LB).inputs["enableDeletionProtection"] is True
    if not preview:
        assert result.outputs["https"] == next(r.state["arn"] for r in result.of_type(LISTENER) if r.inputs["port"] == 443)
        assert ":listener/app/" in result.outputs["https"]
        assert result.outputs["protocol"] == "https"


@pytest.mark.parametrize(("certificate", "ports"), [(None, {80}), (CERTIFICATE_ARN, {80, 443})], ids=["http", "https"])
def test_security_group_admits_clients_on_listener_ports_and_sends_only_to_targets(preview: bool, certificate, ports) -> None:
    result = build(preview, certificate_arn=certificate)
    group = result.one("aws:ec2/securityGroup:SecurityGroup")
    assert group.inputs["tags"]["Role"] == "load-balancer"  # how the policy pack recognises a load balancer's group
    ingress = ingress_ports(result)
    assert set(ingress) == ports
    assert all(group.urn in rule.dependencies for rule in result.of_type(INGRESS))
    assert all(rule["cidrIpv4"] == "0.0.0.0/0" and rule["ipProtocol"] == "tcp" for rule in ingress.values())
    assert {(port, to) for _, port, to in world_open_ingress(result)} == {(p, p) for p in ports}
    (egress,) = result.of_type(EGRESS)
    assert (egress.inputs["fromPort"], egress.inputs["toPort"], egress.inputs["ipProtocol"]) == (80, 80, "tcp")
    assert egress.inputs["cidrIpv4"] == VPC_CIDR


@pytest.mark.parametrize(("certificate", "port"), [(None, 80), (CERTIFICATE_ARN, 443)], ids=["http-origin", "https-origin"])
def test_behind_cloudfront_only_the_origin_facing_prefix_list_gets_in(preview: bool, certificate, port) -> None:
    result = build(preview, behind_cloudfront=True, certificate_arn=certificate)
    (rule,) = result.of_type(INGRESS)
    assert rule.inputs["prefixListId"] == CLOUDFRONT_ORIGIN_PREFIX_LIST
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (port, port)
    assert world_open_ingress(result) == []


@pytest.mark.parametrize("certificate", [None, CERTIFICATE_ARN], ids=["http", "https"])
def test_origin_secret_forwards_only_requests_carrying_the_header(preview: bool, certificate) -> None:
    result = build(preview, behind_cloudfront=True, certificate_arn=certificate, origin_verify_header_value=SECRET)
    serving_port = 443 if certificate else 80
    listener = next(r for r in result.of_type(LISTENER) if r.inputs["port"] == serving_port)
    (default,) = listener.inputs["defaultActions"]
    assert default["type"] == "fixed-response"
    assert default["fixedResponse"]["statusCode"] == "403"
    rule = result.one(RULE)
    assert listener.urn in rule.dependencies
    assert rule.inputs["priority"] == 1
    assert rule.inputs["actions"][0]["type"] == "forward"
    conditions = rule.inputs["conditions"]
    # The header value is a secret: the engine receives it wrapped, never as plain state.
    assert conditions[rpc._special_sig_key] == rpc._special_secret_sig
    (condition,) = conditions["value"]
    assert condition["httpHeader"] == {"httpHeaderName": ORIGIN_VERIFY_HEADER, "values": [SECRET]}


def test_target_group_health_check_defaults(preview: bool) -> None:
    tg = build(preview).one(TG).inputs
    assert (tg["port"], tg["protocol"], tg["targetType"]) == (80, "HTTP", "instance")
    assert tg["deregistrationDelay"] == 30
    assert tg["healthCheck"] == {
        "enabled": True, "protocol": "HTTP", "port": "traffic-port", "path": "/healthz", "matcher": "200",
        "interval": 10, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 2,
    }


def test_target_group_health_check_as_in_the_book(preview: bool) -> None:
    tg = build(
        preview, health_check_path="/", health_check_matcher="200,302", health_check_interval_seconds=5,
        health_check_timeout_seconds=3, deregistration_delay_seconds=120, target_port=8080,
    ).one(TG).inputs
    assert tg["healthCheck"]["path"] == "/"
    assert tg["healthCheck"]["matcher"] == "200,302"
    assert (tg["healthCheck"]["interval"], tg["healthCheck"]["timeout"]) == (5, 3)
    assert (tg["port"], tg["deregistrationDelay"]) == (8080, 120)


def test_access_logs_go_to_a_private_encrypted_expiring_bucket(preview: bool) -> None:
    result = build(preview, access_logs=True, access_log_retention_days=30, deletion_protection=True)
    bucket = result.one("aws:s3/bucket:Bucket")
    assert bucket.inputs.get("forceDestroy") is False
    block = result.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = result.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    (sse,) = result.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs["rules"]
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"  # ALB logs support SSE-S3 only
    rules = result.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert {"days": 30} in [r.get("expiration") for r in rules]
    policy = result.one("aws:s3/bucketPolicy:BucketPolicy")
    alb = result.one(LB)
    assert policy.urn in alb.dependencies  # ALB checks the delivery permission when logging is switched on
    assert alb.inputs["accessLogs"]["enabled"] is True
    assert alb.inputs["accessLogs"]["prefix"] == "web"
    if preview:
        assert not is_known(policy.inputs["policy"])
        return
    assert alb.inputs["accessLogs"]["bucket"] == bucket.id
    document = json.loads(policy.inputs["policy"])
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    objects = [f"arn:aws:s3:::{bucket.id}/web/AWSLogs/{ACCOUNT_ID}/*"]
    delivery = by_sid["ElbLogDelivery"]
    assert delivery["Principal"] == {"Service": LOG_DELIVERY_PRINCIPAL}
    assert (delivery["Action"], delivery["Resource"]) == (["s3:PutObject"], objects)
    legacy = by_sid["ElbLogDeliveryLegacyRegion"]  # us-east-1 predates the service principal
    assert legacy["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert legacy["Resource"] == objects
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_log_bucket_is_disposable_when_the_load_balancer_is_not_protected(preview: bool) -> None:
    result = build(preview, access_logs=True)
    assert result.one("aws:s3/bucket:Bucket").inputs["forceDestroy"] is True


def test_every_taggable_resource_is_tagged(preview: bool) -> None:
    result = build(preview, access_logs=True, certificate_arn=CERTIFICATE_ARN, origin_verify_header_value=SECRET)
    untaggable = {
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    }
    checked = [r for r in result.resources if r.custom and r.type not in untaggable]
    assert len(checked) >= 9
    for resource in checked:
        assert resource.inputs["tags"]["Component"] == "LoadBalancer", resource.name


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"health_check_path": "healthz"}, r"^health_check_path: 'healthz' is not an absolute path; it must start with /"),
        ({"health_check_path": "/health check"}, r"^health_check_path: '/health check' is not an absolute path"),
        ({"health_check_matcher": "600"}, r"^health_check_matcher: '600' is not a list of HTTP codes 200\.\.499"),
        ({"health_check_matcher": "299-200"}, r"^health_check_matcher: '299-200'"),
        ({"health_check_interval_seconds": 5, "health_check_timeout_seconds": 5},
         r"^health_check_timeout_seconds: 5 must be below health_check_interval_seconds \(5\)"),
        ({"healthy_threshold": 1}, r"^healthy_threshold: 1 is outside 2\.\.10"),
        ({"target_port": 0}, r"^target_port: 0 is outside 1\.\.65535"),
        ({"deregistration_delay_seconds": 4000}, r"^deregistration_delay_seconds: 4000 is outside 0\.\.3600"),
        ({"certificate_arn": "my-cert"}, r"^certificate_arn: 'my-cert' is not an ACM or IAM certificate ARN"),
        ({"origin_verify_header_value": "short"}, r"^origin_verify_header_value: must be 16 to 128 characters"),
        ({"access_log_retention_days": 0}, r"^access_log_retention_days: 0 is outside 1\.\.3653"),
    ],
)
def test_bad_inputs_are_refused_with_a_message_naming_the_argument(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(lambda: LoadBalancer("web", lb_args(**overrides)))


def test_origin_secret_is_never_shown_in_its_error() -> None:
    with pytest.raises(ValueError) as raised:
        run(lambda: LoadBalancer("web", lb_args(origin_verify_header_value="bad secret with spaces")))
    assert "bad secret" not in str(raised.value)


def test_serving_ports() -> None:
    assert serving_ports(False, False) == [80]
    assert serving_ports(True, False) == [80, 443]
    assert serving_ports(False, True) == [80]
    assert serving_ports(True, True) == [443]


@pytest.mark.parametrize("path", ["/", "/healthz", "/wp-login.php?check=1"])
def test_health_check_paths_accepted(path: str) -> None:
    check_health_check_path(path, "p")


@pytest.mark.parametrize("matcher", ["200", "200,302", "200-299", "200-299,301"])
def test_matchers_accepted(matcher: str) -> None:
    check_health_check_matcher(matcher, "m")
