"""The Network component, run under mocks in update and preview mode."""

import json
from typing import Any

import pytest

from components.network import NAT_METRIC_NAME, NAT_METRIC_NAMESPACE, NatStrategy, Network, NetworkArgs, check_ssh_allowed_cidrs
from tests.harness import Program, children_of, depends_on, port_in, run, world_open_ingress

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
INSTANCE = "aws:ec2/instance:Instance"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


def _network(**args: Any) -> Network:
    return Network("net", NetworkArgs(**args))


def build(**overrides: Any) -> Program:
    args = {
        "cidr_block": "10.0.0.0/16",
        "az_count": 3,
        "nat_strategy": NatStrategy.ONE_PER_AZ,
        "bastion_enabled": True,
        "ssh_allowed_cidrs": ["203.0.113.0/24"],
        **overrides,
    }
    return Program(_network, **args)


def subnets_by_tier(result) -> dict[str, list]:
    tiers: dict[str, list] = {}
    for subnet in result.of_type(SUBNET):
        tiers.setdefault(subnet.inputs["tags"]["Tier"], []).append(subnet)
    return tiers


def table_of(result, subnet) -> Any:
    """The route table a subnet is associated with (via the association's dependencies)."""
    association = next(a for a in result.of_type(ASSOCIATION) if depends_on(result, a, subnet))
    return next(t for t in result.of_type(ROUTE_TABLE) if depends_on(result, association, t))


def test_three_tiers_in_every_az(preview: bool) -> None:
    result = run(build(), preview)
    tiers = subnets_by_tier(result)
    assert sorted(tiers) == ["isolated", "private", "public"]
    for subnets in tiers.values():
        assert sorted(s.inputs["availabilityZone"] for s in subnets) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in result.of_type(SUBNET))


def test_one_nat_per_az_and_each_private_route_uses_its_own_az(preview: bool) -> None:
    result = run(build(), preview)
    gateways = result.of_type(NAT_GATEWAY)
    assert len(gateways) == 3
    for subnet in subnets_by_tier(result)["private"]:
        az = subnet.inputs["availabilityZone"]
        table = table_of(result, subnet)
        [route] = [r for r in result.of_type(ROUTE) if depends_on(result, r, table)]
        assert route.inputs["destinationCidrBlock"] == "0.0.0.0/0"
        [gateway] = [g for g in gateways if depends_on(result, route, g)]
        public_subnet = next(s for s in result.of_type(SUBNET) if depends_on(result, gateway, s))
        assert public_subnet.inputs["availabilityZone"] == az
        assert public_subnet.inputs["tags"]["Tier"] == "public"
        if not preview:
            assert route.inputs["natGatewayId"] == gateway.id


def test_isolated_route_tables_have_no_default_route(preview: bool) -> None:
    result = run(build(), preview)
    isolated_tables = [table_of(result, s) for s in subnets_by_tier(result)["isolated"]]
    assert len(isolated_tables) == 3
    for table in isolated_tables:
        assert not [r for r in result.of_type(ROUTE) if depends_on(result, r, table)]
        assert not table.inputs.get("routes")


@pytest.mark.parametrize(("strategy", "gateways", "instances"), [("single", 1, 0), ("none", 0, 0), ("instance", 0, 1)])
def test_cheaper_nat_strategies(strategy: str, gateways: int, instances: int, preview: bool) -> None:
    result = run(build(az_count=2, nat_strategy=strategy, bastion_enabled=False), preview)
    assert result.count(NAT_GATEWAY) == gateways
    nat_instances = [i for i in result.of_type(INSTANCE) if i.inputs["tags"]["Role"] == "nat-instance"]
    assert len(nat_instances) == instances
    private_routes = [r for r in result.of_type(ROUTE) if "private" in r.name]
    assert len(private_routes) == (0 if strategy == "none" else 2)
    if instances:
        [nat] = nat_instances
        assert nat.inputs["instanceType"] == "t4g.nano"
        assert nat.inputs["sourceDestCheck"] is False
        assert nat.inputs["metadataOptions"]["httpTokens"] == "required"
        assert nat.inputs["rootBlockDevice"]["encrypted"] is True
        assert all(depends_on(result, r, nat) for r in private_routes)
        assert "MASQUERADE" in nat.inputs["userData"] and "10.0.0.0/16" in nat.inputs["userData"]


ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:ops"


def nat_alarms(result) -> dict[str, Any]:
    [nat] = [i for i in result.of_type(INSTANCE) if i.inputs["tags"]["Role"] == "nat-instance"]
    return {a.name.removeprefix("net-nat-"): a for a in result.of_type(ALARM) if depends_on(result, a, nat)}


