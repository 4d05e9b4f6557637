"""Every stack policy on passing and failing stacks, resources built by the servicer's AnalyzeStack code path.

References resolve by ID/ARN (what `pulumi up` and the offline check see) and, when the ID is unknown
(a preview), through the property's dependencies.
"""

import json
from pathlib import Path

import pytest

from tests.policy_harness import UNKNOWN, check_stack, pack
from tests.policy_harness import stack_resource as res

VPC, DSG = "aws:ec2/vpc:Vpc", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG, INGRESS, SG_RULE = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
)
SUBNET, ASG, LB = "aws:ec2/subnet:Subnet", "aws:autoscaling/group:Group", "aws:lb/loadBalancer:LoadBalancer"
LISTENER, RULE = "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"
EFS, EFS_POLICY, MOUNT = "aws:efs/fileSystem:FileSystem", "aws:efs/fileSystemPolicy:FileSystemPolicy", "aws:efs/mountTarget:MountTarget"
EFS_BACKUP, SELECTION = "aws:efs/backupPolicy:BackupPolicy", "aws:backup/selection:Selection"
BUCKET, PAB, ACCOUNT_PAB = (
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
)
SSE, BUCKET_POLICY = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
)
DB, CACHE = "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"
NAT = "aws:ec2/natGateway:NatGateway"
LB_TAGS = {"Role": "load-balancer"}
FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}
TLS_DENY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def rule(name: str, group: str, port: float, cidr: str = "0.0.0.0/0", **more: object) -> object:
    return res(INGRESS, name, {"securityGroupId": group, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": cidr, **more})


def names(found: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in found]


def subnets(*zones: str) -> list:
    return [res(SUBNET, f"subnet-{z}", {"id": f"subnet-{z}", "availabilityZone": z}) for z in zones]


# --- network -----------------------------------------------------------------------------------


def test_web_ports_open_to_the_world_only_on_a_tagged_load_balancer_group() -> None:
    stack = [res(SG, "alb", {"id": "sg-alb", "tags": LB_TAGS}), rule("alb-https", "sg-alb", 443.0), rule("alb-http", "sg-alb", 80.0)]
    assert check_stack("sg-public-ingress-only-web-on-load-balancers", stack) == []


def test_web_port_open_to_the_world_on_an_app_group_fails() -> None:
    stack = [res(SG, "app", {"id": "sg-app", "tags": {"Role": "app"}}), rule("app-https", "sg-app", 443.0)]
    found = check_stack("sg-public-ingress-only-web-on-load-balancers", stack)
    assert names(found) == ["app-https"] and "which no internet-facing load balancer lists" in found[0][1] and "app" in found[0][1]


def test_other_ports_open_to_the_world_fail_even_on_a_load_balancer() -> None:
    stack = [res(SG, "alb", {"id": "sg-alb", "tags": LB_TAGS}), rule("alb-8080", "sg-alb", 8080.0, cidr="::/0")]
    found = check_stack("sg-public-ingress-only-web-on-load-balancers", stack)
    assert names(found) == ["alb-8080"] and "only tcp 80, 443" in found[0][1]


def test_group_resolved_through_property_dependencies_when_its_id_is_unknown() -> None:
    stack = [
        res(SG, "alb", {"id": UNKNOWN, "tags": LB_TAGS}),
        res(
            INGRESS,
            "alb-https",
            {"securityGroupId": UNKNOWN, "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"},
            property_dependencies={"securityGroupId": ["alb"]},
        ),
    ]
    assert check_stack("sg-public-ingress-only-web-on-load-balancers", stack) == []


def test_the_rules_own_marker_tag_counts_and_the_marker_is_configurable() -> None:
    outside = [rule("edge-https", "sg-elsewhere", 443.0, tags=LB_TAGS)]
    assert check_stack("sg-public-ingress-only-web-on-load-balancers", outside) == []
    tagged = [res(SG, "edge", {"id": "sg-edge", "tags": {"Tier": "edge"}}), rule("edge-https", "sg-edge", 443.0)]
    assert check_stack("sg-public-ingress-only-web-on-load-balancers", tagged, {"markerTag": {"key": "Tier", "values": ["edge"]}}) == []
    assert names(check_stack("sg-public-ingress-only-web-on-load-balancers", tagged)) == ["edge-https"]


def test_inline_and_classic_rules_are_checked_too() -> None:
    stack = [
        res(SG, "web", {"id": "sg-web", "ingress": [{"protocol": "tcp", "fromPort": 80.0, "toPort": 80.0, "cidrBlocks": ["0.0.0.0/0"]}]}),
        res(
            SG_RULE,
            "classic",
            {
                "type": "ingress",
                "securityGroupId": "sg-web",
                "protocol": "tcp",
                "fromPort": 443.0,
                "toPort": 443.0,
                "cidrBlocks": ["0.0.0.0/0"],
            },
        ),
        res(
            SG_RULE,
            "private",
            {
                "type": "ingress",
                "securityGroupId": "sg-web",
                "protocol": "tcp",
                "fromPort": 443.0,
                "toPort": 443.0,
                "cidrBlocks": ["10.0.0.0/16"],
            },
        ),
    ]
    assert sorted(names(check_stack("sg-public-ingress-only-web-on-load-balancers", stack))) == ["classic", "web"]


def test_default_security_group_closed() -> None:
    good = [res(VPC, "vpc", {"id": "vpc-1"}), res(DSG, "default", {"vpcId": "vpc-1", "ingress": [], "egress": []})]
    assert check_stack("default-security-group-closed", good) == []
    open_rules = [res(VPC, "vpc", {"id": "vpc-1"}), res(DSG, "default", {"vpcId": "vpc-1", "ingress": [{"protocol": "-1", "self": True}]})]
    assert names(check_stack("default-security-group-closed", open_rules)) == ["default"]
    not_adopted = [res(VPC, "vpc", {"id": "vpc-1"})]
    assert "allow-all" in check_stack("default-security-group-closed", not_adopted)[0][1]


# --- data --------------------------------------------------------------------------------------


def test_efs_tls_only() -> None:
    fs = res(EFS, "fs", {"id": "fs-1", "encrypted": True})
    good = [fs, res(EFS_POLICY, "fs-policy", {"fileSystemId": "fs-1", "policy": json.dumps({"Statement": [TLS_DENY]})})]
    assert check_stack("efs-tls-only", good) == []
    allow_only = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount", "Resource": "*"}]}
    assert names(check_stack("efs-tls-only", [fs, res(EFS_POLICY, "p", {"fileSystemId": "fs-1", "policy": json.dumps(allow_only)})])) == [
        "fs"
    ]
    assert names(check_stack("efs-tls-only", [fs])) == ["fs"]


def test_s3_public_access_blocked() -> None:
    bucket = res(BUCKET, "assets", {"id": "assets", "bucket": "assets"})
    assert check_stack("s3-public-access-blocked", [bucket, res(PAB, "assets-pab", {"bucket": "assets", **FLAGS})]) == []
    assert names(check_stack("s3-public-access-blocked", [bucket])) == ["assets"]
    weak = res(PAB, "assets-pab", {**FLAGS, "bucket": "assets", "restrictPublicBuckets": False})
    found = check_stack("s3-public-access-blocked", [bucket, weak])
    assert names(found) == ["assets-pab"] and "restrictPublicBuckets" in found[0][1]
    assert check_stack("s3-public-access-blocked", [bucket, res(ACCOUNT_PAB, "account", dict(FLAGS))]) == []


def test_s3_default_encryption_judges_as_s3_does() -> None:
    """Since 2023-01-05 S3 encrypts every new object with SSE-S3 when the bucket declares nothing."""
    bucket = res(BUCKET, "assets", {"id": "assets"})
    sse = res(SSE, "assets-sse", {"bucket": "assets", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]})
    inline = res(
        BUCKET,
        "legacy",
        {"id": "legacy", "serverSideEncryptionConfiguration": {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}},
    )
    assert check_stack("s3-default-encryption", [bucket, sse, inline]) == [], "SSE-S3 is AWS's default"
    found = check_stack("s3-default-encryption", [bucket, sse, inline], {"requireKms": True})
    assert names(found) == ["legacy"] and "AES256 (SSE-S3)" in found[0][1]
    assert names(check_stack("s3-default-encryption", [bucket], {"requireKms": True})) == ["assets"], "nothing declared is SSE-S3"


def test_s3_tls_only() -> None:
    bucket = res(BUCKET, "assets", {"id": "assets"})
    policy = res(
        BUCKET_POLICY, "assets-policy", {"bucket": "assets", "policy": json.dumps({"Statement": [{**TLS_DENY, "Principal": "*"}]})}
    )
    assert check_stack("s3-tls-only", [bucket, policy]) == []
    assert names(check_stack("s3-tls-only", [bucket])) == ["assets"]


# --- transport ---------------------------------------------------------------------------------


def balancer(http_actions: list, https: bool = True) -> list:
    stack = [
        res(LB, "alb", {"arn": "arn:alb", "loadBalancerType": "application"}),
        res(
            LISTENER,
            "http",
            {"arn": "arn:http", "loadBalancerArn": "arn:alb", "protocol": "HTTP", "port": 80.0, "defaultActions": http_actions},
        ),
    ]
    if https:
        stack.append(
            res(LISTENER, "https", {"loadBalancerArn": "arn:alb", "protocol": "HTTPS", "port": 443.0, "certificateArn": "arn:cert"})
        )
    return stack


REDIRECT = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
FORWARD = [{"type": "forward", "targetGroupArn": "arn:tg"}]


def test_alb_http_redirects_to_https() -> None:
    assert check_stack("alb-http-redirects-to-https", balancer(REDIRECT)) == []
    assert names(check_stack("alb-http-redirects-to-https", balancer(FORWARD))) == ["http"]
    assert check_stack("alb-http-redirects-to-https", balancer(FORWARD, https=False)) == [], "no certificate, nothing to redirect to"
    sneaky = [*balancer(REDIRECT), res(RULE, "bypass", {"listenerArn": "arn:http", "actions": FORWARD})]
    assert names(check_stack("alb-http-redirects-to-https", sneaky)) == ["bypass"]


# --- durability --------------------------------------------------------------------------------

PRIMARY = {
    "engine": "mysql",
    "instanceClass": "db.t4g.micro",
    "deletionProtection": True,
    "finalSnapshotIdentifier": "db-final",
    "multiAz": True,
}


def test_durable_data_requires_protection_snapshots_and_backups() -> None:
    fs = res(EFS, "fs", {"id": "fs-1", "arn": "arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1"})
    good = [res(DB, "db", PRIMARY), fs, res(EFS_BACKUP, "fs-backup", {"fileSystemId": "fs-1", "backupPolicy": {"status": "ENABLED"}})]
    assert check_stack("durable-data", good) == []
    by_backup_plan = [fs, res(SELECTION, "backup", {"resources": ["arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1"]})]
    assert check_stack("durable-data", by_backup_plan) == []
    careless = [res(DB, "db", {**PRIMARY, "deletionProtection": False, "skipFinalSnapshot": True}), fs]
    found = check_stack("durable-data", careless)
    assert sorted(names(found)) == ["db", "db", "fs"]
    no_identifier = [res(DB, "db", {**PRIMARY, "finalSnapshotIdentifier": None})]
    assert "finalSnapshotIdentifier" in check_stack("durable-data", no_identifier)[0][1]


def test_dev_config_relaxes_durable_data() -> None:
    careless = [res(DB, "db", {**PRIMARY, "deletionProtection": False, "skipFinalSnapshot": True})]
    assert check_stack("durable-data", careless, {"deletionProtection": False, "finalSnapshot": False}) == []


def test_multi_az_tiers() -> None:
    two = subnets("us-east-1a", "us-east-1b")
    group = res(ASG, "web", {"vpcZoneIdentifiers": ["subnet-us-east-1a", "subnet-us-east-1b"], "minSize": 2.0, "maxSize": 4.0})
    lb = res(LB, "alb", {"subnets": ["subnet-us-east-1a", "subnet-us-east-1b"]})
    fs = res(EFS, "fs", {"id": "fs-1"})
    mounts = [res(MOUNT, f"mt-{s.name}", {"fileSystemId": "fs-1", "subnetId": s.id}) for s in two]
    cache = res(CACHE, "cache", {"multiAzEnabled": True, "automaticFailoverEnabled": True, "numCacheClusters": 2.0})
    good = [*two, group, lb, fs, *mounts, res(DB, "db", PRIMARY), cache]
    assert check_stack("multi-az-tiers", good) == []
    one = subnets("us-east-1a")
    lonely = [
        *one,
        res(ASG, "web", {"vpcZoneIdentifiers": ["subnet-us-east-1a"]}),
        fs,
        mounts[0],
        res(DB, "db", {**PRIMARY, "multiAz": False}),
        res(CACHE, "cache", {"numCacheClusters": 1.0}),
    ]
    assert sorted(names(check_stack("multi-az-tiers", lonely))) == ["cache", "db", "fs", "web"]
    assert sorted(names(check_stack("multi-az-tiers", lonely, {"databaseMultiAz": False, "cacheMultiAz": False, "minAzs": 1}))) == []


def test_multi_az_resolves_subnets_through_dependencies_in_preview() -> None:
    two = [res(SUBNET, f"subnet-{z}", {"id": UNKNOWN, "availabilityZone": z}) for z in ("us-east-1a", "us-east-1b")]
    group = res(ASG, "web", {"vpcZoneIdentifiers": [UNKNOWN, UNKNOWN]}, property_dependencies={"vpcZoneIdentifiers": [s.name for s in two]})
    assert check_stack("multi-az-tiers", [*two, group]) == []


# --- cost: stack policies ----------------------------------------------------------------------


def test_nat_gateway_count() -> None:
    gateways = [res(NAT, f"nat-{z}", {"subnetId": f"s-{z}"}) for z in "abc"]
    assert check_stack("nat-gateway-count", gateways) == []
    found = check_stack("nat-gateway-count", gateways, {"maxNatGateways": 1})
    assert len(found) == 1 and "3 NAT gateways (nat-a, nat-b, nat-c)" in found[0][1]


def test_every_stack_policy_has_tests_here() -> None:
    stack_policies = {
        p.name for folder in ("least_privilege", "cost") for p in pack(folder).policies if type(p).__name__ == "StackValidationPolicy"
    }
    source = "".join(path.read_text() for path in Path(__file__).parent.glob("test_policies_*.py"))
    untested = {name for name in stack_policies if f'"{name}"' not in source}
    assert not untested, untested


@pytest.mark.parametrize("policy", ["durable-data", "multi-az-tiers", "efs-tls-only", "s3-tls-only"])
def test_stack_policies_pass_an_empty_stack(policy: str) -> None:
    assert check_stack(policy, []) == []
