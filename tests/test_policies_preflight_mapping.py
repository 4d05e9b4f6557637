"""The preflight pack's mapping and rules against the world: pulumi-aws's real properties, cfn-lint's real schemas.

Every resource type our components create has an entry; every mapped Pulumi path exists on the resource
(outputs, which stack policies read) and prints as the SDK's snake_case argument; every CloudFormation
path exists in cfn-lint's schema of its type; every rule the pack reports fires through the rule subset
the pack loads. pulumi-aws is read from its generated sources, not imported: importing a service's
classes costs up to a second each, reading them a few milliseconds.
"""

import ast
import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any, Optional

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from tests.policy_harness import pack_module

REPO = Path(__file__).resolve().parent.parent
PULUMI_AWS = Path(importlib.util.find_spec("pulumi_aws").origin).parent


def preflight(module: str) -> Any:
    """A module of the preflight pack's rules package."""
    return pack_module("aws_preflight", module)


MAPPINGS = preflight("mapping").MAPPINGS


@functools.cache
def registry() -> dict[str, tuple[str, str, str]]:
    """pulumi-aws's own table of its resources: type token -> (Python package, source module, class)."""
    text = (PULUMI_AWS / "__init__.py").read_text()
    modules = json.loads(text.split('resource_modules="""', 1)[1].split('"""', 1)[0])
    table = {}
    for entry in modules:
        module = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", entry["mod"].split("/")[1]).lower()
        for token, name in entry["classes"].items():
            table[token] = (entry["fqn"].split(".")[1], module, name)
    return table


def created_types() -> set[str]:
    """Type tokens of every `aws.<module>.<Class>(...)` call in components/ and the program."""
    tokens = {(package, name): token for token, (package, _, name) in registry().items()}
    found = set()
    for path in [*sorted((REPO / "components").rglob("*.py")), REPO / "__main__.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            func = node.func if isinstance(node, ast.Call) else None
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and isinstance(func.value.value, ast.Name)):
                continue
            if func.value.value.id == "aws" and (func.value.attr, func.attr) in tokens:
                found.add(tokens[(func.value.attr, func.attr)])
    return found


def test_every_type_our_components_create_has_an_entry() -> None:
    types = created_types()
    assert len(types) > 60, "the scan found the components' resources"
    assert sorted(types - set(MAPPINGS)) == [], "add a mapping (or an unchecked(...) entry with its reason) to mapping.py"


def test_entries_without_a_cloudformation_type_say_why() -> None:
    for token, mapping in MAPPINGS.items():
        assert bool(mapping.cfn_type) != bool(mapping.reason), token
        assert mapping.cfn_type or not mapping.properties, token


_GETTER = re.compile(r'@pulumi\.getter(?:\(name="(\w+)"\))?\s+def (\w+)\(self\) -> ([^\n]+):\n')


