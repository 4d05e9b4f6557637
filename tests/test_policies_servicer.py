"""The packs through pulumi-policy's analyzer servicer: enforcement levels, pack config, unknowns, bad configs."""

from pathlib import Path
from typing import Any, Optional

import pytest
from pulumi.output import Unknown
from pulumi.runtime import proto

from policies.offline.analyze import (
    PackConfigError,
    analyze_request,
    analyzer_info,
    check_names,
    configure,
    parse_pack_config,
    read_pack_config,
    reconcile,
    stack_request,
)
from tests.policy_harness import pack
from tests.policy_harness import stack_resource as res

WORLD_SSH = res(
    "aws:ec2/securityGroup:SecurityGroup",
    "ssh",
    {"ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]},
)


def analyze(folder: str, resource: Any, config: Optional[dict] = None) -> Any:
    loaded = pack(folder)
    servicer = loaded.servicer()
    configure(servicer, reconcile(loaded, analyzer_info(servicer), parse_pack_config(config or {}, "test"), "test"))
    return servicer.Analyze(analyze_request(resource), None)


def levels(response: Any) -> dict[str, int]:
    return {d.policyName: d.enforcementLevel for d in response.diagnostics}


HYGIENE = {
    "secrets-rotation",
    "sqs-dead-letter-queue",
    "apigateway-authorization",
    "eks-secrets-encrypted",
    "dynamodb-kms-encryption",
    "access-logging",
}
"""Least-privilege policies that are advisory by default: good hygiene, not a hole."""


def test_security_policies_are_mandatory_and_hygiene_advisory_by_default() -> None:
    assert levels(analyze("least_privilege", WORLD_SSH))["sg-no-public-admin-ports"] == proto.MANDATORY
    infos = analyzer_info(pack("least_privilege").servicer())
    assert {info.name for info in infos if info.level == "advisory"} == HYGIENE
    assert {info.level for info in infos if info.name not in HYGIENE} == {"mandatory"}
    assert {info.level for info in analyzer_info(pack("cost").servicer())} == {"mandatory"}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"sg-no-public-admin-ports": "advisory"}, proto.ADVISORY),
        ({"sg-no-public-admin-ports": {"enforcementLevel": "advisory"}}, proto.ADVISORY),
        ({"all": "advisory"}, proto.ADVISORY),
        ({"all": "advisory", "sg-no-public-admin-ports": "mandatory"}, proto.MANDATORY),
        ({"sg-no-public-admin-ports": "remediate"}, proto.MANDATORY),
        ({"sg-no-public-admin-ports": "disabled"}, None),
    ],
)
def test_pack_config_sets_enforcement_levels(config: dict, expected: Optional[int]) -> None:
    assert levels(analyze("least_privilege", WORLD_SSH, config)).get("sg-no-public-admin-ports") == expected


