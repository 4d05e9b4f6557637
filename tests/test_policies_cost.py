"""The cost pack: guardrail policies, the estimate of each priced resource, and the monthly budget."""

import importlib
from typing import Optional

import pytest

from tests.policy_harness import UNKNOWN, check_resource, check_stack, link, pack
from tests.policy_harness import stack_resource as res

INSTANCE, LT, ASG = "aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group"
DB, CACHE, VOLUME, LOGS = (
    "aws:rds/instance:Instance",
    "aws:elasticache/cluster:Cluster",
    "aws:ebs/volume:Volume",
    "aws:cloudwatch/logGroup:LogGroup",
)
NAT, EIP, LB, EFS = "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:lb/loadBalancer:LoadBalancer", "aws:efs/fileSystem:FileSystem"
CDN, BUCKET, ALARM, BUDGET = (
    "aws:cloudfront/distribution:Distribution",
    "aws:s3/bucket:Bucket",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:budgets/budget:Budget",
)

CASES = [
    ("allowed-instance-types", INSTANCE, {"instanceType": "t4g.micro"}, None, None),
    ("allowed-instance-types", INSTANCE, {"instanceType": "c5.9xlarge"}, None, "c5.9xlarge is not on"),
    ("allowed-instance-types", LT, {"instanceType": "c5.9xlarge"}, {"ec2InstanceTypes": ["c5.*"]}, None),
    ("allowed-instance-types", "aws:redshift/cluster:Cluster", {"nodeType": "ra3.xlplus"}, None, None),
    ("allowed-instance-types", "aws:redshift/cluster:Cluster", {"nodeType": "dc1.8xlarge"}, None, "redshiftNodeTypes"),
    ("allowed-instance-types", "aws:eks/nodeGroup:NodeGroup", {"instanceTypes": ["t3.medium", "p4d.24xlarge"]}, None, "p4d"),
    (
        "allowed-instance-types",
        ASG,
        {"mixedInstancesPolicy": {"launchTemplate": {"overrides": [{"instanceType": "x2idn.metal"}]}}},
        None,
        "x2idn.metal",
    ),
    ("allowed-instance-types", DB, {"instanceClass": "db.r5.24xlarge"}, None, "rdsInstanceClasses"),
    ("allowed-instance-types", DB, {"instanceClass": "db.t4g.micro"}, None, None),
    ("allowed-instance-types", CACHE, {"nodeType": "cache.r6g.16xlarge"}, None, "elasticacheNodeTypes"),
    ("asg-max-size", ASG, {"maxSize": 4.0, "minSize": 2.0}, None, None),
    ("asg-max-size", ASG, {"maxSize": 20.0}, None, "above this stack's cap of 10"),
    ("asg-max-size", ASG, {"maxSize": 5.0}, {"maxSize": 4}, "cap of 4"),
    ("ebs-gp3", INSTANCE, {"rootBlockDevice": {"volumeType": "gp3", "volumeSize": 8.0}}, None, None),
    ("ebs-gp3", INSTANCE, {"rootBlockDevice": {"volumeType": "gp2"}}, None, "rootBlockDevice is gp2"),
    ("ebs-gp3", VOLUME, {"size": 100.0}, None, "type is gp2"),
    ("ebs-gp3", LT, {"blockDeviceMappings": [{"ebs": {"volumeType": "io1"}}]}, None, "io1"),
    ("ebs-gp3", LT, {"blockDeviceMappings": [{"ebs": {"volumeType": "io1"}}]}, {"allowedVolumeTypes": ["io1"]}, None),
    ("log-group-retention", LOGS, {"retentionInDays": 30.0}, None, None),
    ("log-group-retention", LOGS, {"name": "/aws/lambda/x"}, None, "kept (and billed) forever"),
    ("log-group-retention", LOGS, {"retentionInDays": 3653.0}, None, "cap of 731"),
    ("log-group-retention", LOGS, {"retentionInDays": 3653.0}, {"maxDays": 3653}, None),
]


