"""The cost models: scheduled capacity weighted by its hours, the new priced types, and AWS's own worked
examples from its pricing pages reproduced within 1 %.
"""

import datetime
import importlib
from typing import Any, Optional

import pytest

from tests.policy_harness import UNKNOWN, check_stack, link, pack
from tests.policy_harness import stack_resource as res

pack("cost")
schedule = importlib.import_module("cost_rules.schedule")
estimate_module = importlib.import_module("cost_rules.estimate")
network_costs = importlib.import_module("cost_rules.network_costs")

LT, ASG, SCHEDULE = "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group", "aws:autoscaling/schedule:Schedule"
INSTANCE, NAT, LB = "aws:ec2/instance:Instance", "aws:ec2/natGateway:NatGateway", "aws:lb/loadBalancer:LoadBalancer"
FUNCTION, TABLE = "aws:lambda/function:Function", "aws:dynamodb/table:Table"
BUDGET = "aws:budgets/budget:Budget"


def prices(**changes: Any) -> dict:
    """The shipped price table with some entries changed (e.g. hoursPerMonth for AWS's 720-hour examples)."""
    return {**estimate_module.load_prices(), **changes}


def estimate(resources: list, usage: Optional[dict] = None, table: Optional[dict] = None) -> Any:
    from policies.offline.analyze import policy_resources, stack_request

    built = policy_resources(stack_request(link(resources)))
    return estimate_module.estimate(built, table or estimate_module.load_prices(), estimate_module.load_usage(overrides=usage))


def cost_of(resources: list, name: str, usage: Optional[dict] = None, table: Optional[dict] = None) -> float:
    return next(i.monthly_usd for i in estimate(resources, usage, table).items if i.name == name)


# --- scheduled capacity ------------------------------------------------------------------------


def test_cron_fields_and_firings() -> None:
    assert schedule.cron_field("*/15", 0, 59) == {0, 15, 30, 45}
    assert schedule.cron_field("MON-FRI", 0, 6, schedule._DAYS) == {1, 2, 3, 4, 5}
    assert schedule.cron_field("7", 0, 6, schedule._DAYS) == {0}, "7 is Sunday too"
    assert len(schedule.firings("0 8 * * *")) == 365
    # 2026-01-05 is a Monday; June 1st is the only 1st that is also a Monday.
    firsts_or_mondays = [d for d in range(365) if (datetime.date(2026, 1, 1) + datetime.timedelta(d)).day == 1 or d % 7 == 4]
    assert len(schedule.firings("0 0 1 * MON")) == len(firsts_or_mondays) == 12 + 52 - 1, (
        "either day field matches when both are restricted"
    )
    with pytest.raises(ValueError):
        schedule.firings("0 25 * * *")
    with pytest.raises(ValueError):
        schedule.firings("0 8 * *")


def test_capacity_is_weighted_by_the_hours_each_schedule_holds() -> None:
    daytime = [schedule.Action("0 8 * * *", None, None, 4.0), schedule.Action("0 20 * * *", None, None, 2.0)]
    assert schedule.average_capacity(2, 6, 2, daytime) == pytest.approx(3.0), "4 for 12 h, 2 for 12 h"
    weekdays = [schedule.Action("0 8 * * MON-FRI", None, None, 3.0), schedule.Action("0 18 * * MON-FRI", None, None, 1.0)]
    assert schedule.average_capacity(1, 4, 1, weekdays) == pytest.approx(1 + 2 * 261 * 10 / 8760)
    raise_min = [schedule.Action("0 8 * * *", 3.0, None, None), schedule.Action("0 20 * * *", 1.0, None, 1.0)]
    assert schedule.average_capacity(1, 4, 1, raise_min) == pytest.approx(2.0), "a raised minimum lifts the desired capacity"
    keep = [schedule.Action("0 8 * * *", 3.0, None, None), schedule.Action("0 20 * * *", 1.0, None, None)]
    assert schedule.average_capacity(1, 4, 1, keep) == pytest.approx(3.0), "lowering the minimum leaves the desired capacity"
    capped = [schedule.Action("0 8 * * *", None, None, 9.0)]
    assert schedule.average_capacity(1, 4, 1, capped) == pytest.approx(4.0), "desired never exceeds max"
    assert schedule.average_capacity(2, 6, 3, []) == 3.0