def test_a_failed_nat_instance_alarms_and_repairs_itself(preview: bool) -> None:
    result = run(build(az_count=2, nat_strategy="instance", bastion_enabled=False, alarm_topic_arn=TOPIC_ARN), preview)
    alarms = nat_alarms(result)
    assert sorted(alarms) == ["forwarding", "reboot", "recover"]
    expected = {
        "recover": ("AWS/EC2", "StatusCheckFailed_System", ["arn:aws:automate:us-east-1:ec2:recover", TOPIC_ARN]),
        "reboot": ("AWS/EC2", "StatusCheckFailed_Instance", ["arn:aws:automate:us-east-1:ec2:reboot", TOPIC_ARN]),
        "forwarding": (NAT_METRIC_NAMESPACE, NAT_METRIC_NAME, [TOPIC_ARN]),
    }
    for suffix, (namespace, metric, actions) in expected.items():
        alarm = alarms[suffix].inputs
        assert (alarm["namespace"], alarm["metricName"], alarm["alarmActions"]) == (namespace, metric, actions), suffix
        assert alarm["okActions"] == [TOPIC_ARN], "the topic hears when it is fixed, too"
    forwarding = alarms["forwarding"].inputs
    # 0 in the heartbeat, or no heartbeat at all (set-up died, instance down), is a broken NAT.
    assert (forwarding["statistic"], forwarding["comparisonOperator"], forwarding["threshold"]) == ("Minimum", "LessThanThreshold", 1.0)
    assert forwarding["treatMissingData"] == "breaching"
    assert result.count("aws:sns/topic:Topic") == 0, "the given topic is used, none is created"


