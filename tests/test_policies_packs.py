"""The pack folders work unchanged under the real CLI: layout, self-containment, and a gRPC run as the CLI starts it."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policy_harness import pack

POLICIES = Path(__file__).resolve().parent.parent / "policies"
PACKS = {"least_privilege": "least_privilege_rules", "cost": "cost_rules", "aws_preflight": "aws_preflight_rules"}
THIRD_PARTY = {"aws_preflight": {"cfnlint"}}
"""Libraries a pack may import besides pulumi-policy, each listed in its requirements.txt."""


@pytest.mark.parametrize("folder", PACKS)
def test_pack_folder_has_what_the_cli_needs(folder: str) -> None:
    manifest = yaml.safe_load((POLICIES / folder / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"]) and manifest["description"]
    requirements = (POLICIES / folder / "requirements.txt").read_text()
    assert re.search(r"^pulumi-policy>=1\.21,<2$", requirements, re.M)


@pytest.mark.parametrize("folder", PACKS)
def test_main_only_builds_the_pack(folder: str) -> None:
    tree = ast.parse((POLICIES / folder / "__main__.py").read_text())
    body = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    assert len(body) == 2 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), "docstring, then the pack"
    call = body[1].value
    assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "PolicyPack"


@pytest.mark.parametrize(("folder", "package"), PACKS.items())
def test_pack_code_imports_nothing_from_the_repository(folder: str, package: str) -> None:
    """The CLI puts only the pack folder on sys.path: the repository's packages are out of reach."""
    allowed = {package, "pulumi_policy", "yaml", "__future__", *THIRD_PARTY.get(folder, ())}
    for path in (POLICIES / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                root = node.module.split(".")[0]
                assert root in allowed or root in sys.stdlib_module_names, f"{path}: imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    root = alias.name.split(".")[0]
                    assert root in allowed or root in sys.stdlib_module_names, f"{path}: imports {alias.name}"


def test_shared_helpers_are_identical_copies() -> None:
    copies = {(POLICIES / folder / package / "_props.py").read_text() for folder, package in PACKS.items()}
    assert len(copies) == 1, "edit _props.py in one pack and copy it to the others"


def test_third_party_imports_are_required() -> None:
    for folder, modules in THIRD_PARTY.items():
        requirements = (POLICIES / folder / "requirements.txt").read_text()
        for module in modules:
            assert re.search(rf"^{module.replace('cfnlint', 'cfn-lint')}>=", requirements, re.M), f"{folder}: {module}"


def test_policy_names_are_unique_across_packs_and_fully_described() -> None:
    policies = [p for folder in PACKS for p in pack(folder).policies]
    names = [p.name for p in policies]
    assert len(names) == len(set(names)), "one config file serves every pack"
    for policy in policies:
        assert policy.description.endswith(".") and policy.remediation_steps, policy.name
        for prop, schema in (policy.config_schema.properties if policy.config_schema else {}).items():
            assert schema.get("description"), f"{policy.name}.{prop}"
            assert "default" in schema or prop == "budgetUsd", f"{policy.name}.{prop} needs a default"


def run_like_the_cli(folder: str) -> subprocess.Popen:
    """What `pulumi-analyzer-policy-python` does: `python -u -m pulumi.policy <engine> .` inside the pack folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=POLICIES / folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


PREFLIGHT_STACK = ("aws:ec2/securityGroup:SecurityGroup", {"description": "The fleet's group"}, "aws-accepted-values")
"""A stack the preflight pack refuses through cfn-lint: run by the pack's own process, with only its folder on sys.path."""


@pytest.mark.parametrize(
    ("folder", "resource_type", "props", "policy", "stack"),
    [
        (
            "least_privilege",
            "aws:ec2/securityGroup:SecurityGroup",
            {"ingress": [{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]}]},
            "sg-no-public-admin-ports",
            None,
        ),
        ("cost", "aws:cloudwatch/logGroup:LogGroup", {"name": "/aws/lambda/app"}, "log-group-retention", None),
        (
            "aws_preflight",
            "aws:lb/targetGroup:TargetGroup",
            {"name": "web-servers-of-the-shop-in-eu-west-3"},
            "aws-documented-limits",
            PREFLIGHT_STACK,
        ),
    ],
)
def test_pack_serves_its_policies_when_started_as_the_cli_starts_it(
    folder: str, resource_type: str, props: dict, policy: str, stack: Optional[tuple[str, dict, str]]
) -> None:
    process = run_like_the_cli(folder)
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), process.stderr.read()
        stub = analyzer_pb2_grpc.AnalyzerStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
        assert info.name == pack(folder).name and len(info.policies) == len(pack(folder).policies)
        properties = struct_pb2.Struct()
        properties.update(props)
        request = proto.AnalyzeRequest(type=resource_type, properties=properties, urn=f"urn:pulumi:dev::p::{resource_type}::r", name="r")
        response = stub.Analyze(request, timeout=10)
        assert [(d.policyName, d.enforcementLevel) for d in response.diagnostics] == [(policy, proto.MANDATORY)]
        config = proto.ConfigureAnalyzerRequest()
        config.policyConfig[policy].enforcementLevel = proto.DISABLED
        stub.Configure(config, timeout=10)
        assert not stub.Analyze(request, timeout=10).diagnostics
        if stack:
            stack_type, stack_props, stack_policy = stack
            resource = proto.AnalyzerResource(type=stack_type, urn=f"urn:pulumi:dev::p::{stack_type}::sg", name="sg")
            resource.properties.update(stack_props)
            diagnostics = stub.AnalyzeStack(proto.AnalyzeStackRequest(resources=[resource]), timeout=30).diagnostics
            assert [(d.policyName, d.urn) for d in diagnostics] == [(stack_policy, resource.urn)], diagnostics
    finally:
        process.kill()
        process.communicate()
