"""The AWS preflight pack: what it refuses, what it lets through, and how it says so.

The fixture program breaks one kind of AWS constraint per resource (stack `invalid`) and keeps all of them
(stack `valid`); the committed stacks must show nothing but the known findings; unknown values, computed
values, regions, exemptions and the limits table are checked on hand-built resources as the engine passes them.
"""

import base64
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional

import pytest

from policies.__main__ import main
from policies.offline.analyze import analyze_request, analyzer_info, policy_resources, reconcile, run_pack, stack_request
from tests.harness import run_stack
from tests.policy_harness import UNKNOWN, check_resource, check_stack, engine_props, pack, pack_module
from tests.policy_harness import stack_resource as res

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "preflight_program"
PACK = "awsinaction-aws-preflight"
SG, INGRESS, EGRESS = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)
INSTANCE, LT, ASG, SCHEDULE = (
    "aws:ec2/instance:Instance",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:autoscaling/group:Group",
    "aws:autoscaling/schedule:Schedule",
)
DB, LOGS, BUCKET, BUCKET_POLICY = (
    "aws:rds/instance:Instance",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPolicy:BucketPolicy",
)
ROLE, ROLE_POLICY, QUEUE, CDN = (
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:sqs/queue:Queue",
    "aws:cloudfront/distribution:Distribution",
)
LB, VERSIONING = "aws:lb/loadBalancer:LoadBalancer", "aws:s3/bucketVersioning:BucketVersioning"


def preflight(module: str) -> Any:
    """A module of the preflight pack's rules package."""
    return pack_module("aws_preflight", module)


def run_fixture(stack: str) -> tuple[int, dict[str, Any]]:
    """`python -m policies check --stack STACK --project tests/fixtures/preflight_program --json`: exit code and report."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["check", "--stack", stack, "--project", str(FIXTURE), "--json"])
    return code, json.loads(out.getvalue())


def preflight_findings(report: dict[str, Any]) -> dict[str, list[str]]:
    """Resource name -> messages of the preflight pack's violations."""
    names = {r["urn"]: r["name"] for r in report["resources"]}
    found: dict[str, list[str]] = {}
    for violation in report["violations"]:
        if violation["pack"] == PACK:
            found.setdefault(names.get(violation["urn"], ""), []).append(violation["message"])
    return found


EXPECTED = {
    "sg-apostrophe": ("description", "E3031"),
    "ssh-rule-apostrophe": ("description", "security-group-rule-description"),
    "role-long-name": ("name", "E3033"),
    "db-bad-identifier": ("identifier", "E3031"),
    "db-unknown-version": ("engine_version", "E3691"),
    "db-bad-final-snapshot": ("final_snapshot_identifier", "rds-final-snapshot-identifier"),
    "db-long-username": ("username", "rds-names"),
    "logs-bad-retention": ("retention_in_days", "E3030"),
    "old-generation": ("instance_type", "E3628"),
    "legacy-runtime": ("runtime", "E2531"),
    "fn-reserved-env": ('environment.variables["AWS_REGION"]', "E3663"),
    "lt-imds-mandatory": ("metadata_options.http_tokens", "E3030"),
    "lt-big-user-data": ("user_data", "user-data-size"),
    "bucket-many-tags": ("tags", "tags"),
    "bucket-reserved-tag": ("tags", "tags"),
    "bucket-bad-name": ("bucket", "E1161"),
    "jobs-queue": ("name", "E3501"),
    "alerts-topic": ("name", "sns-topic-name"),
    "kms-short-window": ("deletion_window_in_days", "E3034"),
    "tg-long-name": ("name", "load-balancer-name"),
    "schedule-bad-expression": ("schedule_expression", "E3027"),
    "alarm-odd-period": ("period", "E3615"),
    "policy-too-big": ("policy", "iam-policy-size"),
    "asg-min-above-max": ("max_size", "E3706"),
}
"""Fixture resource -> (the argument the message names, the rule or table row)."""