def test_the_nat_instance_may_only_publish_its_heartbeat(preview: bool) -> None:
    result = run(build(az_count=2, nat_strategy="instance", bastion_enabled=False), preview)
    [nat] = [i for i in result.of_type(INSTANCE) if i.inputs["tags"]["Role"] == "nat-instance"]
    profile = result.named("net-nat", "aws:iam/instanceProfile:InstanceProfile")
    assert depends_on(result, nat, profile)
    [policy] = [p for p in result.of_type("aws:iam/rolePolicy:RolePolicy") if p.name == "net-nat"]
    [grant] = json.loads(policy.inputs["policy"])["Statement"]
    assert (grant["Effect"], grant["Action"], grant["Resource"]) == ("Allow", ["cloudwatch:PutMetricData"], ["*"])
    assert grant["Condition"] == {"StringEquals": {"cloudwatch:namespace": NAT_METRIC_NAMESPACE}}
    trust = json.loads(result.named("net-nat", "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    # Without a topic of the caller's, the alarms get an encrypted one of their own.
    topic = result.one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"]
    assert all(depends_on(result, alarm, topic) for alarm in nat_alarms(result).values())


def test_nat_gateways_need_no_instance_alarms(preview: bool) -> None:
    result = run(build(az_count=2, nat_strategy="single", bastion_enabled=False), preview)
    assert result.count(ALARM) == 0 and result.count("aws:sns/topic:Topic") == 0


def test_internet_gateway_only_with_public_subnets(preview: bool) -> None:
    with_public = run(build(bastion_enabled=False, nat_strategy="none"), preview)
    without = run(build(bastion_enabled=False, nat_strategy="none", public_subnets=False), preview)
    assert with_public.count("aws:ec2/internetGateway:InternetGateway") == 1
    assert without.count("aws:ec2/internetGateway:InternetGateway") == 0
    assert "public" not in subnets_by_tier(without)


def test_default_security_group_is_emptied_and_flow_logs_kept(preview: bool) -> None:
    result = run(build(flow_log_retention_days=90), preview)
    default_sg = result.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default_sg.inputs.get("ingress", []) == [] and default_sg.inputs.get("egress", []) == []
    assert result.one("aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 90
    flow_log = result.one("aws:ec2/flowLog:FlowLog")
    assert flow_log.inputs["trafficType"] == "ALL"
    trust = json.loads(result.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    policy = result.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"]
    if not preview:
        for stmt in json.loads(policy)["Statement"]:
            assert "*" not in stmt["Resource"] and all(":*" not in a for a in stmt["Action"])


@pytest.mark.parametrize(("public_subnets", "tables"), [(True, 7), (False, 6)])
def test_free_s3_gateway_endpoint_on_the_route_table_of_every_tier(preview: bool, public_subnets: bool, tables: int) -> None:
    result = run(build(bastion_enabled=False, nat_strategy="none", public_subnets=public_subnets), preview)
    endpoint = result.one(ENDPOINT)
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-east-1.s3"
    assert len(endpoint.inputs["routeTableIds"]) == result.count(ROUTE_TABLE) == tables
    assert set(endpoint.property_dependencies["routeTableIds"]) == {t.urn for t in result.of_type(ROUTE_TABLE)}


def test_bastion_reaches_only_the_vpc_and_s3_through_the_endpoint(preview: bool) -> None:
    """dnf's repositories live in S3: HTTPS to S3's prefix list replaces HTTPS to the internet."""
    result = run(build(), preview)
    bastion_sg = result.named("net-bastion", "aws:ec2/securityGroup:SecurityGroup")
    egress = {r.name: r for r in result.of_type(EGRESS) if depends_on(result, r, bastion_sg)}
    assert set(egress) == {"net-bastion-ssh-out", "net-bastion-https-out"}
    ssh, https = egress["net-bastion-ssh-out"], egress["net-bastion-https-out"]
    assert (ssh.inputs["fromPort"], ssh.inputs["toPort"], ssh.inputs["cidrIpv4"]) == (22.0, 22.0, "10.0.0.0/16")
    assert (https.inputs["ipProtocol"], https.inputs["fromPort"], https.inputs["toPort"]) == ("tcp", 443.0, 443.0)
    assert "cidrIpv4" not in https.inputs and "cidrIpv6" not in https.inputs
    endpoint = result.one(ENDPOINT)
    assert https.property_dependencies["prefixListId"] == [endpoint.urn]
    if not preview:
        assert https.inputs["prefixListId"] == endpoint.state["prefixListId"] and https.inputs["prefixListId"].startswith("pl-")


def test_bastion_is_hardened_and_recovers_itself(preview: bool) -> None:
    result = run(build(), preview)
    [bastion] = [i for i in result.of_type(INSTANCE) if i.inputs["tags"]["Role"] == "bastion"]
    assert bastion.inputs["instanceType"] == "t4g.nano"
    assert bastion.inputs["ami"] == "ami-0a1b2c3d4e5f67890", "AMI comes from the public SSM parameter"
    assert bastion.inputs["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1.0}
    assert bastion.inputs["rootBlockDevice"]["encrypted"] is True
    alarm = result.one("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.inputs["metricName"] == "StatusCheckFailed_System"
    assert alarm.inputs["alarmActions"] == ["arn:aws:automate:us-east-1:ec2:recover"]
    assert depends_on(result, alarm, bastion)
    ssh = [r for r in result.of_type(INGRESS) if r.name.startswith("net-bastion-ssh")]
    assert [r.inputs["cidrIpv4"] for r in ssh] == ["203.0.113.0/24"]


def test_no_security_group_opens_ssh_to_the_world(preview: bool) -> None:
    for strategy in NatStrategy:
        result = run(build(nat_strategy=strategy), preview)
        assert not [rule for rule in world_open_ingress(result) if port_in(22, rule[1], rule[2])]


def test_application_group_allows_ssh_only_from_the_bastion(preview: bool) -> None:
    result = run(build(), preview)
    app_sg = result.named("net-app", "aws:ec2/securityGroup:SecurityGroup")
    bastion_sg = result.named("net-bastion", "aws:ec2/securityGroup:SecurityGroup")
    rules = [r for r in result.of_type(INGRESS) if depends_on(result, r, app_sg)]
    assert len(rules) == 1
    [rule] = rules
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (22.0, 22.0)
    assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs
    assert depends_on(result, rule, bastion_sg)


def test_every_taggable_child_is_tagged_and_parented(preview: bool) -> None:
    result = run(build(), preview)
    [component] = result.of_type("awsinaction:index:Network")
    children = children_of(result, component.urn)
    assert len(children) == len(result.resources) - 1
    untaggable = {ASSOCIATION, ROUTE, "aws:iam/rolePolicy:RolePolicy"}
    for child in children:
        if child.type not in untaggable:
            assert {"Name", "Project", "Stack", "Component"} <= set(child.inputs["tags"]), child.name
            assert child.inputs["tags"]["Component"] == "Network"


def test_outputs_are_ordered_by_az() -> None:
    holder: dict[str, Network] = {}
    outputs: dict[str, object] = {}

    def program() -> None:
        network = holder["net"] = Network("net", NetworkArgs(cidr_block="10.0.0.0/16", az_count=3, nat_strategy="one_per_az"))
        for name in ("public_subnet_ids", "private_subnet_ids", "isolated_subnet_ids", "nat_gateway_ids", "availability_zones"):
            getattr(network, name).apply(lambda value, name=name: outputs.__setitem__(name, value))

    result = run(program)
    zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert holder["net"].zone_names == zones and outputs["availability_zones"] == zones
    for tier in ("public", "private", "isolated"):
        expected = [result.named(f"net-{tier}-{az}", SUBNET).id for az in zones]
        assert outputs[f"{tier}_subnet_ids"] == expected
    assert outputs["nat_gateway_ids"] == [result.named(f"net-nat-{az}", NAT_GATEWAY).id for az in zones]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cidr_block": "10.0.0.0/26"}, r"cidr_block: '10.0.0.0/26' is too small"),
        ({"az_count": 9}, r"az_count: 9 is not allowed"),
        ({"nat_strategy": "double"}, r"nat_strategy: 'double' is not allowed; use one of none, single, one_per_az, instance"),
        ({"ssh_allowed_cidrs": ["0.0.0.0/0"]}, r"ssh_allowed_cidrs: '0.0.0.0/0' opens SSH to the whole internet"),
        ({"ssh_allowed_cidrs": ["::/0"]}, r"ssh_allowed_cidrs: '::/0' opens SSH to the whole internet"),
        ({"ssh_allowed_cidrs": ["my office"]}, r"ssh_allowed_cidrs: 'my office' is not a CIDR block"),
        ({"ssh_allowed_cidrs": []}, r"ssh_allowed_cidrs: \[\] leaves the bastion unreachable"),
        ({"public_subnets": False}, r"nat_strategy: needs public subnets"),
        ({"flow_log_retention_days": 10}, r"flow_log_retention_days: 10 is not a CloudWatch retention"),
        ({"private_subnet_cidrs": ["10.0.0.0/20"] * 3}, r"private_subnet_cidrs: '10.0.0.0/20' overlaps"),
        (
            {"private_subnet_cidrs": ["10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21"]},
            r"private_subnet_cidrs: '10.0.0.0/21' overlaps '10.0.0.0/21', the planned public subnet of AZ 1",
        ),
        ({"ssh_allowed_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]}, r"ssh_allowed_cidrs: '0.0.0.0/1' opens SSH to a public range wider than /16"),
        ({"availability_zones": ["us-east-1a", "us-east-1a"]}, r"availability_zones: .* distinct AZs"),
        ({"bastion_instance_type": "huge"}, r"bastion_instance_type: 'huge' is not an EC2 instance type"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_registered(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        run(build(**overrides))
    assert raised.value.registered == []  # type: ignore[attr-defined]


def test_args_may_come_as_a_dict_from_other_languages(preview: bool) -> None:
    result = run(
        lambda: Network("net", {"cidr_block": "10.1.0.0/16", "az_count": 2, "nat_strategy": "instance", "flow_log_retention_days": None}),
        preview,
    )
    assert result.one("aws:ec2/vpc:Vpc").inputs["cidrBlock"] == "10.1.0.0/16"
    assert result.one("aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 30


@pytest.mark.parametrize(
    ("cidrs", "message"),
    [
        (["0.0.0.0/1", "128.0.0.0/1"], r"'0.0.0.0/1' opens SSH to a public range wider than /16"),
        (["52.0.0.0/8"], r"'52.0.0.0/8' opens SSH to a public range wider than /16"),
        (["2600::/32"], r"'2600::/32' opens SSH to a public range wider than /48"),
        (["203.0.113.0/24", "203.0.113.0/24"], r"'203.0.113.0/24' is listed twice"),
        ([f"10.{i}.0.0/16" for i in range(61)], r"61 IPv4 CIDRs need more than the 60 inbound rules a security group takes"),
        (["192.0.2.1"], r"'192.0.2.1' is not a CIDR block"),
    ],
)
def test_ssh_allow_lists_that_open_too_much_or_break_aws_limits_are_refused(cidrs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=rf"^ssh_allowed_cidrs: {message}"):
        check_ssh_allowed_cidrs(cidrs, "ssh_allowed_cidrs")


def test_a_set_of_public_ranges_covering_the_internet_is_refused_even_when_each_is_allowed() -> None:
    halves = ["0.0.0.0/1", "128.0.0.0/1"]
    with pytest.raises(ValueError, match=r"^ssh: 0.0.0.0/1, 128.0.0.0/1 together open SSH to the whole internet"):
        check_ssh_allowed_cidrs(halves, "ssh", min_public_prefix=1)


@pytest.mark.parametrize(
    "cidrs",
    [
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],  # private: any width
        ["198.51.100.7/32", "52.1.0.0/16", "2001:db8::/32", "2600:1f18::/48"],
        [f"10.{i}.0.0/16" for i in range(60)] + ["fd00::/8"],  # 60 per family is the limit, not 60 in all
    ],
)
def test_private_ranges_and_narrow_public_ones_are_accepted(cidrs: list[str]) -> None:
    check_ssh_allowed_cidrs(cidrs, "ssh_allowed_cidrs")