TEMPLATE = res(
    LT, "web", {"id": "lt-1", "instanceType": "t4g.small", "blockDeviceMappings": [{"ebs": {"volumeSize": 8.0, "volumeType": "gp3"}}]}
)
ONE_SERVER = 0.0168 * 730 + 8 * 0.08


def test_an_asg_costs_its_scheduled_capacity_by_the_hour() -> None:
    group = res(
        ASG,
        "web-asg",
        {"id": "web-asg", "name": "web-asg", "minSize": 2.0, "maxSize": 6.0, "desiredCapacity": 2.0, "launchTemplate": {"id": "lt-1"}},
    )
    morning = res(
        SCHEDULE,
        "up",
        {"autoscalingGroupName": "web-asg", "recurrence": "0 8 * * *", "desiredCapacity": 4.0, "minSize": -1.0, "maxSize": -1.0},
    )
    evening = res(
        SCHEDULE,
        "down",
        {"autoscalingGroupName": "web-asg", "recurrence": "0 20 * * *", "desiredCapacity": 2.0, "minSize": -1.0, "maxSize": -1.0},
    )
    assert cost_of([TEMPLATE, group], "web-asg") == pytest.approx(2 * ONE_SERVER, abs=0.01)
    assert cost_of([TEMPLATE, group, morning, evening], "web-asg") == pytest.approx(3 * ONE_SERVER, abs=0.01)
    by_dependency = res(
        SCHEDULE,
        "up",
        {"autoscalingGroupName": UNKNOWN, "recurrence": "0 8 * * *", "desiredCapacity": 4.0},
        {"autoscalingGroupName": ["web-asg"]},
    )
    preview_group = res(ASG, "web-asg", {"minSize": 2.0, "maxSize": 6.0, "desiredCapacity": 2.0, "launchTemplate": {"id": "lt-1"}})
    assert cost_of([TEMPLATE, preview_group, by_dependency], "web-asg") == pytest.approx(4 * ONE_SERVER, abs=0.01), "preview: by dependency"
    broken = res(SCHEDULE, "bad", {"autoscalingGroupName": "web-asg", "recurrence": "every morning", "desiredCapacity": 4.0})
    assert "no list price for the schedule of web-asg" in estimate([TEMPLATE, group, broken]).missing[0]


# --- AWS's worked examples -------------------------------------------------------------------------


def test_aws_nat_gateway_example() -> None:
    """https://aws.amazon.com/vpc/pricing/ (NAT gateway pricing example, us-east-1 rates): a NAT gateway for one hour
    that processes 1 GB bound for S3 in the same AZ pays $0.045 for the hour and $0.045 for the GB; the transfer
    itself is free (EC2 to S3 in one region, NAT to instance in one AZ)."""
    one_hour = prices(hoursPerMonth=1)
    assert cost_of([res(NAT, "nat", {"subnetId": "s"})], "nat", {"natGatewayGbPerMonth": 1}, one_hour) == pytest.approx(0.09, rel=0.01)


def test_aws_application_load_balancer_lcu_example() -> None:
    """https://aws.amazon.com/elasticloadbalancing/pricing/ (Application Load Balancer example, us-east-1): 1 new
    connection per second lasting 2 minutes, 5 requests per second, 300 KB per second processed, 60 rules. The
    dimensions give 0.04, 0.04, 1.08 and 0.25 LCUs (10 rules are free: (60 - 10) x 5 = 250 evaluations per
    second); the bill takes the largest, 1.08 LCU: $0.00864 an hour. Over AWS's 30-day month (720 h) that is
    $6.22 of LCUs plus $16.20 of ALB hours, $22.42 in all."""
    lcus = network_costs.alb_lcus(1, 1 * 120, 300 * 3600 / 1_000_000, (60 - 10) * 5)
    assert lcus == pytest.approx(1.08, rel=0.01)
    alb = res(LB, "alb", {"loadBalancerType": "application", "internal": True})
    assert cost_of([alb], "alb", {"albLcuPerHour": 1.08}, prices(hoursPerMonth=720)) == pytest.approx(22.42, rel=0.01)