@pytest.fixture(scope="module")
def invalid() -> tuple[int, dict[str, Any]]:
    return run_fixture("invalid")


def test_the_fixture_breaks_at_least_15_kinds_of_constraint() -> None:
    assert len(EXPECTED) >= 15 and len({rule for _, rule in EXPECTED.values()}) >= 15


def test_the_check_fails_the_invalid_stack_naming_every_refused_value(invalid: tuple[int, dict[str, Any]]) -> None:
    code, report = invalid
    assert code == 1
    found = preflight_findings(report)
    assert sorted(found) == sorted(EXPECTED), "one finding per resource, none on anything else"
    for name, (argument, rule) in EXPECTED.items():
        [message] = found[name]
        detail = message.split("\n", 1)[1]
        assert detail.startswith(argument) and rule in detail and "Fix: " in detail, message


def test_messages_show_short_values_and_never_a_possible_secret(invalid: tuple[int, dict[str, Any]]) -> None:
    found = preflight_findings(invalid[1])
    assert 'name = "preflight-rrrrrrrr' in found["role-long-name"][0] and "r" * 70 not in found["role-long-name"][0]
    assert "(value not shown)" in found["fn-reserved-env"][0] and "eu-west-3" not in found["fn-reserved-env"][0]
    assert "not one of the" in found["old-generation"][0] and "in eu-west-3" in found["old-generation"][0]


def test_the_docs_show_a_message_exactly_as_the_pack_writes_it(invalid: tuple[int, dict[str, Any]]) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "policies.md").read_text()
    example = " ".join(docs.split("```\nsg-apostrophe (aws:ec2/securityGroup:SecurityGroup): ", 1)[1].split("```", 1)[0].split())
    assert example == " ".join(preflight_findings(invalid[1])["sg-apostrophe"][0].split("\n", 1)[1].split())


def test_the_same_program_with_accepted_values_passes() -> None:
    code, report = run_fixture("valid")
    assert preflight_findings(report) == {} and code == 0


@pytest.mark.parametrize(("stack", "preview"), [("dev", False), ("prod", True)])
def test_the_committed_stacks_hold_no_value_aws_would_refuse(stack: str, preview: bool) -> None:
    loaded = pack("aws_preflight")
    run = run_stack(stack, preview=preview)
    config = reconcile(loaded, analyzer_info(loaded.servicer()), {}, "defaults")
    result = run_pack(loaded, config, [analyze_request(r) for r in run.resources], stack_request(run.resources))
    names = {r.urn: r.name for r in run.resources}
    found = {(names[d.urn], d.detail.split(" ")[0]) for d in result.diagnostics}
    assert all(d.level == "mandatory" for d in result.diagnostics), "no policy gave up on an unknown value"
    assert found == set(), sorted(found)


def accepted(resources: list, config: Optional[dict] = None) -> list[tuple[str, str]]:
    return check_stack("aws-accepted-values", resources, config)


def test_an_unknown_value_is_skipped_alone() -> None:
    group = res(SG, "sg", {"description": UNKNOWN, "ingress": [{"fromPort": -5.0, "toPort": UNKNOWN}, UNKNOWN]})
    logs = res(LOGS, "logs", {"name": UNKNOWN, "retentionInDays": 45.0})
    found = accepted([group, logs])
    assert [name for name, _ in found] == ["sg", "logs"]
    assert found[0][1].startswith("ingress[0].from_port = -5: ") and found[1][1].startswith("retention_in_days = 45: ")


def test_a_value_aws_resolved_itself_is_not_judged_by_cfn_lints_list() -> None:
    """An instance created without a version reports AWS's own full version, possibly newer than cfn-lint's list."""
    assert accepted([res(DB, "db", {"engine": "mysql", "engineVersion": "5.1.99", "engineVersionActual": "5.1.99"})]) == []
    assert len(accepted([res(DB, "db", {"engine": "mysql", "engineVersion": "5.1", "engineVersionActual": UNKNOWN})])) == 1


