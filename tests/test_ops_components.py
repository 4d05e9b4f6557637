"""WebsiteHealthCheck and Ec2OwnerTagger under mocks, in update and preview mode."""

import json
import re
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.ec2_owner_tagger import EVENT_PATTERN, Ec2OwnerTagger, Ec2OwnerTaggerArgs
from components.lambda_function import HANDLERS_DIR, PYTHON_RUNTIME, check_schedule_expression, handler_archive, physical_name
from components.website_health_check import WebsiteHealthCheck, WebsiteHealthCheckArgs
from tests.harness import Program, depends_on, is_known, run

FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:cloudwatch/eventRule:EventRule"
PERMISSION = "aws:lambda/permission:Permission"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
TRAIL = "aws:cloudtrail/trail:Trail"
TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/test-test-owner-tag"
GIVEN_TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-alarms"


def health_check(**overrides: Any) -> WebsiteHealthCheck:
    args = {"url": "https://shop.example.com/", "expected": "awsinaction shop", **overrides}
    return WebsiteHealthCheck("health", WebsiteHealthCheckArgs(**args))


def tagger(**overrides: Any) -> Ec2OwnerTagger:
    return Ec2OwnerTagger("owner-tag", Ec2OwnerTaggerArgs(**overrides))


def statements(result: Any) -> list[dict]:
    policy = result.one(ROLE_POLICY)
    assert is_known(policy.inputs["policy"]), "role policies are built from invokes and must be known in preview"
    return json.loads(policy.inputs["policy"])["Statement"]


def assert_least_privilege(found: list[dict]) -> None:
    for stmt in found:
        assert stmt["Effect"] == "Allow"
        assert all("*" not in action for action in stmt["Action"]), stmt
        assert all(resource != "*" for resource in stmt["Resource"]), stmt


def assert_lambda_alarms(result: Any, function_name: str) -> list:
    alarms = result.of_type(ALARM)
    assert sorted(a.inputs["metricName"] for a in alarms) == ["Errors", "Throttles"]
    for alarm in alarms:
        assert alarm.inputs["namespace"] == "AWS/Lambda"
        assert alarm.inputs["dimensions"] == {"FunctionName": function_name}
        assert alarm.inputs["statistic"] == "Sum"
        assert alarm.inputs["period"] == 300
        assert alarm.inputs["threshold"] == 0
        assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
        assert len(alarm.inputs["alarmActions"]) == 1
    return alarms


def test_health_check_runs_the_packaged_handler_on_the_book_schedule(preview: bool) -> None:
    result = run(Program(health_check), preview)
    function = result.one(FUNCTION)
    assert function.inputs["name"] == "test-test-health"
    assert function.inputs["runtime"] == PYTHON_RUNTIME.value == "python3.13"
    assert function.inputs["handler"] == "website_health_check.handler"
    assert set(function.inputs["code"].assets) == {"website_health_check.py"}
    assert function.inputs["environment"]["variables"] == {
        "site": "https://shop.example.com/", "expected": "awsinaction shop", "timeout": "10",
    }
    assert function.inputs["timeout"] > 10  # room for the request's own timeout
    log_group = result.one("aws:cloudwatch/logGroup:LogGroup")
    assert log_group.inputs["name"] == "/aws/lambda/test-test-health"
    assert log_group.inputs["retentionInDays"] == 30
    assert function.inputs["loggingConfig"] == {"logFormat": "Text", "logGroup": "/aws/lambda/test-test-health"}
    assert depends_on(result, function, log_group) and depends_on(result, function, result.one(ROLE_POLICY))
    rule = result.one(RULE)
    assert rule.inputs["scheduleExpression"] == "rate(5 minutes)"
    target = result.one("aws:cloudwatch/eventTarget:EventTarget")
    assert depends_on(result, target, rule) and depends_on(result, target, function)
    permission = result.one(PERMISSION)
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert permission.inputs["action"] == "lambda:InvokeFunction"
    assert depends_on(result, permission, rule)  # source_arn is the rule's ARN
    if not preview:
        assert permission.inputs["sourceArn"] == rule.state["arn"]
    invoke_config = result.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert invoke_config.inputs["maximumRetryAttempts"] == 0