@pytest.mark.parametrize(("name", "resource_type", "props", "config", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_cost_resource_policy(name: str, resource_type: str, props: dict, config: Optional[dict], expected: Optional[str]) -> None:
    found = check_resource(name, resource_type, props, config)
    if expected is None:
        assert found == []
    else:
        assert any(expected in message for message in found), found
        assert all("Fix:" in message for message in found)


def test_the_default_allow_lists_are_the_sizes_the_price_table_prices() -> None:
    limits = importlib.import_module("cost_rules.limits")
    prices = importlib.import_module("cost_rules.estimate").load_prices()
    assert set(limits.SIZES["ec2InstanceTypes"]) == set(prices["ec2InstanceHour"])
    assert set(limits.SIZES["elasticacheNodeTypes"]) == {size for sizes in prices["elasticacheNodeHour"].values() for size in sizes}


def test_every_cost_resource_policy_has_a_passing_and_a_failing_case() -> None:
    names = {p.name for p in pack("cost").policies if type(p).__name__ == "ResourceValidationPolicy"}
    assert names <= {c[0] for c in CASES if c[4] is None} and names <= {c[0] for c in CASES if c[4] is not None}


# --- the estimate ------------------------------------------------------------------------------


def estimate(resources: list, usage: Optional[dict] = None):
    from policies.offline.analyze import policy_resources, stack_request

    pack("cost")
    module = importlib.import_module("cost_rules.estimate")
    return module.estimate(policy_resources(stack_request(link(resources))), module.load_prices(), module.load_usage(overrides=usage))


def cost_of(resources: list, name: str, usage: Optional[dict] = None) -> float:
    return next(i.monthly_usd for i in estimate(resources, usage).items if i.name == name)


WEB_TEMPLATE = res(
    LT,
    "web",
    {
        "id": "lt-1",
        "instanceType": "t4g.small",
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 8.0, "volumeType": "gp3"}}],
    },
)


def test_an_asg_costs_its_desired_count_of_instances_and_volumes() -> None:
    group = res(
        ASG, "web-asg", {"desiredCapacity": 2.0, "minSize": 1.0, "maxSize": 4.0, "launchTemplate": {"id": "lt-1", "version": "$Latest"}}
    )
    assert cost_of([WEB_TEMPLATE, group], "web-asg") == pytest.approx(2 * (0.0168 * 730 + 8 * 0.08), abs=0.01)
    by_min = res(ASG, "web-asg", {"minSize": 3.0, "maxSize": 4.0, "launchTemplate": {"id": "lt-1"}})
    assert cost_of([WEB_TEMPLATE, by_min], "web-asg") == pytest.approx(3 * (0.0168 * 730 + 8 * 0.08), abs=0.01)


def test_multi_az_doubles_the_database() -> None:
    single = {"engine": "mysql", "instanceClass": "db.t4g.micro", "allocatedStorage": 20.0, "storageType": "gp3"}
    assert cost_of([res(DB, "db", single)], "db") == pytest.approx(0.016 * 730 + 20 * 0.115, abs=0.01)
    assert cost_of([res(DB, "db", {**single, "multiAz": True})], "db") == pytest.approx(2 * (0.016 * 730 + 20 * 0.115), abs=0.01)


def test_network_and_edge_resources_are_counted_with_usage() -> None:
    resources = [
        res(NAT, "nat", {"subnetId": "s"}),
        res(EIP, "nat-ip", {"domain": "vpc"}),
        res(LB, "alb", {"loadBalancerType": "application", "subnets": ["a", "b"]}),
        res(LB, "internal", {"loadBalancerType": "application", "internal": True, "subnets": ["a", "b"]}),
        res(EFS, "fs", {"encrypted": True}),
        res(BUCKET, "assets", {"bucket": "assets"}),
        res(CDN, "cdn", {"enabled": True}),
        res(ALARM, "alarm", {"threshold": 0.0}),
        res(LOGS, "logs", {"retentionInDays": 7.0}),
    ]
    costs = {i.name: i.monthly_usd for i in estimate(resources).items}
    assert costs["nat"] == pytest.approx(0.045 * 730 + 10 * 0.045, abs=0.01)
    assert costs["nat-ip"] == pytest.approx(3.65)
    assert costs["alb"] == pytest.approx((0.0225 + 0.5 * 0.008) * 730 + 2 * 0.005 * 730, abs=0.01), "internet-facing: 2 public IPv4"
    assert costs["internal"] == pytest.approx((0.0225 + 0.5 * 0.008) * 730, abs=0.01)
    assert costs["fs"] == pytest.approx(5 * 0.30) and costs["assets"] == pytest.approx(0.02, abs=0.01)
    assert costs["cdn"] == pytest.approx(30 * 0.085 + 100 * 0.01 + 1 * 0.02, abs=0.01)
    assert costs["alarm"] == pytest.approx(0.10) and costs["logs"] == pytest.approx(0.50)
    more = {"natGatewayGbPerMonth": 100, "resources": {"alb": {"albLcuPerHour": 2}}}
    changed = {i.name: i.monthly_usd for i in estimate(resources, more).items}
    assert changed["nat"] == pytest.approx(0.045 * 730 + 100 * 0.045, abs=0.01)
    assert changed["alb"] == pytest.approx((0.0225 + 2 * 0.008) * 730 + 2 * 3.65, abs=0.01)
    assert changed["internal"] == costs["internal"], "a per-resource override touches only that resource"


