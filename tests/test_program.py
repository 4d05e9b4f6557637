"""The program, run for every committed stack under mocks: dev is cheap, prod is highly available."""

import pytest

from tests.harness import STACKS, depends_on, run_stack, world_open_ingress

SUBNET = "aws:ec2/subnet:Subnet"


def zones_by_tier(result) -> dict[str, set[str]]:
    tiers: dict[str, set[str]] = {}
    for subnet in result.of_type(SUBNET):
        tiers.setdefault(subnet.inputs["tags"]["Tier"], set()).add(subnet.inputs["availabilityZone"])
    return tiers


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_runs_in_both_modes(stack: str, preview: bool) -> None:
    result = run_stack(stack, preview)
    assert result.count("aws:ec2/vpc:Vpc") == 1
    assert not [r for r in world_open_ingress(result) if r[1] <= 22 <= r[2] or r[1] == -1]


def test_prod_spans_three_azs_with_a_nat_gateway_each(preview: bool) -> None:
    result = run_stack("prod", preview)
    assert {tier: len(zones) for tier, zones in zones_by_tier(result).items()} == {"public": 3, "private": 3, "isolated": 3}
    assert result.count("aws:ec2/natGateway:NatGateway") == 3


def test_dev_spans_two_azs_with_one_nat(preview: bool) -> None:
    result = run_stack("dev", preview)
    assert {tier: len(zones) for tier, zones in zones_by_tier(result).items()} == {"public": 2, "private": 2, "isolated": 2}
    nat_instances = [i for i in result.of_type("aws:ec2/instance:Instance") if i.inputs["tags"].get("Role") == "nat-instance"]
    assert result.count("aws:ec2/natGateway:NatGateway") + len(nat_instances) == 1


def test_dev_nat_instance_survives_its_setup_and_alarms_to_the_shops_topic(preview: bool) -> None:
    from components.network import nat_user_data

    result = run_stack("dev", preview)
    [nat] = [i for i in result.of_type("aws:ec2/instance:Instance") if i.inputs["tags"].get("Role") == "nat-instance"]
    assert nat.inputs["userData"] == nat_user_data("10.0.0.0/16"), "swap, forwarding and heartbeat"
    alarms = [a for a in result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if depends_on(result, a, nat)]
    topic = result.named("shop-db-alarms", "aws:sns/topic:Topic")
    assert len(alarms) == 3 and all(depends_on(result, a, topic) for a in alarms), "the topic alarmEmail subscribes to"
    assert result.count("aws:sns/topic:Topic") == 2, "no extra topic: the database's alarm topic and the fleet's events"


def test_stack_outputs_are_exported_in_camel_case() -> None:
    result = run_stack("prod")
    assert result.outputs, "the program exports its outputs"
    for name in result.outputs:
        assert name[0].islower() and "_" not in name and "-" not in name, name
    assert result.outputs["availabilityZones"] == ["us-east-1a", "us-east-1b", "us-east-1c"]


def test_prod_private_routes_use_their_own_az_nat_and_isolated_routes_have_none(preview: bool) -> None:
    from tests.test_network import subnets_by_tier, table_of

    result = run_stack("prod", preview)
    routes = result.of_type("aws:ec2/route:Route")
    gateways = result.of_type("aws:ec2/natGateway:NatGateway")
    tiers = subnets_by_tier(result)
    for subnet in tiers["private"]:
        [route] = [r for r in routes if depends_on(result, r, table_of(result, subnet))]
        [gateway] = [g for g in gateways if depends_on(result, route, g)]
        [public] = [s for s in tiers["public"] if depends_on(result, gateway, s)]
        assert public.inputs["availabilityZone"] == subnet.inputs["availabilityZone"]
    for subnet in tiers["isolated"]:
        assert not [r for r in routes if depends_on(result, r, table_of(result, subnet))]


@pytest.mark.parametrize("stack", STACKS)
def test_automations_are_off_unless_enabled(stack: str) -> None:
    result = run_stack(stack)
    assert result.count("awsinaction:index:WebsiteHealthCheck") == 0
    assert result.count("awsinaction:index:Ec2OwnerTagger") == 0


def test_automations_are_wired_when_enabled(preview: bool) -> None:
    overrides = {
        "awsinaction:healthCheckEnabled": "true",
        "awsinaction:ownerTaggerEnabled": "true",
        "awsinaction:alarmEmail": "ops@example.com",
    }
    result = run_stack("dev", preview, overrides)
    [check] = [f for f in result.of_type("aws:lambda/function:Function") if "health" in f.name]
    distribution = result.one("aws:cloudfront/distribution:Distribution")
    assert depends_on(result, check, distribution), "the health check points at the shop's CloudFront URL"
    assert result.count("aws:cloudtrail/trail:Trail") == 1
    topics = [
        t
        for t in result.of_type("aws:sns/topic:Topic")
        if t.parent.endswith(("WebsiteHealthCheck::website-health-check", "Ec2OwnerTagger::ec2-owner-tag"))
    ]
    assert len(topics) == 1, "the owner tagger reuses the health check's alarm topic"
    if not preview:
        assert check.inputs["environment"]["variables"]["site"] == result.outputs["siteUrl"] + "/"
        assert {"healthCheckFunctionName", "ownerTaggerFunctionName"} <= set(result.outputs)


def test_the_suite_has_no_network_beyond_the_loopback() -> None:
    import socket

    with pytest.raises(OSError, match="network access in a test"):
        socket.create_connection(("198.51.100.1", 443), timeout=1)


def test_wordpress_admin_mail_goes_to_the_alarm_email_when_set() -> None:
    import base64

    result = run_stack("dev", overrides={"awsinaction:alarmEmail": "ops@example.com"})
    script = base64.b64decode(result.one("aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]).decode()
    assert "ADMIN_EMAIL='ops@example.com'" in script
    default = base64.b64decode(run_stack("dev").one("aws:ec2/launchTemplate:LaunchTemplate").inputs["userData"]).decode()
    assert "ADMIN_EMAIL='admin@example.com'" in default