def test_health_check_role_may_only_write_its_own_log_group(preview: bool) -> None:
    result = run(Program(health_check), preview)
    found = statements(result)
    assert_least_privilege(found)
    assert [s["Action"] for s in found] == [["logs:CreateLogStream", "logs:PutLogEvents"]]
    group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/test-test-health"
    assert found[0]["Resource"] == [group_arn, f"{group_arn}:*"]
    trust = json.loads(result.one("aws:iam/role:Role").inputs["assumeRolePolicy"])["Statement"]
    assert [t["Principal"] for t in trust] == [{"Service": "lambda.amazonaws.com"}]


def test_health_check_alarms_on_errors_and_throttles_to_an_encrypted_topic_with_email(preview: bool) -> None:
    result = run(lambda: health_check(alarm_email="ops@example.com"), preview)
    alarms = assert_lambda_alarms(result, "test-test-health")
    topic = result.one(TOPIC)
    key = result.one("aws:kms/key:Key")
    assert depends_on(result, topic, key)  # encrypted with the component's own key
    assert "cloudwatch.amazonaws.com" in key.inputs["policy"]
    assert all(depends_on(result, alarm, topic) for alarm in alarms)
    subscription = result.one("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["protocol"] == "email" and subscription.inputs["endpoint"] == "ops@example.com"
    if not preview:
        assert topic.inputs["kmsMasterKeyId"] == key.state["arn"]
        assert {a.inputs["alarmActions"][0] for a in alarms} == {topic.state["arn"]}


def test_given_topic_is_used_and_no_topic_is_created(preview: bool) -> None:
    result = run(lambda: (health_check(alarm_topic_arn=GIVEN_TOPIC), tagger(alarm_topic_arn=GIVEN_TOPIC)), preview)
    assert result.count(TOPIC) == 0
    assert [k.name for k in result.of_type(KEY)] == ["owner-tag-trail"], "only the trail's key, no topic key"
    alarms = result.of_type(ALARM)
    assert len(alarms) == 4
    assert all(a.inputs["alarmActions"] == [GIVEN_TOPIC] for a in alarms)


def test_owner_tagger_rule_matches_run_instances_from_cloudtrail(preview: bool) -> None:
    result = run(Program(tagger), preview)
    rule = result.one(RULE)
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances"]},
    } == EVENT_PATTERN
    assert "scheduleExpression" not in rule.inputs
    function = result.one(FUNCTION)
    assert function.inputs["handler"] == "ec2_owner_tagger.handler"
    assert set(function.inputs["code"].assets) == {"ec2_owner_tagger.py"}
    permission = result.one(PERMISSION)
    assert permission.inputs["principal"] == "events.amazonaws.com"
    assert depends_on(result, permission, rule)
    assert_lambda_alarms(result, "test-test-owner-tag")


def test_owner_tagger_role_may_only_create_the_owner_tag_on_instances(preview: bool) -> None:
    result = run(Program(tagger), preview)
    found = statements(result)
    assert_least_privilege(found)
    tagging = [s for s in found if s["Action"] == ["ec2:CreateTags"]]
    assert len(tagging) == 1, found
    assert tagging[0]["Resource"] == ["arn:aws:ec2:us-east-1:123456789012:instance/*"]
    assert tagging[0]["Condition"] == {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["Owner"]},
        "Null": {"aws:RequestTag/Owner": "false"},
    }
    others = [s for s in found if s is not tagging[0]]
    assert {a for s in others for a in s["Action"]} == {"logs:CreateLogStream", "logs:PutLogEvents"}
    group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/test-test-owner-tag"
    assert all(r in (group_arn, f"{group_arn}:*") for s in others for r in s["Resource"])


