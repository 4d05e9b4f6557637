"""ContentDelivery: CloudFront over the load balancer and a private static-assets bucket."""

import json
import re
from typing import Any

import pytest

from components.content_delivery import (
    CACHING_DISABLED_POLICY,
    CACHING_OPTIMIZED_POLICY,
    ORIGIN_VERIFY_HEADER,
    STATIC_ACCESS_LOG_PREFIX,
    VENDED_LOG_NAME_MAX,
    ContentDelivery,
    ContentDeliveryArgs,
    OriginProtocol,
)
from policies.offline.runner import run_under_mocks
from tests.harness import STACKS, Program, depends_on, is_known, reveal, run, run_stack

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"


def _delivery(**args: Any) -> ContentDelivery:
    return ContentDelivery("shop", ContentDeliveryArgs(**args))


def build(**overrides: Any) -> Program:
    args = {"origin_domain_name": "alb-123.us-east-1.elb.amazonaws.com", "origin_verify_header_value": "token", **overrides}
    return Program(_delivery, **args)


def test_two_origins_alb_default_and_bucket_for_static_paths(preview: bool) -> None:
    result = run(build(), preview)
    distribution = result.one(DISTRIBUTION)
    origins = {o["originId"]: o for o in reveal(distribution.inputs["origins"])}
    assert sorted(origins) == ["load-balancer", "static-assets"]
    alb = origins["load-balancer"]
    assert alb["domainName"] == "alb-123.us-east-1.elb.amazonaws.com"
    assert alb["customHeaders"] == [{"name": ORIGIN_VERIFY_HEADER, "value": "token"}]
    assert "originAccessControlId" in origins["static-assets"], "the S3 origin uses an origin access control"
    default = distribution.inputs["defaultCacheBehavior"]
    assert default["targetOriginId"] == "load-balancer"
    assert default["cachePolicyId"] == CACHING_DISABLED_POLICY
    assert set(default["allowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}
    [static] = distribution.inputs["orderedCacheBehaviors"]
    assert (static["pathPattern"], static["targetOriginId"], static["cachePolicyId"]) == (
        "/static/*",
        "static-assets",
        CACHING_OPTIMIZED_POLICY,
    )
    assert static["compress"] is True
    for behaviour in (default, static):
        assert behaviour["viewerProtocolPolicy"] == "redirect-to-https"
    assert distribution.inputs["httpVersion"] == "http2and3"
    assert distribution.inputs["priceClass"] == "PriceClass_100"


def test_static_bucket_is_private_versioned_and_archives_old_versions(preview: bool) -> None:
    result = run(build(), preview)
    [bucket] = result.of_type(BUCKET)
    block = result.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    assert result.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    encryption = result.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    assert result.one("aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {"status": "Enabled"}
    rules = {r["id"]: r for r in result.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]}
    noncurrent = rules["noncurrent-versions"]
    assert noncurrent["noncurrentVersionTransitions"] == [{"noncurrentDays": 30.0, "storageClass": "GLACIER"}]
    assert noncurrent["noncurrentVersionExpiration"] == {"noncurrentDays": 365.0}
    assert all(depends_on(result, x, bucket) for x in (block,))


def test_bucket_policy_allows_only_this_distribution_and_denies_plain_http() -> None:
    result = run(build())
    policy = json.loads(result.one(POLICY).inputs["policy"])
    distribution = result.one(DISTRIBUTION)
    deny, allow = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution.state["arn"]}}
    assert all(s.get("Principal") != "*" or s["Effect"] == "Deny" for s in policy["Statement"]), "no public grant"