@functools.cache
def output_classes(path: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Class -> camelCase property -> (snake_case name, return annotation), read from a generated module."""
    parts = re.split(r"^class (\w+)\(", path.read_text(), flags=re.M)
    return {
        parts[i]: {camel or snake: (snake, annotation) for camel, snake, annotation in _GETTER.findall(parts[i + 1])}
        for i in range(1, len(parts), 2)
    }


def pulumi_path_problem(token: str, path: str) -> Optional[str]:
    """Why a camelCase path is not a property of the resource's outputs (None when it is), checking the snake_case names."""
    steps = preflight("template").parse_path(path)
    package, module, name = registry()[token]
    properties: Optional[dict[str, tuple[str, str]]] = output_classes(PULUMI_AWS / package / f"{module}.py")[name]
    pending_list, snake = False, []
    for step in steps:
        if step is None or isinstance(step, int):
            if not pending_list:
                return f"{path}: {step} indexes something that is not a list"
            pending_list = False
            continue
        if pending_list:
            return f"{path}: {step} follows a list without []"
        if properties is None or step not in properties:
            return f"{path}: no {step} there"
        name_, annotation = properties[step]
        snake.append(name_)
        pending_list = "Sequence[" in annotation
        nested = re.findall(r"'outputs\.(\w+)'", annotation)
        properties = output_classes(PULUMI_AWS / package / "outputs.py")[nested[0]] if nested else None
    printed = preflight("messages").argument([s for s in steps if isinstance(s, str)])
    return None if printed == ".".join(snake) else f"{path}: messages print {printed}, the SDK argument is {'.'.join(snake)}"


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def cfn_path_problem(cfn_type: str, path: str) -> Optional[str]:
    """Why a path is not a property of the CloudFormation type in cfn-lint's schema (None when it is)."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", cfn_type).schema
    node = _resolve(schema, schema)
    for step in preflight("template").parse_path(path):
        if step is None or isinstance(step, int):
            node = _resolve(schema, node.get("items"))
            if node is None:
                return f"{path}: {step} indexes something that is not a list"
            continue
        candidates = [node, *(_resolve(schema, s) for key in ("oneOf", "anyOf", "allOf") for s in node.get(key, []))]
        match = next((c["properties"][step] for c in candidates if step in (c.get("properties") or {})), None)
        if match is None:
            return f"{path}: {cfn_type} has no {step}"
        node = _resolve(schema, match)
    return None


@pytest.mark.parametrize("token", sorted(MAPPINGS))
def test_mapped_paths_exist_on_both_sides(token: str) -> None:
    mapping = MAPPINGS[token]
    problems = [pulumi_path_problem(token, p) for p in [*mapping.properties, *mapping.computed_twins.values()]]
    problems += [cfn_path_problem(mapping.cfn_type, c) for c in mapping.properties.values()]
    assert [p for p in problems if p] == []


def test_the_path_checks_refuse_what_does_not_exist() -> None:
    """The two checks above can fail."""
    assert "no intervall" in pulumi_path_problem("aws:lb/targetGroup:TargetGroup", "healthCheck.intervall")
    assert "no fifoQueues" in pulumi_path_problem("aws:sqs/queue:Queue", "fifoQueues")
    assert "without []" in pulumi_path_problem("aws:ec2/securityGroup:SecurityGroup", "ingress.fromPort")
    assert "has no FromPortt" in cfn_path_problem("AWS::EC2::SecurityGroup", "SecurityGroupIngress[].FromPortt")


TRIGGERS = {
    "E3030": ("AWS::Logs::LogGroup", {"RetentionInDays": 45}),
    "E3031": ("AWS::EC2::SecurityGroup", {"GroupDescription": "it's"}),
    "E3032": ("AWS::Lambda::Function", {"Architectures": ["arm64", "x86_64"]}),
    "E3033": ("AWS::IAM::Role", {"RoleName": "r" * 70}),
    "E3034": ("AWS::KMS::Key", {"PendingWindowInDays": 3}),
    "E3037": ("AWS::RDS::DBCluster", {"EnableCloudwatchLogsExports": ["audit", "audit"]}),
    "E1153": ("AWS::EC2::SecurityGroup", {"GroupName": "web's"}),
    "E1155": ("AWS::Logs::LogGroup", {"LogGroupName": "bad name!"}),
    "E1161": ("AWS::S3::Bucket", {"BucketName": "Bad_Bucket"}),
    "E1164": ("AWS::KMS::Alias", {"AliasName": "my-key"}),
    "E2531": ("AWS::Lambda::Function", {"Runtime": "python3.7"}),
    "E3025": ("AWS::RDS::DBInstance", {"DBInstanceClass": "db.t4g.huge", "Engine": "mysql"}),
    "E3027": ("AWS::Events::Rule", {"ScheduleExpression": "rate(1 minutes)"}),
    "E3047": ("AWS::ECS::TaskDefinition", {"RequiresCompatibilities": ["FARGATE"], "Cpu": "256", "Memory": "8192"}),
    "E3062": ("AWS::RDS::DBInstance", {"DBInstanceClass": "db.t2.micro", "Engine": "mysql", "EngineVersion": "8.4"}),
    "E3501": ("AWS::SQS::Queue", {"FifoQueue": True, "QueueName": "jobs"}),
    "E3504": (
        "AWS::Backup::BackupPlan",
        {"BackupPlan": {"BackupPlanRule": [{"Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 60}}]}},
    ),
    "E3615": ("AWS::CloudWatch::Alarm", {"Period": 45}),
    "E3628": ("AWS::EC2::Instance", {"InstanceType": "m3.medium"}),
    "E3647": ("AWS::ElastiCache::CacheCluster", {"CacheNodeType": "cache.t9.micro"}),
    "E3663": ("AWS::Lambda::Function", {"Environment": {"Variables": {"AWS_REGION": "x"}}}),
    "E3671": ("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"BlockDeviceMappings": [{"Ebs": {"VolumeType": "gp3", "Iops": 50}}]}}),
    "E3690": ("AWS::RDS::DBCluster", {"Engine": "aurora-mysql", "EngineVersion": "1.2.3"}),
    "E3691": ("AWS::RDS::DBInstance", {"Engine": "mysql", "EngineVersion": "5.1"}),
    "E3694": ("AWS::RDS::DBCluster", {"Engine": "mysql", "DBClusterInstanceClass": "db.t9.micro"}),
    "E3695": ("AWS::ElastiCache::CacheCluster", {"Engine": "redis", "EngineVersion": "1.0"}),
    "E3697": ("AWS::Lambda::Function", {"Environment": {"Variables": {"BIG": "x" * 5000}}}),
    "E3706": ("AWS::AutoScaling::AutoScalingGroup", {"MinSize": 3, "MaxSize": 2}),
}
"""One value per reported rule that the rule refuses (eu-west-3, where m3 instances were never offered)."""


def test_every_reported_rule_fires_through_the_rules_the_pack_loads() -> None:
    lint = preflight("lint")
    assert set(TRIGGERS) == set(lint.VALUE_RULES)
    template = {"Resources": {f"R{rule}": {"Type": cfn_type, "Properties": props} for rule, (cfn_type, props) in TRIGGERS.items()}}
    fired = {(f.path[1], f.rule) for f in lint.lint(template, "eu-west-3")}
    assert sorted(rule for rule in TRIGGERS if (f"R{rule}", rule) not in fired) == []


def test_a_region_cfn_lint_does_not_know_skips_only_the_regional_rules() -> None:
    lint = preflight("lint")
    template = {"Resources": {r: {"Type": TRIGGERS[r][0], "Properties": TRIGGERS[r][1]} for r in ("E3628", "E3030")}}
    assert {f.rule for f in lint.lint(template, "xx-nowhere-1")} == {"E3030"}
    assert {f.rule for f in lint.lint(template, "eu-west-3", skip=["E3030"])} == {"E3628"}


def test_a_cfnlintrc_cannot_switch_the_checks_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cfnlintrc").write_text("ignore_checks:\n  - E3030\n")
    monkeypatch.chdir(tmp_path)
    template = {"Resources": {"Logs": {"Type": TRIGGERS["E3030"][0], "Properties": TRIGGERS["E3030"][1]}}}
    assert [f.rule for f in preflight("lint").lint(template, "us-east-1")] == ["E3030"]


def test_when_a_cfn_lint_release_moves_a_rule_its_full_loader_serves_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    lint = preflight("lint")
    monkeypatch.setattr(lint, "_rule_classes", lambda wanted: {})
    fallback = lint.rules.__wrapped__()
    assert set(fallback.keys()) == set(lint.rules().keys())
