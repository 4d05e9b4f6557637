"""Stack config: every key declared once, and every bad value refused in one line naming the key."""

from typing import Any

import pulumi
import pytest

from policies.offline import stack_config
from settings import ConfigError, all_keys, load_settings, placeholder_keys
from settings.docs import project_file
from settings.schema import MAX_MESSAGE, PLACEHOLDER_KEYS_ENV, Key
from tests.harness import REPO, STACKS, run_stack

BAD_VALUES = [
    ("vpcCidr", "10.0.0.0/33", "is not a valid IPv4 CIDR block"),
    ("vpcCidr", "10.0.0.0/25", "smaller than the /27 the load balancer needs"),
    ("vpcCidr", "banana", "is not a CIDR block"),
    ("azCount", "0", "use a whole number from 2 to 6"),
    ("azCount", "7", "use a whole number from 2 to 6"),
    ("azCount", "two", "is not a whole number"),
    ("natStrategy", "double", "use one of single, one_per_az, instance"),
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
    ("azCont", "2", "unknown config key; did you mean awsinaction:azCount?"),
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


def refusal(raw: dict[str, Any]) -> str:
    """The one-line refusal of a config, via the settings alone (the path the program takes, without a run)."""
    with pytest.raises(ConfigError) as raised:
        load_settings("awsinaction", "test", raw, available_azs=6)
    message = str(raised.value)
    assert "\n" not in message and len(message) <= MAX_MESSAGE
    return message


AWS_REFUSALS = [
    ({"vpcCidr": "224.0.0.0/16"}, "awsinaction:vpcCidr: '224.0.0.0/16' overlaps 224.0.0.0/4, a special-purpose range (multicast)"),
    ({"vpcCidr": "10.0.0.0/23"}, "awsinaction:vpcCidr: '10.0.0.0/23' plans /28 public subnets, smaller than the /27 the load balancer"),
    ({"publicSubnetCidrs": '["10.0.200.0/28", "10.0.201.0/28"]'}, "awsinaction:publicSubnetCidrs: '10.0.200.0/28' is smaller than the /27"),
    (
        {"privateSubnetCidrs": '["10.0.0.0/21", "10.0.8.0/21"]'},
        "awsinaction:privateSubnetCidrs: '10.0.0.0/21' overlaps '10.0.0.0/21', the planned public subnet of AZ 1",
    ),
    ({"sshAllowedCidrs": '["0.0.0.0/1", "128.0.0.0/1"]'}, "awsinaction:sshAllowedCidrs: '0.0.0.0/1' opens SSH to a public range wider"),
    ({"sshAllowedCidrs": '["52.94.0.0/20"]', "sshMinPublicPrefix": "24"}, "wider than /24"),
    ({"sshMinPublicPrefix": "8"}, "awsinaction:sshMinPublicPrefix: 8 is not allowed; use a prefix length from 16 to 32"),
    ({"sshAllowedCidrs": str([f"10.{i}.0.0/16" for i in range(61)]).replace("'", '"')}, "61 IPv4 CIDRs need more than the 60 inbound"),
    ({"bastionKeyName": "k" * 5000}, "awsinaction:bastionKeyName: 'kkkkkkkkkkkkkkkkkkkkkkk…' (5000 chars) is not an EC2 key pair name"),
    ({"bastionKeyName": "clé"}, "awsinaction:bastionKeyName: 'clé' is not an EC2 key pair name (up to 255 printable ASCII characters)"),
    ({"webSchedules": '["0 8 * * *=3", "0  8 * * *=4"]', "webMaxSize": "6"}, "'0 8 * * *=4' runs at the same time as '0 8 * * *=3'"),
    (
        {"webSchedules": str([f"{m} {h} * * *=2" for h in range(6) for m in range(21)]).replace("'", '"')},
        "awsinaction:webSchedules: 126 schedules are more than the 125 an auto-scaling group takes",
    ),
    ({"natStrategy": "none"}, "awsinaction:natStrategy: 'none' leaves the web servers no route to the internet"),
    ({"staticPathPattern": "/*"}, "awsinaction:staticPathPattern: '/*' would send every request to the static bucket"),
    ({"staticPathPattern": "/" + "s" * 300}, "is not a CloudFront path pattern (a / then up to 255 characters"),
]


@pytest.mark.parametrize(("raw", "message"), AWS_REFUSALS, ids=[f"{next(iter(r))}-{i}" for i, (r, _) in enumerate(AWS_REFUSALS)])
def test_what_aws_would_refuse_is_refused_naming_the_config_key(raw: dict[str, Any], message: str) -> None:
    assert message in refusal(raw)


def https_origin(origin: str, domain: str) -> dict[str, str]:
    return {
        "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b",
        "originDomainName": origin,
        "domainName": domain,
        "hostedZoneId": "Z0123456789ABC",
    }


@pytest.mark.parametrize(
    ("origin", "domain"),
    [
        ("shop.example.com", "shop.example.com"),  # the domain already aliases CloudFront
        ("origin.other.com", "example.com"),  # only the TLD in common
        ("origin.example.com", "shop.example.com"),  # a sibling: the zone may be shop.example.com itself
        ("xshop.example.com", "shop.example.com"),
    ],
)
def test_the_origin_name_must_lie_under_the_domain(origin: str, domain: str) -> None:
    assert refusal(https_origin(origin, domain)).startswith(f"awsinaction:originDomainName: {origin!r} must be a name in the hosted zone")


def test_an_origin_under_the_domain_is_accepted() -> None:
    cdn = load_settings("awsinaction", "test", https_origin("origin.shop.example.com", "shop.example.com")).cdn
    assert cdn.origin_domain_name == "origin.shop.example.com"


def test_long_values_are_cut_but_the_key_and_the_reason_stay() -> None:
    message = refusal({"dbName": "x" * 1_000_000})
    assert message.startswith("awsinaction:dbName: 'xxxx") and "(1000000 chars)" in message and "is not a mysql database name" in message


@pytest.mark.parametrize(
    ("key_type", "raw", "parsed"),
    [
        ("integer", "3", 3),
        ("integer", "+3", 3),  # Go's Atoi and Python's int both read it
        ("integer", "-1", -1),
        ("boolean", "true", True),
        ("boolean", "false", False),
        ("array", '["a"]', ["a"]),
    ],
)
def test_values_are_typed_by_the_clis_rules(key_type: str, raw: str, parsed: Any) -> None:
    assert Key("k", key_type, None, "").parse(raw, "p:k") == parsed


@pytest.mark.parametrize(
    ("key_type", "raw"),
    [
        ("integer", "1_0"),  # Python's int() reads 10; the CLI's Atoi refuses it
        ("integer", " 3"),
        ("integer", "3.0"),
        ("integer", "٣"),  # an Arabic-Indic digit: Python reads 3, the CLI refuses it
        ("boolean", "True"),  # the SDK's get_bool reads it; the CLI refuses it for a declared boolean
        ("boolean", "yes"),
        ("array", '"a"'),
        ("array", "[1]"),
    ],
)
def test_values_the_cli_refuses_for_the_declared_type_are_refused(key_type: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=r"^p:k: "):
        Key("k", key_type, None, "").parse(raw, "p:k")


def test_more_azs_than_the_region_has_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"awsinaction:azCount: 4 is more than the 3 availability zones this region has"):
        load_settings("awsinaction", "dev", {"azCount": "4"}, available_azs=3)