def test_policy_waits_for_the_public_access_block(preview: bool) -> None:
    result = run(build(), preview)
    policy = result.one(POLICY)
    assert depends_on(result, policy, result.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"))
    assert depends_on(result, policy, result.one(DISTRIBUTION))


def test_custom_domain_gets_a_us_east_1_certificate_and_alias_records(preview: bool) -> None:
    result = run(build(domain_name="shop.example.com", hosted_zone_id="Z0123456789"), preview)
    certificate = result.one("aws:acm/certificate:Certificate")
    assert certificate.inputs["region"] == "us-east-1" and certificate.inputs["validationMethod"] == "DNS"
    distribution = result.one(DISTRIBUTION)
    assert distribution.inputs["aliases"] == ["shop.example.com"]
    viewer = distribution.inputs["viewerCertificate"]
    assert (viewer["sslSupportMethod"], viewer["minimumProtocolVersion"]) == ("sni-only", "TLSv1.2_2021")
    aliases = [r for r in result.of_type("aws:route53/record:Record") if r.inputs.get("aliases")]
    assert sorted(r.inputs["type"] for r in aliases) == ["A", "AAAA"]
    assert all(r.inputs["name"] == "shop.example.com" for r in aliases)


def test_default_certificate_without_domain(preview: bool) -> None:
    result = run(build(), preview)
    assert result.one(DISTRIBUTION).inputs["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert result.count("aws:acm/certificate:Certificate") == 0


def test_access_logs_go_to_a_private_expiring_bucket_through_vended_log_delivery(preview: bool) -> None:
    result = run(build(logging_enabled=True, log_retention_days=30), preview)
    assert result.count(BUCKET) == 2
    source = result.one("aws:cloudwatch/logDeliverySource:LogDeliverySource")
    assert (source.inputs["logType"], source.inputs["region"]) == ("ACCESS_LOGS", "us-east-1")
    assert depends_on(result, source, result.one(DISTRIBUTION))
    expiring = [
        r
        for r in result.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        if any(rule.get("expiration") for rule in r.inputs["rules"])
    ]
    assert [rule["expiration"] for rule in expiring[0].inputs["rules"] if rule.get("expiration")] == [{"days": 30.0}]


@pytest.mark.parametrize("protocol", list(OriginProtocol))
def test_cloudfront_talks_only_tls_1_2_to_the_custom_origin(protocol: OriginProtocol, preview: bool) -> None:
    result = run(build(origin_protocol=protocol.value), preview)
    [alb] = [o for o in reveal(result.one(DISTRIBUTION).inputs["origins"]) if o["originId"] == "load-balancer"]
    config = alb["customOriginConfig"]
    assert config["originSslProtocols"] == ["TLSv1.2"], "no SSLv3, TLSv1 or TLSv1.1 to the origin"
    assert config["originProtocolPolicy"] == protocol.value


@pytest.mark.parametrize("stack", STACKS)
def test_committed_stacks_pin_the_origin_to_tls_1_2(stack: str, preview: bool) -> None:
    origins = reveal(run_stack(stack, preview).one(DISTRIBUTION).inputs["origins"])
    assert [o["customOriginConfig"]["originSslProtocols"] for o in origins if "customOriginConfig" in o] == [["TLSv1.2"]]


def _log_delivery_names(project: str, stack: str, name: str = "shop") -> set[str]:
    result = run_under_mocks(
        lambda: ContentDelivery(name, ContentDeliveryArgs(origin_domain_name="alb", logging_enabled=True)), project=project, stack=stack
    )
    kinds = ("aws:cloudwatch/logDeliverySource:LogDeliverySource", "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")
    return {r.inputs["name"] for kind in kinds for r in result.of_type(kind)}


def test_log_delivery_names_carry_project_and_stack_so_two_stacks_never_collide() -> None:
    dev, prod = _log_delivery_names("shop", "dev"), _log_delivery_names("shop", "prod")
    assert dev == {"shop-dev-shop-access", "shop-dev-shop-bucket"}
    assert dev.isdisjoint(prod) and len(prod) == 2
    assert _log_delivery_names("shop", "dev", "other").isdisjoint(dev), "two components in one stack differ too"


def test_long_log_delivery_names_stay_within_aws_limits_and_distinct() -> None:
    long_names = _log_delivery_names("a-very-long-project.name", "feature_branch-" + "x" * 60, "content-delivery")
    other = _log_delivery_names("a-very-long-project.name", "feature_branch-" + "x" * 59 + "y", "content-delivery")
    assert len(long_names) == 2 and long_names.isdisjoint(other)
    for value in long_names | other:
        assert 1 <= len(value) <= VENDED_LOG_NAME_MAX and re.fullmatch(r"[\w-]+", value), value


@pytest.mark.parametrize(("protect", "force_destroy"), [(False, True), (True, False)])
def test_unprotected_buckets_are_emptied_by_destroy_protected_ones_kept(protect: bool, force_destroy: bool, preview: bool) -> None:
    result = run(build(protect=protect, logging_enabled=True), preview)
    buckets = result.of_type(BUCKET)
    assert len(buckets) == 2
    assert all(b.inputs["forceDestroy"] is force_destroy for b in buckets)
    assert result.named("shop-static", BUCKET).protect is protect


def test_waf_and_price_class_are_passed_through(preview: bool) -> None:
    acl = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/abc"
    result = run(build(web_acl_arn=acl, price_class="PriceClass_All"), preview)
    distribution = result.one(DISTRIBUTION)
    assert (distribution.inputs["webAclId"], distribution.inputs["priceClass"]) == (acl, "PriceClass_All")


def test_site_url_is_https() -> None:
    holder: dict[str, ContentDelivery] = {}
    outputs: dict[str, Any] = {}

    def program() -> None:
        holder["cdn"] = ContentDelivery("shop", ContentDeliveryArgs(origin_domain_name="alb"))
        holder["cdn"].site_url.apply(lambda url: outputs.setdefault("url", url))

    run(program)
    assert is_known(outputs["url"]) and outputs["url"].startswith("https://d") and outputs["url"].endswith(".cloudfront.net")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"static_path_pattern": "static/*"}, r"static_path_pattern: 'static/\*' must start with /"),
        ({"static_path_pattern": "/*"}, r"static_path_pattern: '/\*' must start with / and name a sub-path"),
        ({"price_class": "PriceClass_1"}, r"price_class: 'PriceClass_1' is not allowed; use one of PriceClass_100"),
        ({"domain_name": "shop.example.com"}, r"domain_name: 'shop.example.com' and hosted_zone_id: None go together"),
        ({"domain_name": "Shop Example", "hosted_zone_id": "Z1"}, r"domain_name: 'Shop Example' is not a lower-case DNS name"),
        ({"web_acl_arn": "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y"}, r"web_acl_arn: .* CLOUDFRONT scope"),
        ({"noncurrent_expire_after_days": 10}, r"noncurrent_expire_after_days: 10 must be later than"),
        ({"origin_protocol": "ftp"}, r"origin_protocol: 'ftp' is not allowed"),
    ],
)
def test_bad_arguments_are_refused(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        run(build(**overrides))
    assert raised.value.registered == []  # type: ignore[attr-defined]


def test_log_bucket_policy_is_the_documented_vended_logs_policy() -> None:
    result = run(build(logging_enabled=True))
    documents = [json.loads(p.inputs["policy"]) for p in result.of_type(POLICY)]
    [logs] = [d for d in documents if any(s.get("Sid") == "AWSLogDeliveryWrite" for s in d["Statement"])]
    by_sid = {s.get("Sid"): s for s in logs["Statement"]}
    assert set(by_sid) == {"DenyInsecureTransport", "AWSLogDeliveryWrite", "AWSLogDeliveryAclCheck", "S3ServerAccessLogsWrite"}
    write, acl = by_sid["AWSLogDeliveryWrite"], by_sid["AWSLogDeliveryAclCheck"]
    assert write["Resource"].endswith("/AWSLogs/123456789012/*") and write["Action"] == "s3:PutObject"
    assert write["Condition"]["StringEquals"] == {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": "123456789012"}
    assert acl["Action"] == "s3:GetBucketAcl" and not acl["Resource"].endswith("*")
    for statement in (write, acl):
        assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
        assert statement["Condition"]["ArnLike"] == {"aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*"}


def test_static_bucket_logs_its_requests_into_the_log_bucket_and_the_log_bucket_does_not(preview: bool) -> None:
    result = run(build(logging_enabled=True), preview)
    static, logs = result.named("shop-static", BUCKET), result.named("shop-logs", BUCKET)
    [logging] = result.of_type(BUCKET_LOGGING)
    assert logging.property_dependencies["bucket"] == [static.urn], "only the static bucket logs; the log bucket would log into itself"
    assert logging.property_dependencies["targetBucket"] == [logs.urn]
    assert logging.inputs["targetPrefix"] == STATIC_ACCESS_LOG_PREFIX
    assert logging.inputs["targetObjectKeyFormat"] == {"partitionedPrefix": {"partitionDateSource": "EventTime"}}
    assert "targetGrants" not in logging.inputs, "a BucketOwnerEnforced bucket refuses target grants; its policy grants instead"
    assert depends_on(result, logging, result.named("shop-logs", POLICY)), "S3 checks the grant when logging is turned on"
    if not preview:
        assert (logging.inputs["bucket"], logging.inputs["targetBucket"]) == (static.id, logs.id)


def test_without_logging_no_bucket_logs(preview: bool) -> None:
    result = run(build(), preview)
    assert result.count(BUCKET_LOGGING) == 0 and result.count(BUCKET) == 1


def test_s3_may_write_only_the_static_buckets_access_logs_under_their_prefix() -> None:
    result = run(build(logging_enabled=True))
    static, logs = result.named("shop-static", BUCKET), result.named("shop-logs", BUCKET)
    document = json.loads(result.named("shop-logs", POLICY).inputs["policy"])
    [grant] = [s for s in document["Statement"] if s.get("Sid") == "S3ServerAccessLogsWrite"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"} and grant["Action"] == "s3:PutObject"
    assert grant["Resource"] == f"{logs.state['arn']}/{STATIC_ACCESS_LOG_PREFIX}*"
    assert grant["Condition"] == {"ArnLike": {"aws:SourceArn": static.state["arn"]}, "StringEquals": {"aws:SourceAccount": "123456789012"}}