def test_the_books_ha_wordpress_stack_costs_about_what_the_book_says() -> None:
    """2 small web servers, an ALB, a Multi-AZ MySQL with 5 GB, 5 GB of EFS: the book says $74.19 a month."""
    template = res(
        LT, "web", {"id": "lt-1", "instanceType": "t3.micro", "blockDeviceMappings": [{"ebs": {"volumeSize": 8.0, "volumeType": "gp3"}}]}
    )
    stack = [
        template,
        res(ASG, "web-asg", {"minSize": 2.0, "maxSize": 4.0, "launchTemplate": {"id": "lt-1"}}),
        res(LB, "alb", {"subnets": ["a", "b"]}),
        res(DB, "db", {"engine": "mysql", "instanceClass": "db.t3.micro", "allocatedStorage": 5.0, "multiAz": True}),
        res(EFS, "fs", {}),
    ]
    assert estimate(stack).total == pytest.approx(70.57, abs=0.01), "docs/policies.md quotes this figure"


def test_unpriced_sizes_hourly_types_and_unmodelled_types_are_reported() -> None:
    result = estimate(
        [
            res(INSTANCE, "big", {"instanceType": "x2idn.metal"}),
            res("aws:opensearch/domain:Domain", "search", {}),
            res("aws:appsync/graphQLApi:GraphQLApi", "graph", {}),
            res("aws:ec2/vpc:Vpc", "vpc", {}),
        ]
    )
    assert result.items == []
    assert "no list price for ec2InstanceHour.x2idn.metal" in result.missing[0]
    assert "search (aws:opensearch/domain:Domain): no cost model for OpenSearch instance hours" in result.missing[1]
    assert result.not_estimated == ["aws:appsync/graphQLApi:GraphQLApi"], "a VPC is free, an AppSync API is usage-priced"


# --- the budget --------------------------------------------------------------------------------

NAT_STACK = [res(NAT, f"nat-{z}", {"subnetId": z}) for z in "abc"]


def budget(limit: str) -> object:
    return res(BUDGET, "budget", {"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": limit, "limitUnit": "USD"})


def test_within_budget_passes() -> None:
    assert check_stack("monthly-budget", [*NAT_STACK, budget("600")]) == []


def test_over_budget_fails_naming_the_most_expensive_resources() -> None:
    found = check_stack("monthly-budget", [*NAT_STACK, res(EIP, "ip", {}), budget("75.0")])
    assert len(found) == 1
    message = found[0][1]
    assert "estimated $103.55/month exceeds the budget of $75.00 (aws.budgets.Budget budget)" in message
    assert "nat-a $33.30, nat-b $33.30, nat-c $33.30, ip $3.65" in message and "us-east-1 list prices" in message


def test_the_pack_config_budget_wins_and_top_resources_is_configurable() -> None:
    found = check_stack("monthly-budget", [*NAT_STACK, budget("600")], {"budgetUsd": 50, "topResources": 1})
    assert "budget of $50.00 (pack config budgetUsd)" in found[0][1] and "nat-b" not in found[0][1]


def test_an_hourly_resource_without_a_price_fails_cost_estimate_complete() -> None:
    stack = [res(INSTANCE, "big", {"instanceType": "x2idn.metal"}), res("aws:msk/cluster:Cluster", "kafka", {}), budget("1000")]
    found = check_stack("cost-estimate-complete", stack)
    assert len(found) == 1 and "incomplete" in found[0][1] and "x2idn.metal" in found[0][1] and "MSK broker hours" in found[0][1]
    assert check_stack("monthly-budget", stack) == [], "within budget: the budget policy itself stays quiet"
    assert check_stack("cost-estimate-complete", [res(INSTANCE, "web", {"instanceType": "t4g.micro"})]) == []


def test_preview_counts_load_balancer_addresses_through_its_subnet_dependencies() -> None:
    zones = [res("aws:ec2/subnet:Subnet", f"public-{z}", {"id": UNKNOWN, "availabilityZone": f"us-east-1{z}"}) for z in "abc"]
    alb = res(LB, "alb", {"subnets": UNKNOWN}, property_dependencies={"subnets": [s.name for s in zones]})
    assert cost_of([*zones, alb], "alb") == pytest.approx((0.0225 + 0.5 * 0.008) * 730 + 3 * 3.65, abs=0.01)