def test_owner_tagger_creates_a_trail_with_a_private_encrypted_tls_only_bucket(preview: bool) -> None:
    result = run(Program(tagger), preview)
    trail = result.one("aws:cloudtrail/trail:Trail")
    assert trail.inputs["name"] == "test-test-owner-tag"
    assert trail.inputs["enableLogging"] is True and trail.inputs["enableLogFileValidation"] is True
    policy = result.one("aws:s3/bucketPolicy:BucketPolicy")
    assert depends_on(result, trail, policy)  # CloudTrail checks the bucket policy when the trail is created
    block = result.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = result.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    encryption = result.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    lifecycle = result.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    assert {"days": 90} in [rule.get("expiration") for rule in lifecycle.inputs["rules"]]
    if not preview:
        trail_arn = TRAIL_ARN
        found = json.loads(policy.inputs["policy"])["Statement"]
        by_sid = {s["Sid"]: s for s in found}
        assert by_sid["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for sid in ("CloudTrailAclCheck", "CloudTrailWrite"):
            assert by_sid[sid]["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
            assert by_sid[sid]["Condition"]["StringEquals"]["aws:SourceArn"] == trail_arn
        bucket = trail.inputs["s3BucketName"]
        assert by_sid["CloudTrailWrite"]["Resource"] == [f"arn:aws:s3:::{bucket}/AWSLogs/123456789012/*"]


def test_owner_tagger_trail_covers_every_region_and_encrypts_with_a_rotating_key_of_its_own(preview: bool) -> None:
    result = run(Program(tagger), preview)
    trail = result.one(TRAIL)
    assert trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["includeGlobalServiceEvents"] is True, "CloudTrail refuses a multi-region trail without global events"
    assert trail.inputs["enableLogFileValidation"] is True
    key = result.named("owner-tag-trail", KEY)
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    assert {"Name", "Project", "Stack", "Component"} <= set(key.inputs["tags"])
    assert trail.property_dependencies["kmsKeyId"] == [key.urn]
    if not preview:
        assert trail.inputs["kmsKeyId"] == key.state["arn"]


def test_owner_tagger_trail_key_policy_is_the_cloudtrail_guides_for_this_trail_only() -> None:
    result = run(tagger)
    by_sid = {s["Sid"]: s for s in json.loads(result.named("owner-tag-trail", KEY).inputs["policy"])["Statement"]}
    assert set(by_sid) == {"AccountAdministersKey", "CloudTrailEncryptsLogs", "CloudTrailDecryptsWithBucketKey", "CloudTrailDescribesKey"}
    admin = by_sid.pop("AccountAdministersKey")
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"} and "kms:*" not in admin["Action"]
    for sid, stmt in by_sid.items():
        assert stmt["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and stmt["Effect"] == "Allow", sid
        assert stmt["Condition"]["StringEquals"] == {"aws:SourceArn": TRAIL_ARN}, sid
    assert by_sid["CloudTrailEncryptsLogs"]["Action"] == ["kms:GenerateDataKey*"]
    assert by_sid["CloudTrailEncryptsLogs"]["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*"
    }
    assert by_sid["CloudTrailDecryptsWithBucketKey"]["Action"] == ["kms:Decrypt"]
    assert by_sid["CloudTrailDescribesKey"]["Action"] == ["kms:DescribeKey"]


def test_owner_tagger_uses_an_existing_trail_when_asked(preview: bool) -> None:
    result = run(lambda: tagger(create_trail=False), preview)
    assert result.count("aws:cloudtrail/trail:Trail") == 0
    assert result.count("aws:s3/bucket:Bucket") == 0 and result.count(KEY) == 1, "only the alarm topic's key"
    assert result.count(FUNCTION) == 1 and result.count(RULE) == 1


def test_component_args_accept_a_dict_as_the_provider_host_passes() -> None:
    result = run(lambda: Ec2OwnerTagger("owner-tag", {"create_trail": None, "function_name": "tagger"}))
    assert result.count("aws:cloudtrail/trail:Trail") == 1  # None means the default (true)
    assert result.one(FUNCTION).inputs["name"] == "tagger"


BAD_HEALTH_CHECK_ARGS = [
    ({"url": "ftp://shop.example.com/"}, r"^url: 'ftp://shop.example.com/' is not an http\(s\) URL"),
    ({"expected": ""}, r"^expected: '' must be non-empty text"),
    ({"schedule_expression": "rate(5 minute)"}, r"^schedule_expression: 'rate\(5 minute\)' is not a schedule"),
    ({"schedule_expression": "every 5 minutes"}, r"^schedule_expression: 'every 5 minutes' is not a schedule"),
    ({"timeout_seconds": 0}, r"^timeout_seconds: 0 is outside 1..60 seconds"),
    ({"timeout_seconds": 61}, r"^timeout_seconds: 61 is outside 1..60 seconds"),
    ({"alarm_email": "ops"}, r"^alarm_email: 'ops' is not an e-mail address"),
    ({"alarm_email": "ops@example.com", "alarm_topic_arn": GIVEN_TOPIC}, r"^alarm_email: 'ops@example.com' only goes on the topic"),
    ({"function_name": "has space"}, r"^function_name: 'has space' is not a Lambda function name"),
    ({"log_retention_days": 10}, r"^log_retention_days: 10 is not a CloudWatch retention"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_HEALTH_CHECK_ARGS, ids=[str(o) for o, _ in BAD_HEALTH_CHECK_ARGS])
def test_health_check_refuses_bad_args(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(lambda: health_check(**overrides))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"trail_log_expiration_days": 0}, r"^trail_log_expiration_days: 0 is outside 1..3650 days"),
        ({"create_trail": "yes"}, r"^create_trail: 'yes' is not true or false"),
        ({"function_name": "x" * 65}, r"^function_name: 'x+' is not a Lambda function name"),
    ],
)
def test_owner_tagger_refuses_bad_args(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(lambda: tagger(**overrides))


def test_url_may_be_an_output_of_another_resource(preview: bool) -> None:
    def program() -> None:
        health_check(url=pulumi.Output.from_input("http://shop-alb.example.com").apply(lambda base: f"{base}/"))

    result = run(program, preview)
    assert result.one(FUNCTION).inputs["environment"]["variables"]["site"] == "http://shop-alb.example.com/"


@pytest.mark.parametrize("good", ["rate(1 minute)", "rate(5 minutes)", "rate(2 hours)", "rate(1 day)", "cron(0/5 * * * ? *)"])
def test_schedule_expressions_eventbridge_accepts(good: str) -> None:
    check_schedule_expression(good, "schedule_expression")


@pytest.mark.parametrize("bad", ["rate(1 minutes)", "rate(0 minutes)", "rate(5 weeks)", "cron(0 12 * * ?)", "", "rate(5minutes)"])
def test_schedule_expressions_eventbridge_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match=r"^schedule_expression: "):
        check_schedule_expression(bad, "schedule_expression")


def test_physical_names_are_valid_and_stable() -> None:
    assert physical_name("awsinaction", "prod", "website-health-check") == "awsinaction-prod-website-health-check"
    assert physical_name("my project", "dev/1", "x") == "my-project-dev-1-x"
    long = physical_name("p" * 50, "stack", "component-name")
    assert len(long) == 64 and long == physical_name("p" * 50, "stack", "component-name")
    assert long != physical_name("p" * 50, "stack", "component-nam3")


def test_every_handler_is_packaged_alone_from_the_handlers_folder() -> None:
    for module in ("website_health_check", "ec2_owner_tagger"):
        archive = handler_archive(module)
        assert list(archive.assets) == [f"{module}.py"]
        assert (HANDLERS_DIR / f"{module}.py").is_file()
    with pytest.raises(ValueError, match=r"^module: 'missing' has no handler file"):
        handler_archive("missing")


@given(parts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4), max_length=st.integers(min_value=20, max_value=128))
def test_physical_names_always_fit_aws_rules(parts: list[str], max_length: int) -> None:
    if not any(ch.isascii() and ch.isalnum() for part in parts for ch in part):
        with pytest.raises(ValueError, match=r"^name: .* holds no letter or digit"):
            physical_name(*parts, max_length=max_length)
        return
    name = physical_name(*parts, max_length=max_length)
    assert 0 < len(name) <= max_length
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name)
    assert name == physical_name(*parts, max_length=max_length)