@pytest.mark.parametrize(
    ("outputs", "config", "refused"),
    [
        ({}, None, False),  # no region known: the default, us-east-1, offers m3.medium
        ({}, {"region": "eu-west-3"}, True),
        ({"region": "eu-west-3"}, None, True),  # pulumi-aws 7 reports each resource's region
        ({"arn": "arn:aws:ec2:eu-west-3:123456789012:instance/i-0"}, None, True),
        ({"region": "us-east-1", "arn": "arn:aws:ec2:eu-west-3:123456789012:instance/i-0"}, None, False),
    ],
)
def test_the_region_comes_from_the_resource_then_its_arn_then_the_config(outputs: dict, config: Optional[dict], refused: bool) -> None:
    found = accepted([res(INSTANCE, "vm", {"instanceType": "m3.medium", **outputs})], config)
    assert bool(found) == refused


def test_a_resource_naming_no_region_goes_where_the_stack_goes() -> None:
    """A launch template's ARN may be unknown (a preview) while the stack's other resources name eu-west-3."""
    template = res(LT, "lt", {"instanceType": "m3.medium", "arn": UNKNOWN})
    logs = res(LOGS, "logs", {"arn": "arn:aws:logs:eu-west-3:123456789012:log-group:x", "retentionInDays": 30.0})
    assert [name for name, _ in accepted([template, logs])] == ["lt"]


def test_the_region_of_the_provider_is_used_when_the_resource_has_none() -> None:
    stated_region = preflight("region").stated_region
    provider = SimpleNamespace(props=engine_props({"region": "eu-west-3"}))
    assert stated_region(SimpleNamespace(props=engine_props({}), provider=provider)) == "eu-west-3"
    assert stated_region(SimpleNamespace(props=engine_props({"region": "ap-south-1"}), provider=provider)) == "ap-south-1"
    assert stated_region(SimpleNamespace(props=engine_props({"region": UNKNOWN}), provider=None)) is None


def test_rules_can_be_skipped_per_stack() -> None:
    logs = res(LOGS, "logs", {"retentionInDays": 45.0})
    assert accepted([logs], {"skipRules": ["E3030"]}) == [] and len(accepted([logs])) == 1


def test_exempted_findings_are_the_ones_aws_accepts() -> None:
    exemptions = preflight("exemptions")
    listed = "'5.1' is not one of ['8.0.40', '8.4.3', '8.4.5']"
    assert exemptions.exempt("E3691", "AWS::RDS::DBInstance", ("EngineVersion",), "8.4", listed)
    assert not exemptions.exempt("E3691", "AWS::RDS::DBInstance", ("EngineVersion",), "8.5", listed)
    assert not exemptions.exempt("E3691", "AWS::RDS::DBInstance", ("EngineVersion",), "8.4.99", listed)
    assert accepted([res(VERSIONING, "v", {"versioningConfiguration": {"status": "Disabled"}})]) == []
    assert len(accepted([res(VERSIONING, "v", {"versioningConfiguration": {"status": "Off"}})])) == 1
    for exemption in exemptions.EXEMPTIONS:
        assert exemption.reason and "https://" in exemption.source, exemption