def test_bastion_without_allow_list_is_refused() -> None:
    with pytest.raises(pulumi.RunError, match=r"^awsinaction:sshAllowedCidrs: \[\] leaves the bastion unreachable"):
        run_stack("dev", overrides={"awsinaction:bastionEnabled": "true"})


def test_pulumi_yaml_declares_exactly_the_settings_keys() -> None:
    assert (REPO / "Pulumi.yaml").read_text() == project_file(), "run: .venv/bin/python -m settings.docs --write"


@pytest.mark.parametrize("stack", STACKS)
def test_committed_stacks_use_only_declared_keys_with_valid_values(stack: str) -> None:
    config = stack_config.load_stack_config(REPO, stack)
    raw = {k.split(":", 1)[1]: v for k, v in config.values.items() if k.startswith("awsinaction:")}
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


@pytest.mark.parametrize("key", all_keys(), ids=lambda key: key.name)
def test_every_keys_stand_in_for_a_secret_passes_its_check(key: Key) -> None:
    if key.check:
        key.check(key.stand_in, f"awsinaction:{key.name}")


def test_a_placeholder_is_replaced_by_the_keys_example_and_everything_else_is_still_checked() -> None:
    raw = {"alarmEmail": stack_config.PLACEHOLDER_TEXT}
    assert load_settings("awsinaction", "t", raw, placeholders={"alarmEmail"}).ops.alarm_email == "ops@example.com"
    with pytest.raises(ConfigError, match=r"^awsinaction:alarmEmail: 'secret-placeholder' is not an e-mail address"):
        load_settings("awsinaction", "t", raw)
    with pytest.raises(ConfigError, match=r"^awsinaction:azCount: 9 is not allowed"):
        load_settings("awsinaction", "t", {**raw, "azCount": "9"}, placeholders={"alarmEmail"})


def test_the_program_learns_its_placeholders_from_the_offline_check(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PLACEHOLDER_KEYS_ENV == stack_config.PLACEHOLDER_KEYS_ENV, "the check and the settings must agree on the name"
    monkeypatch.delenv(PLACEHOLDER_KEYS_ENV, raising=False)
    assert placeholder_keys("awsinaction") == frozenset()
    with stack_config.placeholders_announced(["awsinaction:alarmEmail", "aws:secretKey"]):
        assert placeholder_keys("awsinaction") == {"alarmEmail"}
    assert placeholder_keys("awsinaction") == frozenset(), "announced only while the program runs"
