"""Stack config: every key declared once, and every bad value refused in one line naming the key."""

from pathlib import Path

import pulumi
import pytest
import yaml

from settings import ConfigError, all_keys, load_settings
from tests.harness import REPO, STACKS, run_stack

BAD_VALUES = [
    ("vpcCidr", "10.0.0.0/33", "is not a valid IPv4 CIDR block"),
    ("vpcCidr", "10.0.0.0/25", "is too small for the subnet plan"),
    ("vpcCidr", "banana", "is not a CIDR block"),
    ("azCount", "0", "use a whole number from 1 to 6"),
    ("azCount", "7", "use a whole number from 1 to 6"),
    ("azCount", "two", "is not a whole number"),
    ("natStrategy", "double", "use one of none, single, one_per_az, instance"),
    ("sshAllowedCidrs", '["0.0.0.0/0"]', "opens SSH to the whole internet"),
    ("sshAllowedCidrs", '["::/0"]', "opens SSH to the whole internet"),
    ("sshAllowedCidrs", '["office"]', "is not a CIDR block"),
    ("sshAllowedCidrs", "203.0.113.0/24", "is not a list"),
    ("privateSubnetCidrs", '["10.0.0.0/20", "10.0.8.0/21"]', "overlaps"),
    ("publicSubnetCidrs", '["10.9.0.0/24", "10.9.1.0/24"]', "is not inside the VPC CIDR"),
    ("bastionEnabled", "yes", "is not a boolean"),
    ("flowLogRetentionDays", "10", "is not a CloudWatch retention"),
    ("monthlyBudgetUsd", "0", "the budget must be a positive number"),
    ("monthlyBudgetUsd", "-5", "the budget must be a positive number"),
    ("azCont", "2", "unknown config key; did you mean azCount?"),
]


@pytest.mark.parametrize(("key", "value", "reason"), BAD_VALUES, ids=[f"{k}={v}" for k, v, _ in BAD_VALUES])
def test_program_refuses_bad_config_in_one_line_before_any_resource(key: str, value: str, reason: str) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        run_stack("dev", overrides={f"awsinaction:{key}": value})
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"awsinaction:{key}: ")
    assert reason in message
    assert raised.value.registered == []  # type: ignore[attr-defined]


def test_more_azs_than_the_region_has_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"awsinaction:azCount: 4 is more than the 3 availability zones this region has"):
        load_settings("awsinaction", "dev", {"azCount": "4"}, available_azs=3)


def test_bastion_without_allow_list_is_refused() -> None:
    with pytest.raises(pulumi.RunError, match=r"^awsinaction:sshAllowedCidrs: \[\] leaves the bastion unreachable"):
        run_stack("dev", overrides={"awsinaction:bastionEnabled": "true"})


def test_pulumi_yaml_declares_exactly_the_settings_keys() -> None:
    declared = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    keys = {key.name: key for key in all_keys()}
    assert set(declared) == set(keys)
    for name, key in keys.items():
        assert declared[name]["type"] == key.type, name
        assert declared[name]["default"] == key.default, name
        assert declared[name]["description"] == key.description, name


@pytest.mark.parametrize("stack", STACKS)
def test_committed_stacks_use_only_declared_keys_with_valid_values(stack: str) -> None:
    values = yaml.safe_load(Path(REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    raw = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("awsinaction:")}
    settings = load_settings("awsinaction", stack, raw, available_azs=6)
    assert settings.stack == stack


def test_defaults_are_safe() -> None:
    settings = load_settings("awsinaction", "any", {})
    assert settings.network.ssh_allowed_cidrs == []
    assert settings.network.bastion_enabled is False


def test_program_refuses_more_azs_than_the_region_has() -> None:
    from policies.offline.mocks import AwsMocks
    from policies.offline.runner import run_project

    with pytest.raises(pulumi.RunError, match=r"^awsinaction:azCount: 3 is more than the 2 availability zones this region has$"):
        run_project(REPO, "prod", mocks=AwsMocks(zone_count=2))