def test_a_combination_finding_names_one_of_the_values() -> None:
    task = res("aws:ecs/taskDefinition:TaskDefinition", "task", {"requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "8192"})
    [(name, message)] = accepted([task])
    assert name == "task" and message.startswith('memory = "8192": ') and "E3047" in message


LIMIT_CASES = [
    (BUCKET, {"tags": {f"k{i}": "v" for i in range(50)}}, None),
    (BUCKET, {"tags": {"a": "b"}, "tagsAll": {f"k{i}": "v" for i in range(51)}}, "51 tags with the provider's default tags"),
    (ASG, {"tags": [{"key": f"k{i}", "value": "v", "propagateAtLaunch": True} for i in range(51)]}, "51 tags"),
    (BUCKET, {"tags": {"k" * 129: "v"}}, "129 characters; at most 128"),
    (BUCKET, {"tags": {"k": "v" * 257, "other": UNKNOWN}}, '["k"] has 257 characters'),
    (LB, {"name": "internal-shop"}, "may not start with internal-"),
    (LB, {"name": "shop-alb"}, None),
    (INSTANCE, {"userData": "x" * 16385}, "user_data is 16,385 bytes"),
    (INSTANCE, {"userDataBase64": base64.b64encode(b"x" * 16386).decode()}, "user_data_base64 is 16,386 bytes"),
    (LT, {"userData": base64.b64encode(b"x" * 16384).decode()}, None),
    (LT, {"userData": base64.b64encode(b"x" * 16385).decode()}, "user_data is 16,385 bytes"),
    (BUCKET_POLICY, {"policy": "x" * (20 * 1024 + 1)}, "20,481 bytes"),
    (ROLE, {"inlinePolicies": [{"name": "a", "policy": "x" * 6000}, {"name": "b", "policy": "y" * 5000}]}, "11,000 characters"),
    (ROLE, {"inlinePolicies": [{"name": "a", "policy": "x " * 6000}]}, None),  # white space is not counted
    (SG, {"ingress": [{"description": "Port 80 from the load balancer"}]}, None),
    (SG, {"egress": [{"description": "To the fleet's port"}]}, "egress[0].description"),
    (EGRESS, {"description": "NFS to the file system's mount targets"}, "no apostrophes"),
    (DB, {"engine": "postgres", "username": "a" * 63, "dbName": "shop_db"}, None),
    (DB, {"engine": "mariadb", "dbName": "word-press"}, "db_name"),
    ("aws:rds/cluster:Cluster", {"engine": "aurora-mysql", "masterUsername": "a" * 17}, "master_username"),
    (QUEUE, {"name": "jobs queue"}, "up to 80"),
    (QUEUE, {"name": "j" * 76 + ".fifo"}, "up to 80"),
    (QUEUE, {"name": "jobs.fifo"}, None),
    (CDN, {"comment": "c" * 129}, "129 characters"),
]


@pytest.mark.parametrize(
    ("resource_type", "props", "expected"), LIMIT_CASES, ids=[f"{c[0].split(':')[-1]}-{i}" for i, c in enumerate(LIMIT_CASES)]
)
def test_documented_limits(resource_type: str, props: dict, expected: Optional[str]) -> None:
    found = check_resource("aws-documented-limits", resource_type, props)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0] and "https://docs.aws.amazon.com/" in found[0] and "Fix: " in found[0], found


def test_every_limit_row_cites_aws_and_can_be_skipped() -> None:
    limits = preflight("limits")
    for row in (*limits.RESOURCE_LIMITS, *preflight("stack_limits").STACK_LIMITS):
        assert row.source.startswith("https://docs.aws.amazon.com/") and row.rule, row.id
    assert check_resource("aws-documented-limits", CDN, {"comment": "c" * 129}, {"skip": ["cloudfront-comment"]}) == []


def test_a_roles_inline_policies_count_together() -> None:
    role = res(ROLE, "role", {"id": "role-id", "inlinePolicies": [{"name": "a", "policy": "x" * 4000}]})
    attached = [res(ROLE_POLICY, f"p{i}", {"role": "role-id", "policy": "y" * 4000}) for i in range(2)]
    [(name, message)] = check_stack("aws-documented-stack-limits", [role, *attached])
    assert name == "role" and "3 inline policies" in message and "12,000 characters" in message
    assert check_stack("aws-documented-stack-limits", [role, attached[0]]) == []


def test_scheduled_actions_per_group_are_counted_through_references() -> None:
    group = res(ASG, "asg", {"id": "asg-id", "name": "asg-id"})
    schedules = [res(SCHEDULE, f"s{i}", {"autoscalingGroupName": "asg-id"}) for i in range(126)]
    [(name, message)] = check_stack("aws-documented-stack-limits", [group, *schedules])
    assert name == "asg" and "126 aws.autoscaling.Schedule" in message


def test_rules_per_security_group_follow_the_accounts_quota() -> None:
    group = res(SG, "sg", {"id": "sg-id", "ingress": [{"cidrBlocks": [f"10.0.{i}.0/24" for i in range(40)]}]})
    rules = [res(INGRESS, f"r{i}", {"securityGroupId": "sg-id", "cidrIpv4": f"10.1.{i}.0/24"}) for i in range(21)]
    [(name, message)] = check_stack("aws-documented-stack-limits", [group, *rules])
    assert name == "sg" and "ingress holds at least 61 IPv4 rules" in message
    assert check_stack("aws-documented-stack-limits", [group, *rules], {"rulesPerSecurityGroup": 100}) == []


def test_paths_values_and_arguments() -> None:
    template, messages = preflight("template"), preflight("messages")
    assert template.parse_path("a.b[].c[0]") == ("a", "b", None, "c", 0)
    props = engine_props({"rules": [{"id": "x", "days": 30.0}, UNKNOWN, {"id": UNKNOWN, "days": 7.0}]})
    assert list(template.known_values(props, template.parse_path("rules[].days"))) == [
        (("rules", 0, "days"), 30),
        (("rules", 2, "days"), 7),
    ]
    assert list(template.known_values(props, template.parse_path("rules[].id"))) == [(("rules", 0, "id"), "x")]
    assert messages.argument(("metadataOptions", "httpTokens")) == "metadata_options.http_tokens"
    assert messages.argument(("ingress", 2, "ipv6CidrBlocks")) == "ingress[2].ipv6_cidr_blocks"
    assert messages.show("x" * 100) == '"' + "x" * 56 + "..." and messages.show(["a"], sensitive=True) == "(value not shown)"


def test_values_land_at_their_cloudformation_paths() -> None:
    group = res(SG, "sg", {"description": "web", "ingress": [UNKNOWN, {"fromPort": 80.0, "toPort": 80.0}], "tags": {"a": "b"}})
    [built] = preflight("template").build_templates(policy_resources(stack_request([group])), "us-east-1")
    assert built.body()["Resources"]["R0"] == {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "web", "SecurityGroupIngress": [{}, {"FromPort": 80, "ToPort": 80}]},
    }