@pytest.mark.parametrize(
    ("memory", "requests", "duration_ms", "aws_total"),
    [(512.0, 3_000_000, 1000, 18.74), (128.0, 30_000_000, 200, 11.63)],
    ids=["example-1", "example-2"],
)
def test_aws_lambda_examples(memory: float, requests: int, duration_ms: int, aws_total: float) -> None:
    """https://aws.amazon.com/lambda/pricing/ examples 1 and 2 (us-east-1, x86): 512 MB x 3M invocations x 1 s =
    $18.34 compute + $0.40 requests = $18.74; 128 MB x 30M x 200 ms = $5.83 + $5.80 = $11.63. Both subtract the
    free tier (1M requests, 400,000 GB-s), which our estimate deliberately does not count, so the test does."""
    function = res(FUNCTION, "fn", {"memorySize": memory, "runtime": "python3.13"})
    usage = {"lambdaRequestsPerMonth": requests, "lambdaAverageDurationMs": duration_ms}
    free_tier = 1 * 0.20 + 400_000 * 0.0000166667
    assert cost_of([function], "fn", usage) - free_tier == pytest.approx(aws_total, rel=0.01)


def test_aws_dynamodb_on_demand_units_and_rates() -> None:
    """https://aws.amazon.com/dynamodb/pricing/on-demand/ (us-east-1): $0.625 per million write request units,
    $0.125 per million read request units, $0.25 per GB-month after the free 25 GB. By the page's own unit
    rules, a 1 KB write takes one WRU and a strongly consistent read of an 8 KB item two RRUs: 10 million writes
    and 10 million such reads are 10M WRU + 20M RRU = $6.25 + $2.50 = $8.75, plus 30 GB stored ($7.50)."""
    table = res(TABLE, "todo", {"billingMode": "PAY_PER_REQUEST", "hashKey": "id"})
    usage = {"dynamodbWriteRequestsPerMonth": 10_000_000, "dynamodbReadRequestsPerMonth": 20_000_000, "dynamodbStorageGb": 30}
    assert cost_of([table], "todo", usage) == pytest.approx(8.75 + 30 * 0.25, rel=0.01)
    provisioned = res(TABLE, "todo", {"billingMode": "PROVISIONED", "writeCapacity": 10.0, "readCapacity": 50.0})
    assert cost_of([provisioned], "todo", {"dynamodbStorageGb": 0}) == pytest.approx((10 * 0.00065 + 50 * 0.00013) * 730, rel=0.01)


def test_aws_data_transfer_tiers_and_inter_az() -> None:
    """https://aws.amazon.com/ec2/pricing/on-demand/ (Data Transfer, us-east-1): out to the internet $0.09 per GB
    for the first 10 TB a month, $0.085 for the next 40 TB, $0.07 for the next 100 TB, $0.05 beyond; between AZs
    $0.01 per GB in each direction. 50 TB out = 10,240 GB x $0.09 + 40,960 GB x $0.085 = $4,403.20; 100 GB between
    two AZs = $2.00."""
    result = estimate([], {"internetEgressGbPerMonth": 51_200, "interAzGbPerMonth": 100})
    assert [(i.name, i.type) for i in result.items] == [("data transfer (usage)", "usage:dataTransfer")]
    assert result.items[0].monthly_usd == pytest.approx(4403.20 + 2.00, rel=0.01)
    assert estimate([]).items == [], "no transfer assumed by default"


# --- the other priced types ----------------------------------------------------------------------


