"""Stack policies judge resources as AWS does: relations as AWS resolves them, AWS's defaults for unset values,
"cannot judge" (advisory) for what only a lookup or a deployment knows, and one unknown hiding only its own verdict.

Resources are recorded as the engine passes them to a stack policy (outputs, camelCase, numbers as floats);
the committed prod stack is checked in preview mode, as `pulumi preview --policy-pack` sees it.
"""

import dataclasses
import json
from typing import Any, Optional

import pytest
from pulumi.runtime import proto
from pulumi_policy import StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies.offline.analyze import analyzer_info, configure, policy_resources, reconcile, stack_request
from tests.harness import run_stack
from tests.policy_harness import UNKNOWN, link, pack, policy
from tests.policy_harness import stack_resource as res

SG, INGRESS, EGRESS = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)
VPC, SUBNET, INSTANCE = "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/instance:Instance"
LB, CLASSIC_LB, LISTENER = "aws:lb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener"
DB, EFS, MOUNT = "aws:rds/instance:Instance", "aws:efs/fileSystem:FileSystem", "aws:efs/mountTarget:MountTarget"
TABLE, CACHE, VOLUME, DLM = (
    "aws:dynamodb/table:Table",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:ebs/volume:Volume",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
)
SECRET, ROTATION = "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretRotation:SecretRotation"
QUEUE, REDRIVE = "aws:sqs/queue:Queue", "aws:sqs/redrivePolicy:RedrivePolicy"
CDN, LOG_SOURCE, LOG_DELIVERY = (
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    "aws:cloudwatch/logDelivery:LogDelivery",
)
BUCKET, BUCKET_LOGGING, STAGE = "aws:s3/bucket:Bucket", "aws:s3/bucketLogging:BucketLogging", "aws:apigatewayv2/stage:Stage"
ASG = "aws:autoscaling/group:Group"


def judge(name: str, resources: list, config: Optional[dict] = None) -> tuple[list[tuple[str, str]], str]:
    """(violations by resource name, what the policy could not judge or "") of one stack policy."""
    built = policy_resources(stack_request(link(resources)))
    names = {r.urn: r.name for r in built}
    found: list[tuple[str, str]] = []
    try:
        policy(name).validate(
            StackValidationArgs(built, config), lambda message, urn=None: found.append((names.get(urn or "", ""), message))
        )
    except UnknownValueError as error:
        return found, error.message
    return found, ""


def names(found: list[tuple[str, str]]) -> list[str]:
    return sorted(name for name, _ in found)