def test_pack_config_properties_reach_the_policy() -> None:
    config = {"sg-no-public-admin-ports": {"adminPorts": [8080]}}
    assert "sg-no-public-admin-ports" not in levels(analyze("least_privilege", WORLD_SSH, config))
    web = res(
        "aws:ec2/securityGroup:SecurityGroup",
        "web",
        {"ingress": [{"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["::/0"]}]},
    )
    assert "sg-no-public-admin-ports" in levels(analyze("least_privilege", web, config))


def test_reconcile_fills_schema_defaults_like_the_cli() -> None:
    loaded = pack("cost")
    config = reconcile(loaded, analyzer_info(loaded.servicer()), {}, "test")
    assert config["asg-max-size"] == {"enforcementLevel": "mandatory", "properties": {"maxSize": 10}}
    assert config["monthly-budget"]["properties"] == {"usage": {}, "topResources": 5}


def test_unknown_values_give_an_advisory_cant_run_diagnostic_even_for_mandatory_policies() -> None:
    policy = res("aws:iam/rolePolicy:RolePolicy", "p", {"policy": Unknown(), "role": "r"})
    response = analyze("least_privilege", policy)
    assert levels(response)["iam-no-wildcard-actions"] == proto.ADVISORY
    assert (
        "can't run policy 'iam-no-wildcard-actions'" in response.diagnostics[0].message
        and "during preview" in response.diagnostics[0].message
    )


def test_stack_policies_run_through_analyze_stack_with_their_config() -> None:
    loaded = pack("cost")
    servicer = loaded.servicer()
    nat = [res("aws:ec2/natGateway:NatGateway", f"nat-{z}", {"subnetId": z}) for z in "ab"]
    configure(
        servicer, reconcile(loaded, analyzer_info(servicer), parse_pack_config({"monthly-budget": {"budgetUsd": 40}}, "test"), "test")
    )
    response = servicer.AnalyzeStack(stack_request(nat), None)
    assert levels(response) == {"monthly-budget": proto.MANDATORY}, [d.message for d in response.diagnostics]
    configure(servicer, reconcile(loaded, analyzer_info(servicer), {}, "test"))
    response = servicer.AnalyzeStack(stack_request(nat), None)
    assert not response.diagnostics
    assert [(n.policy_name, n.reason.split(":")[0]) for n in response.not_applicable] == [("monthly-budget", "no monthly budget")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"asg-max-size": {"maxSize": "ten"}}', "asg-max-size: maxSize: 'ten' is not of type 'integer'"),
        ('{"asg-max-size": "strict"}', "'strict' is not a valid enforcement level"),
        ('{"asg-max-size": 3}', "must be a string or object"),
        ("[1]", "must be a JSON object"),
        ("{nope", "not valid JSON"),
    ],
)
def test_bad_pack_configs_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "dev.json"
    path.write_text(text)
    loaded = pack("cost")
    with pytest.raises(PackConfigError, match=r"dev\.json") as error:
        reconcile(loaded, analyzer_info(loaded.servicer()), read_pack_config(path), str(path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_unknown_policy_or_property_names_are_refused() -> None:
    infos = [analyzer_info(pack(folder).servicer()) for folder in ("least_privilege", "cost")]
    with pytest.raises(PackConfigError, match="did you mean asg-max-size"):
        check_names({"asg-maxsize": {"enforcementLevel": "advisory", "properties": {}}}, infos, "dev.json")
    with pytest.raises(PackConfigError, match="unknown config property 'max'"):
        check_names({"asg-max-size": {"enforcementLevel": None, "properties": {"max": 3}}}, infos, "dev.json")
    check_names({"all": {"enforcementLevel": "advisory", "properties": {}}}, infos, "dev.json")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_committed_pack_configs_are_valid_for_both_packs(stack: str) -> None:
    path = Path(__file__).resolve().parent.parent / "policies" / "config" / f"{stack}.json"
    config = read_pack_config(path)
    infos = [analyzer_info(pack(folder).servicer()) for folder in ("least_privilege", "cost")]
    check_names(config, infos, str(path))
    for folder, info in zip(("least_privilege", "cost"), infos, strict=True):
        reconcile(pack(folder), info, config, str(path))


def test_a_packs_initial_config_applies_before_the_file() -> None:
    import dataclasses

    from pulumi_policy import EnforcementLevel

    loaded = dataclasses.replace(
        pack("cost"),
        initial_config={
            "asg-max-size": {"enforcementLevel": EnforcementLevel.ADVISORY, "maxSize": 3},
            "ebs-gp3": EnforcementLevel.DISABLED,
        },
    )
    config = reconcile(loaded, analyzer_info(loaded.servicer()), parse_pack_config({"asg-max-size": {"maxSize": 5}}, "t"), "t")
    assert config["asg-max-size"] == {"enforcementLevel": "advisory", "properties": {"maxSize": 5}}
    assert config["ebs-gp3"]["enforcementLevel"] == "disabled"