def test_resources_with_identical_values_are_linted_once_and_each_reported() -> None:
    groups = [res(SG, f"sg{i}", {"description": "The fleet's group"}) for i in range(3)]
    built = preflight("template").build_templates(policy_resources(stack_request(groups)), "us-east-1")
    assert [len(t.resources) for t in built] == [1]
    assert [name for name, _ in accepted(groups)] == ["sg0", "sg1", "sg2"]


def test_the_docs_list_every_rule_limit_and_exemption_as_the_code_has_them() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "policies.md").read_text()
    section = docs.split("## The AWS preflight", 1)[1].split("\n## ", 1)[0]
    limits, stack_limits = preflight("limits"), preflight("stack_limits")
    exemptions, lint = preflight("exemptions"), preflight("lint")
    for kind, rows in (("resource", limits.RESOURCE_LIMITS), ("stack", stack_limits.STACK_LIMITS)):
        for row in rows:
            assert f"| `{row.id}` | {kind} | {row.rule} | {row.source} |" in section, row.id
    for exemption in exemptions.EXEMPTIONS:
        assert (
            f"| {exemption.rule} | `{exemption.cfn_type}` {exemption.cfn_property} | {exemption.reason} | {exemption.source} |" in section
        )
    listed = {rule for line in section.splitlines() if line.startswith("| E") for rule in line.split(" | ")[0].strip("| ").split(", ")}
    assert listed >= set(lint.VALUE_RULES), sorted(set(lint.VALUE_RULES) - listed)