def rule(kind: str, name: str, group: str, port: float, cidr: str, **more: Any) -> Any:
    return res(kind, name, {"securityGroupId": group, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": cidr, **more})


# --- relations: a load balancer's group is the one it lists -------------------------------------


def balancer(kind: str = LB, internal: bool = False, groups: Any = ("sg-edge",)) -> Any:
    props = {"securityGroups": list(groups) if isinstance(groups, tuple) else groups, "internal": internal, "subnets": ["a", "b"]}
    return res(kind, "edge-lb", props)


@pytest.mark.parametrize("kind", [LB, "aws:alb/loadBalancer:LoadBalancer", CLASSIC_LB])
def test_a_group_that_an_internet_facing_load_balancer_lists_may_admit_the_web(kind: str) -> None:
    stack = [res(SG, "edge", {"id": "sg-edge"}), rule(INGRESS, "edge-https", "sg-edge", 443.0, "0.0.0.0/0"), balancer(kind)]
    assert judge("sg-public-ingress-only-web-on-load-balancers", stack) == ([], "")


def test_an_internal_load_balancer_does_not_make_its_group_public() -> None:
    stack = [res(SG, "edge", {"id": "sg-edge"}), rule(INGRESS, "edge-https", "sg-edge", 443.0, "0.0.0.0/0"), balancer(internal=True)]
    found, _ = judge("sg-public-ingress-only-web-on-load-balancers", stack)
    assert names(found) == ["edge-https"] and "which no internet-facing load balancer lists" in found[0][1]


def test_rules_that_together_cover_the_internet_count_as_the_internet() -> None:
    halves = [rule(INGRESS, f"ssh-{i}", "sg-admin", 22.0, cidr) for i, cidr in enumerate(("0.0.0.0/1", "128.0.0.0/1"))]
    found, _ = judge("sg-public-ingress-only-web-on-load-balancers", [res(SG, "admin", {"id": "sg-admin"}), *halves])
    assert names(found) == ["ssh-0", "ssh-1"] and "the whole IPv4 internet" in found[0][1]
    office = [rule(INGRESS, "ssh-office", "sg-admin", 22.0, "203.0.113.0/24"), rule(INGRESS, "web", "sg-admin", 443.0, "0.0.0.0/0")]
    found, _ = judge("sg-public-ingress-only-web-on-load-balancers", [res(SG, "admin", {"id": "sg-admin"}), *office])
    assert names(found) == ["web"], "a narrow SSH source is not widened by a web rule on another port"


def test_the_ingress_policy_judges_known_rules_in_a_preview_and_names_the_rest() -> None:
    stack = [
        res(SG, "edge", {"id": UNKNOWN}),
        res(
            INGRESS,
            "edge-https",
            {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"},
            {"securityGroupId": ["edge"]},
        ),
        res(INGRESS, "ssh", {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrIpv4": UNKNOWN}),
        res(LB, "edge-lb", {"securityGroups": UNKNOWN, "subnets": ["a", "b"]}, {"securityGroups": ["edge"]}),
    ]
    found, undecided = judge("sg-public-ingress-only-web-on-load-balancers", stack)
    assert found == [] and undecided.startswith("cannot judge ssh: ") and "cidrIpv4" in undecided


# --- egress ------------------------------------------------------------------------------------

VPC_10 = res(VPC, "vpc", {"id": "vpc-1", "cidrBlock": "10.0.0.0/16"})


def test_data_stores_reach_no_public_address() -> None:
    group = res(SG, "db", {"id": "sg-db", "vpcId": "vpc-1"})
    db = res(DB, "db", {"vpcSecurityGroupIds": ["sg-db"], "engine": "mysql"})
    inside = rule(EGRESS, "db-replication", "sg-db", 3306.0, "10.0.0.0/16")
    assert judge("sg-egress-restricted", [VPC_10, group, db, inside]) == ([], "")
    out = rule(EGRESS, "db-out", "sg-db", 443.0, "0.0.0.0/0")
    found, _ = judge("sg-egress-restricted", [VPC_10, group, db, inside, out])
    assert names(found) == ["db-out"] and "lets the data store db (Instance) reach the internet" in found[0][1]
    mount = res(MOUNT, "mt", {"securityGroups": ["sg-db"], "fileSystemId": "fs"})
    assert names(judge("sg-egress-restricted", [VPC_10, group, mount, out])[0]) == ["db-out"]


def test_bastion_egress_stays_inside_its_vpc_unless_ports_are_allowed() -> None:
    group = res(SG, "bastion", {"id": "sg-b", "vpcId": "vpc-1"})
    host = res(INSTANCE, "bastion", {"vpcSecurityGroupIds": ["sg-b"], "tags": {"Role": "bastion"}})
    ssh_in_vpc = rule(EGRESS, "ssh-out", "sg-b", 22.0, "10.0.0.0/16")
    https_out = rule(EGRESS, "https-out", "sg-b", 443.0, "0.0.0.0/0")
    found, _ = judge("sg-egress-restricted", [VPC_10, group, host, ssh_in_vpc, https_out])
    assert names(found) == ["https-out"] and "beyond its VPC (10.0.0.0/16)" in found[0][1]
    assert judge("sg-egress-restricted", [VPC_10, group, host, ssh_in_vpc, https_out], {"adminEgressPorts": [443]}) == ([], "")
    outside_vpc = rule(EGRESS, "ssh-elsewhere", "sg-b", 22.0, "172.16.0.0/16")
    assert names(judge("sg-egress-restricted", [VPC_10, group, host, outside_vpc])[0]) == ["ssh-elsewhere"]
    web = res(INSTANCE, "web", {"vpcSecurityGroupIds": ["sg-b"], "tags": {"Role": "web"}})
    assert judge("sg-egress-restricted", [VPC_10, group, web, https_out]) == ([], ""), "app servers may reach the internet"


def test_egress_in_preview_judges_what_is_known() -> None:
    group = res(SG, "db", {"id": "sg-db", "vpcId": "vpc-1"})
    db = res(DB, "db", {"vpcSecurityGroupIds": ["sg-db"]})
    unknown = res(
        EGRESS, "later", {"securityGroupId": "sg-db", "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": UNKNOWN}
    )
    found, undecided = judge("sg-egress-restricted", [VPC_10, group, db, unknown, rule(EGRESS, "out", "sg-db", 80.0, "0.0.0.0/0")])
    assert names(found) == ["out"] and undecided.startswith("cannot judge later")


# --- HTTP to HTTPS on what the internet reaches ------------------------------------------------

FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]


def alb_stack(cidr: str = "0.0.0.0/0", prefix_list: bool = False, groups: Any = ("sg-alb",), internal: bool = False) -> list:
    ingress = {"prefixListId": "pl-3b927c52"} if prefix_list else {"cidrIpv4": cidr}
    return [
        res(SG, "alb", {"id": "sg-alb"}),
        res(INGRESS, "alb-80", {"securityGroupId": "sg-alb", "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, **ingress}),
        res(LB, "alb", {"arn": "arn:alb", "securityGroups": list(groups), "internal": internal}),
        res(LISTENER, "http", {"loadBalancerArn": "arn:alb", "protocol": "HTTP", "port": 80.0, "defaultActions": FORWARD}),
    ]


def test_plain_http_that_the_internet_reaches_must_redirect_even_without_an_https_listener() -> None:
    found, _ = judge("alb-http-redirects-to-https", alb_stack())
    assert names(found) == ["http"] and "the internet reaches port 80 of alb" in found[0][1]
    assert judge("alb-http-redirects-to-https", alb_stack(prefix_list=True)) == ([], ""), "CloudFront's prefix list is not the internet"
    assert judge("alb-http-redirects-to-https", alb_stack(internal=True)) == ([], "")
    assert judge("alb-http-redirects-to-https", alb_stack(cidr="10.0.0.0/8")) == ([], "")


def test_a_load_balancer_whose_groups_come_from_a_lookup_cannot_be_judged() -> None:
    found, undecided = judge("alb-http-redirects-to-https", alb_stack(groups=("sg-0123456789abcdef0",)))
    assert found == [] and "http: its load balancer's security groups come from outside the program" in undecided


def test_a_classic_load_balancer_serving_http_to_the_internet_fails() -> None:
    stack = [
        res(SG, "clb", {"id": "sg-clb"}),
        rule(INGRESS, "clb-80", "sg-clb", 80.0, "0.0.0.0/0"),
        res(
            CLASSIC_LB,
            "clb",
            {
                "securityGroups": ["sg-clb"],
                "listeners": [{"lbProtocol": "http", "lbPort": 80.0, "instancePort": 80.0, "instanceProtocol": "http"}],
            },
        ),
    ]
    found, _ = judge("alb-http-redirects-to-https", stack)
    assert names(found) == ["clb"] and "cannot redirect to HTTPS" in found[0][1]


# --- access logs, secrets rotation, dead-letter queues ---------------------------------------------


def test_access_logging_by_resource_kind_and_log_buckets_exempt() -> None:
    cdn = res(CDN, "cdn", {"arn": "arn:cdn"})
    source = res(LOG_SOURCE, "src", {"resourceArn": "arn:cdn", "logType": "ACCESS_LOGS", "name": "cdn-access"})
    delivery = res(LOG_DELIVERY, "delivery", {"deliverySourceName": "cdn-access", "deliveryDestinationArn": "arn:dest"})
    logs = res(BUCKET, "logs", {"id": "logs-bucket", "bucket": "logs-bucket", "arn": "arn:aws:s3:::logs-bucket"})
    assets = res(BUCKET, "assets", {"id": "assets-bucket", "bucket": "assets-bucket"})
    alb = res(LB, "alb", {"accessLogs": {"enabled": True, "bucket": "logs-bucket"}})
    stage = res(STAGE, "api", {"accessLogSettings": {"destinationArn": "arn:log-group", "format": "$context.requestId"}})
    good = [
        cdn,
        source,
        delivery,
        logs,
        assets,
        alb,
        stage,
        res(BUCKET_LOGGING, "assets-logging", {"bucket": "assets-bucket", "targetBucket": "logs-bucket"}),
    ]
    assert judge("access-logging", good) == ([], "")
    bare = [cdn, logs, assets, res(LB, "alb", {"accessLogs": {"enabled": False, "bucket": "logs-bucket"}}), res(STAGE, "api", {})]
    assert names(judge("access-logging", bare)[0]) == ["alb", "api", "assets", "cdn"], "logs is exempt: the ALB writes to it"
    assert names(judge("access-logging", bare, {"resources": ["loadBalancers"]})[0]) == ["alb"]
    preview = [res(LB, "alb", {"accessLogs": {"enabled": True, "bucket": UNKNOWN}})]
    assert judge("access-logging", preview) == ([], ""), "a bucket named by another resource's output is still a bucket"
    vpc = res(VPC, "vpc", {"id": "vpc-1"})
    assert names(judge("access-logging", [vpc])[0]) == ["vpc"]
    flow = res("aws:ec2/flowLog:FlowLog", "flow", {"vpcId": UNKNOWN, "trafficType": "ALL"}, {"vpcId": ["vpc"]})
    assert judge("access-logging", [res(VPC, "vpc", {"id": UNKNOWN}), flow]) == ([], ""), "preview: by dependency"


def test_a_trails_bucket_is_a_log_bucket_by_name_or_by_dependency_in_preview() -> None:
    trail_logs = res(BUCKET, "trail-logs", {"id": "trail-logs", "bucket": "trail-logs", "arn": "arn:aws:s3:::trail-logs"})
    assets = res(BUCKET, "assets", {"id": "assets-bucket", "bucket": "assets-bucket"})
    trail = res("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": "trail-logs"})
    assert names(judge("access-logging", [trail_logs, assets])[0]) == ["assets", "trail-logs"]
    assert names(judge("access-logging", [trail_logs, assets, trail])[0]) == ["assets"], "CloudTrail writes to trail-logs"
    unknown = res(BUCKET, "trail-logs", {"id": UNKNOWN, "bucket": UNKNOWN})
    pending = res("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": UNKNOWN}, {"s3BucketName": ["trail-logs"]})
    found, cannot = judge("access-logging", [unknown, pending])
    assert found == [] and "trail-logs" not in cannot


def test_secrets_rotation() -> None:
    secret = res(SECRET, "db", {"id": "arn:secret:db", "arn": "arn:secret:db"})
    assert names(judge("secrets-rotation", [secret])[0]) == ["db"]
    rotated = res(ROTATION, "db-rotation", {"secretId": "arn:secret:db", "rotationRules": {"automaticallyAfterDays": 30.0}})
    assert judge("secrets-rotation", [secret, rotated]) == ([], "")
    by_dependency = res(ROTATION, "db-rotation", {"secretId": UNKNOWN}, {"secretId": ["db"]})
    assert judge("secrets-rotation", [res(SECRET, "db", {"id": UNKNOWN}), by_dependency]) == ([], ""), "preview: by dependency"


def test_consumer_queues_redrive_to_a_dead_letter_queue() -> None:
    dlq = res(QUEUE, "jobs-dlq", {"id": "https://sqs/jobs-dlq", "arn": "arn:sqs:jobs-dlq"})
    jobs = res(
        QUEUE,
        "jobs",
        {
            "id": "https://sqs/jobs",
            "arn": "arn:sqs:jobs",
            "redrivePolicy": json.dumps({"deadLetterTargetArn": "arn:sqs:jobs-dlq", "maxReceiveCount": 5}),
        },
    )
    assert judge("sqs-dead-letter-queue", [dlq, jobs]) == ([], "")
    lonely = res(QUEUE, "jobs", {"id": "https://sqs/jobs", "arn": "arn:sqs:jobs"})
    found, _ = judge("sqs-dead-letter-queue", [dlq, lonely])
    assert names(found) == ["jobs", "jobs-dlq"], "without a redrive, neither is a dead-letter queue"
    separate = res(REDRIVE, "jobs-redrive", {"queueUrl": "https://sqs/jobs", "redrivePolicy": UNKNOWN}, {"redrivePolicy": ["jobs-dlq"]})
    assert judge("sqs-dead-letter-queue", [dlq, lonely, separate]) == ([], ""), "preview: the redrive's dependency names the DLQ"


# --- durability and AZs ------------------------------------------------------------------------

PRIMARY = {"engine": "mysql", "deletionProtection": True, "finalSnapshotIdentifier": "db-final", "multiAz": True}


def test_tables_caches_and_volumes_are_durable() -> None:
    table = res(TABLE, "todo", {"deletionProtectionEnabled": True, "pointInTimeRecovery": {"enabled": True}})
    cache = res(CACHE, "cache", {"engine": "valkey", "snapshotRetentionLimit": 7.0})
    volume = res(VOLUME, "data", {"size": 10.0, "tags": {"Backup": "daily", "Name": "data"}})
    policy_ = res(DLM, "snapshots", {"state": "ENABLED", "policyDetails": {"resourceTypes": ["VOLUME"], "targetTags": {"Backup": "daily"}}})
    assert judge("durable-data", [table, cache, volume, policy_]) == ([], "")
    careless = [res(TABLE, "todo", {"hashKey": "id"}), res(CACHE, "cache", {"engine": "redis"}), res(VOLUME, "data", {"size": 10.0})]
    found, _ = judge("durable-data", [*careless, policy_])
    assert names(found) == ["cache", "data", "todo", "todo"]
    assert judge(
        "durable-data", careless, {"deletionProtection": False, "tableBackups": False, "cacheSnapshots": False, "volumeBackups": False}
    ) == ([], "")


def test_an_unknown_final_snapshot_name_hides_nothing_else() -> None:
    db = res(DB, "db", {**PRIMARY, "deletionProtection": False, "finalSnapshotIdentifier": UNKNOWN})
    fs = res(EFS, "fs", {"id": UNKNOWN})
    found, undecided = judge("durable-data", [db, fs])
    assert names(found) == ["db", "fs"] and undecided == "", "deletion protection and backups are still judged"


def test_subnets_from_a_lookup_cannot_be_judged_instead_of_spanning_0_azs() -> None:
    looked_up = res(ASG, "web", {"vpcZoneIdentifiers": ["subnet-0a1", "subnet-0b2"], "minSize": 2.0, "maxSize": 4.0})
    found, undecided = judge("multi-az-tiers", [looked_up])
    assert found == [] and "web: subnets subnet-0a1, subnet-0b2 come from outside the program" in undecided
    one = [res(SUBNET, "a", {"id": "subnet-a", "availabilityZone": "us-east-1a"}), res(ASG, "web", {"vpcZoneIdentifiers": ["subnet-a"]})]
    assert names(judge("multi-az-tiers", one)[0]) == ["web"], "subnets of the program in one AZ still fail"


def test_cache_multi_az_needs_failover() -> None:
    half = res(CACHE, "cache", {"multiAzEnabled": True, "numCacheClusters": 2.0})
    found, _ = judge("multi-az-tiers", [half])
    assert names(found) == ["cache"] and "automatic_failover_enabled=True" in found[0][1]


def test_what_a_policy_cannot_judge_is_advisory_and_its_violations_stay_mandatory() -> None:
    loaded = pack("least_privilege")
    servicer = loaded.servicer()
    configure(servicer, reconcile(loaded, analyzer_info(servicer), {}, "test"))
    stack = [res(DB, "db", {**PRIMARY, "deletionProtection": False}), res(ASG, "web", {"vpcZoneIdentifiers": ["subnet-0a1"]})]
    response = servicer.AnalyzeStack(stack_request(link(stack)), None)
    by_policy = {(d.policyName, d.enforcementLevel) for d in response.diagnostics}
    assert ("durable-data", proto.MANDATORY) in by_policy and ("multi-az-tiers", proto.ADVISORY) in by_policy
    assert any("cannot judge web" in d.message for d in response.diagnostics if d.policyName == "multi-az-tiers")


# --- the committed prod stack in preview ---------------------------------------------------------


def _altered(resource: Any, **props: Any) -> Any:
    return dataclasses.replace(resource, inputs={**resource.inputs, **props}, state={**resource.state, **props})


def test_prod_preview_judges_durable_data_although_the_final_snapshot_name_is_unknown() -> None:
    run = run_stack("prod", preview=True)
    db = next(r for r in run.resources if r.type == DB)
    assert not isinstance(db.inputs.get("finalSnapshotIdentifier"), str), "the name comes from an apply: unknown in a preview"
    resources = list(run.resources)
    assert judge("durable-data", resources) == ([], "")
    careless = [_altered(r, deletionProtection=False) if r is db else r for r in resources if r.type != "aws:backup/selection:Selection"]
    found, undecided = judge("durable-data", careless)
    assert names(found) == [db.name, "shop-files-efs"] and undecided == ""


def test_http_redirects_are_judged_in_a_preview_through_dependencies() -> None:
    stack = [
        res(SG, "alb", {"id": UNKNOWN}),
        res(
            INGRESS,
            "alb-80",
            {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrIpv4": "0.0.0.0/0"},
            {"securityGroupId": ["alb"]},
        ),
        res(LB, "lb", {"arn": UNKNOWN, "securityGroups": UNKNOWN}, {"securityGroups": ["alb"]}),
        res(
            LISTENER,
            "http",
            {"loadBalancerArn": UNKNOWN, "protocol": "HTTP", "port": 80.0, "defaultActions": FORWARD},
            {"loadBalancerArn": ["lb"]},
        ),
    ]
    found, undecided = judge("alb-http-redirects-to-https", stack)
    assert names(found) == ["http"] and undecided == ""


def test_prod_preview_prices_every_resource() -> None:
    """The estimate of prod's preview is whole: no cost hides behind a value unknown until deployment."""
    import importlib

    pack("cost")
    budget = importlib.import_module("cost_rules.budget")
    built = policy_resources(stack_request(run_stack("prod", preview=True).resources))
    result = budget.partial_estimate({}, built)
    assert result.unknown == [] and result.missing == []
    assert any(item.name == "shop-web-asg" and "weighted by 2 scheduled action(s)" in item.detail for item in result.items)