def test_fixed_monthly_prices_and_services() -> None:
    resources = [
        res("aws:kms/key:Key", "key", {"enableKeyRotation": True}),
        res("aws:secretsmanager/secret:Secret", "secret", {}),
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", {"vpcEndpointType": "Interface", "subnetIds": ["a", "b"]}),
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", {"vpcEndpointType": "Gateway"}),
        res(LB, "nlb", {"loadBalancerType": "network", "internal": True}),
        res("aws:eks/cluster:Cluster", "eks", {}),
        res("aws:redshift/cluster:Cluster", "warehouse", {"nodeType": "ra3.xlplus", "numberOfNodes": 2.0}),
        res("aws:route53/zone:Zone", "zone", {"name": "example.com"}),
    ]
    costs = {i.name: i.monthly_usd for i in estimate(resources, {"kmsRequestsPerMonth": 0, "secretsApiCallsPerMonth": 0}).items}
    assert costs["key"] == pytest.approx(1.0) and costs["secret"] == pytest.approx(0.40) and costs["zone"] == pytest.approx(0.50)
    assert costs["ssm"] == pytest.approx(2 * 0.01 * 730 + 1 * 0.01, abs=0.01)
    assert "s3" not in costs, "gateway endpoints are free"
    assert costs["nlb"] == pytest.approx((0.0225 + 0.5 * 0.006) * 730, abs=0.01)
    assert costs["eks"] == pytest.approx(73.0) and costs["warehouse"] == pytest.approx(2 * 1.086 * 730, abs=0.01)


def test_fargate_services_cost_their_task_size() -> None:
    definition = res("aws:ecs/taskDefinition:TaskDefinition", "app", {"arn": "arn:td", "cpu": "512", "memory": "1024"})
    service = res("aws:ecs/service:Service", "app", {"launchType": "FARGATE", "desiredCount": 2.0, "taskDefinition": "arn:td"})
    assert cost_of([definition, service], "app") == pytest.approx(2 * (0.5 * 0.04048 + 1 * 0.004445) * 730, abs=0.01)
    on_ec2 = res("aws:ecs/service:Service", "app", {"launchType": "EC2", "taskDefinition": "arn:td"})
    assert estimate([definition, on_ec2]).items == [], "tasks on container instances are priced with the instances"


def test_caches_volumes_and_databases() -> None:
    valkey = res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "valkey",
        {"engine": "valkey", "nodeType": "cache.t4g.micro", "numCacheClusters": 2.0},
    )
    redis = res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "redis",
        {"engine": "redis", "nodeType": "cache.t4g.micro", "numCacheClusters": 2.0},
    )
    serverless = res("aws:elasticache/serverlessCache:ServerlessCache", "serverless", {"engine": "valkey"})
    volume = res(
        "aws:ebs/volume:Volume", "data", {"size": 100.0, "type": "gp3", "iops": 4000.0, "throughput": 250.0, "tags": {"Backup": "daily"}}
    )
    dlm = res(
        "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        "snapshots",
        {"policyDetails": {"resourceTypes": ["VOLUME"], "targetTags": {"Backup": "daily"}}},
    )
    aurora = res(
        "aws:rds/cluster:Cluster",
        "aurora",
        {"id": "aurora", "engine": "aurora-postgresql", "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": 4.0}},
    )
    writer = res(
        "aws:rds/clusterInstance:ClusterInstance",
        "writer",
        {"clusterIdentifier": "aurora", "instanceClass": "db.serverless", "engine": "aurora-postgresql"},
    )
    postgres = res(
        "aws:rds/instance:Instance",
        "pg",
        {"engine": "postgres", "instanceClass": "db.t4g.micro", "allocatedStorage": 20.0, "manageMasterUserPassword": True},
    )
    costs = {
        i.name: i.monthly_usd
        for i in estimate([valkey, redis, serverless, volume, dlm, aurora, writer, postgres], {"cacheServerlessEcpuPerMonth": 0}).items
    }
    assert costs["valkey"] == pytest.approx(0.8 * costs["redis"], rel=0.01), "Valkey nodes cost 20 % less"
    assert costs["serverless"] == pytest.approx(0.1 * 0.084 * 730, abs=0.01), "AWS's 100 MB minimum"
    assert costs["data"] == pytest.approx(100 * 0.08 + 1000 * 0.005 + 125 * 0.04 + 100 * 0.05, abs=0.01)
    assert costs["writer"] == pytest.approx(0.5 * 0.12 * 730, abs=0.01) and costs["aurora"] == pytest.approx(
        10 * 0.10 + 10 * 0.20, abs=0.01
    )
    assert costs["pg"] == pytest.approx(0.016 * 730 + 20 * 0.115 + 0.40, abs=0.01), "gp2 by default, plus the managed master secret"


def test_cpu_credits_follow_each_family_s_default_mode() -> None:
    usage = {"cpuCreditSurplusVcpuHours": 100}
    t3 = res(INSTANCE, "t3", {"instanceType": "t3.micro"})
    t2 = res(INSTANCE, "t2", {"instanceType": "t2.micro"})
    t2_unlimited = res(INSTANCE, "t2u", {"instanceType": "t2.micro", "creditSpecification": {"cpuCredits": "unlimited"}})
    base = {i.name: i.monthly_usd for i in estimate([t3, t2, t2_unlimited]).items}
    surplus = {i.name: i.monthly_usd for i in estimate([t3, t2, t2_unlimited], usage).items}
    assert surplus["t3"] - base["t3"] == pytest.approx(100 * 0.05, abs=0.01), "t3 starts in unlimited mode"
    assert surplus["t2"] == base["t2"], "t2 starts in standard mode: it throttles instead"
    assert surplus["t2u"] - base["t2u"] == pytest.approx(100 * 0.05, abs=0.01)


# --- budget honesty --------------------------------------------------------------------------------


def budget(limit: str) -> Any:
    return res(BUDGET, "budget", {"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": limit, "limitUnit": "USD"})


def test_over_budget_names_what_the_estimate_left_out() -> None:
    stack = [res(NAT, "nat", {"subnetId": "s"}), res("aws:appsync/graphQLApi:GraphQLApi", "graph", {}), budget("10")]
    found = check_stack("monthly-budget", stack)
    assert (
        len(found) == 1
        and "Not in the estimate: types without a cost model (usage-priced, counted as $0): aws:appsync/graphQLApi:GraphQLApi"
        in found[0][1]
    )


def test_cost_estimate_complete_is_settable_per_stack() -> None:
    from pulumi.runtime import proto

    from policies.offline.analyze import analyzer_info, configure, parse_pack_config, reconcile, stack_request

    loaded = pack("cost")
    servicer = loaded.servicer()
    stack = link([res("aws:opensearch/domain:Domain", "search", {}), budget("1000")])
    for level, expected in (("mandatory", proto.MANDATORY), ("advisory", proto.ADVISORY)):
        config = parse_pack_config({"cost-estimate-complete": level}, "test")
        configure(servicer, reconcile(loaded, analyzer_info(servicer), config, "test"))
        response = servicer.AnalyzeStack(stack_request(stack), None)
        assert [(d.policyName, d.enforcementLevel) for d in response.diagnostics] == [("cost-estimate-complete", expected)]


def test_the_cost_policies_in_a_preview_judge_what_is_known() -> None:
    """A resource whose size is unknown is left out and named once (advisory); the known ones are still judged."""
    from pulumi_policy.proxy import UnknownValueError

    kafka = res("aws:msk/cluster:Cluster", "kafka", {"brokerNodeGroupInfo": UNKNOWN})
    web = res(INSTANCE, "web", {"instanceType": UNKNOWN})
    found, unknown = [], None
    try:
        check_stack("cost-estimate-complete", [kafka, web])
    except UnknownValueError as error:
        unknown = error.message
    assert unknown and unknown.startswith("cannot judge web: ") and "instanceType" in unknown
    with pytest.raises(UnknownValueError):
        check_stack("monthly-budget", [web, budget("1000")])
    nat = [res(NAT, f"nat-{z}", {"subnetId": z}) for z in "ab"]
    from pulumi_policy import StackValidationArgs

    from policies.offline.analyze import policy_resources, stack_request
    from tests.policy_harness import policy

    built = policy_resources(stack_request(link([*nat, web, budget("10")])))
    with pytest.raises(UnknownValueError):
        policy("monthly-budget").validate(StackValidationArgs(built, None), lambda message, urn=None: found.append(message))
    assert len(found) == 1 and "exceeds the budget of $10.00" in found[0], "the known total alone is over budget"
