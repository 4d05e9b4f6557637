"""The least-privilege resource policies added for the anchors' catalogue: KMS, trails, messaging, serverless,
containers, Redshift, ElastiCache, DynamoDB, origin and listener TLS, and the internet-wide CIDR rule.

Each policy has a passing and a failing case fed as the engine feeds them, and a preview case with unknowns.
"""

from typing import Any, Optional

import pytest
from pulumi_policy.proxy import UnknownValueError

from tests.policy_harness import UNKNOWN, check_resource
from tests.test_policies_least_privilege import test_resource_policy as check_case

KEY, KEY_POLICY = "aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"
TRAIL = "aws:cloudtrail/trail:Trail"
TOPIC, QUEUE = "aws:sns/topic:Topic", "aws:sqs/queue:Queue"
PERMISSION, FUNCTION = "aws:lambda/permission:Permission", "aws:lambda/function:Function"
REST_METHOD, HTTP_ROUTE = "aws:apigateway/method:Method", "aws:apigatewayv2/route:Route"
EKS, ECS_SERVICE = "aws:eks/cluster:Cluster", "aws:ecs/service:Service"
REDSHIFT = "aws:redshift/cluster:Cluster"
CACHE_GROUP, CACHE_CLUSTER = "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"
TABLE = "aws:dynamodb/table:Table"
CDN, LISTENER = "aws:cloudfront/distribution:Distribution", "aws:lb/listener:Listener"
SG, INGRESS, SG_RULE = (
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
)
DEFAULT_SUBNET = "aws:ec2/defaultSubnet:DefaultSubnet"
TRAIL_OK = {"enableLogFileValidation": True, "kmsKeyId": "arn:aws:kms:us-east-1:1:key/k", "isMultiRegionTrail": True, "s3BucketName": "b"}
SECURE_CACHE = {"engine": "valkey", "transitEncryptionEnabled": True, "userGroupIds": ["ug"], "nodeType": "cache.t4g.micro"}
AUTH_DATE = {"asOf": "2026-12-01"}


def origin(policy: str = "https-only", protocols: Optional[list] = None, **more: Any) -> dict:
    custom = {"originProtocolPolicy": policy, "originSslProtocols": protocols or ["TLSv1.2"], "httpPort": 80.0, "httpsPort": 443.0}
    return {"origins": [{"originId": "alb", "domainName": "origin.example.com", "customOriginConfig": custom, **more}]}


def ingress_v4(*cidrs: str, port: float = 22.0) -> dict:
    return {"ingress": [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": list(cidrs)}]}


# (policy, resource type, props, config, fragment of the expected violation or None when the resource passes)
CASES = [
    ("kms-key-rotation", KEY, {"enableKeyRotation": True}, None, None),
    ("kms-key-rotation", KEY, {"description": "app"}, None, "enableKeyRotation is not true"),
    ("kms-key-rotation", KEY, {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}, None, None),
    ("kms-no-lockout-bypass", KEY, {"enableKeyRotation": True}, None, None),
    ("kms-no-lockout-bypass", KEY, {"bypassPolicyLockoutSafetyCheck": True}, None, "locks every administrator out"),
    ("kms-no-lockout-bypass", KEY_POLICY, {"keyId": "k", "policy": "{}", "bypassPolicyLockoutSafetyCheck": True}, None, "bypass"),
    ("cloudtrail-secure", TRAIL, TRAIL_OK, None, None),
    ("cloudtrail-secure", TRAIL, {"s3BucketName": "b"}, None, "enableLogFileValidation is not true"),
    ("cloudtrail-secure", TRAIL, {**TRAIL_OK, "kmsKeyId": None}, None, "kmsKeyId is not set"),
    ("cloudtrail-secure", TRAIL, {**TRAIL_OK, "isMultiRegionTrail": False}, None, "isMultiRegionTrail is not true"),
    ("cloudtrail-secure", TRAIL, {**TRAIL_OK, "isMultiRegionTrail": False}, {"requireMultiRegion": False}, None),
    ("sns-encrypted", TOPIC, {"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/k"}, None, None),
    ("sns-encrypted", TOPIC, {"name": "alarms"}, None, "kmsMasterKeyId is not set"),
    ("sqs-encrypted", QUEUE, {"name": "jobs"}, None, None),
    ("sqs-encrypted", QUEUE, {"sqsManagedSseEnabled": False}, None, "stored unencrypted"),
    ("sqs-encrypted", QUEUE, {"sqsManagedSseEnabled": False, "kmsMasterKeyId": "alias/app"}, None, None),
    ("lambda-permission-scoped", PERMISSION, {"principal": "events.amazonaws.com", "sourceArn": "arn:aws:events:x"}, None, None),
    ("lambda-permission-scoped", PERMISSION, {"principal": "s3.amazonaws.com", "action": "lambda:InvokeFunction"}, None, "confused deputy"),
    ("lambda-permission-scoped", PERMISSION, {"principal": "*", "action": "lambda:InvokeFunction"}, None, 'principal is "*"'),
    ("lambda-permission-scoped", PERMISSION, {"principal": "*", "functionUrlAuthType": "AWS_IAM"}, None, None),
    ("lambda-permission-scoped", PERMISSION, {"principal": "123456789012"}, None, None),
    ("lambda-runtime-supported", FUNCTION, {"runtime": "python3.13"}, AUTH_DATE, None),
    ("lambda-runtime-supported", FUNCTION, {"runtime": "python3.7"}, AUTH_DATE, "reached the end of AWS's support on 2023-12-04"),
    ("lambda-runtime-supported", FUNCTION, {"runtime": "nodejs18.x"}, AUTH_DATE, "nodejs18.x"),
    ("lambda-runtime-supported", FUNCTION, {"packageType": "Image"}, AUTH_DATE, None),
    ("apigateway-authorization", REST_METHOD, {"httpMethod": "GET", "authorization": "AWS_IAM"}, None, None),
    ("apigateway-authorization", REST_METHOD, {"httpMethod": "POST", "authorization": "NONE"}, None, 'authorization is "NONE"'),
    ("apigateway-authorization", REST_METHOD, {"httpMethod": "OPTIONS", "authorization": "NONE"}, None, None),
    ("apigateway-authorization", HTTP_ROUTE, {"routeKey": "GET /items"}, None, "authorizationType is"),
    ("apigateway-authorization", HTTP_ROUTE, {"routeKey": "GET /items", "authorizationType": "JWT"}, None, None),
    ("eks-endpoint-not-public", EKS, {"vpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}, None, None),
    ("eks-endpoint-not-public", EKS, {"vpcConfig": {"subnetIds": ["s"]}}, None, "admits 0.0.0.0/0 (the whole internet)"),
    ("eks-endpoint-not-public", EKS, {"vpcConfig": {"publicAccessCidrs": ["203.0.113.0/24"]}}, None, None),
    ("eks-endpoint-not-public", EKS, {"vpcConfig": {"publicAccessCidrs": ["0.0.0.0/1", "128.0.0.0/1"]}}, None, "whole IPv4 internet"),
    ("eks-secrets-encrypted", EKS, {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": "arn:k"}}}, None, None),
    ("eks-secrets-encrypted", EKS, {"vpcConfig": {}}, None, "AWS-owned key"),
    ("ecs-no-public-ip", ECS_SERVICE, {"networkConfiguration": {"subnets": ["s"], "assignPublicIp": False}}, None, None),
    ("ecs-no-public-ip", ECS_SERVICE, {"networkConfiguration": {"subnets": ["s"], "assignPublicIp": True}}, None, "assignPublicIp is true"),
    ("redshift-encrypted", REDSHIFT, {"nodeType": "ra3.large"}, None, None),
    ("redshift-encrypted", REDSHIFT, {"nodeType": "ra3.large", "encrypted": "false"}, None, "encrypted is false"),
    ("redshift-not-public", REDSHIFT, {"nodeType": "ra3.large"}, None, None),
    ("redshift-not-public", REDSHIFT, {"publiclyAccessible": True}, None, "publiclyAccessible is true"),
    ("elasticache-encrypted", CACHE_GROUP, SECURE_CACHE, None, None),
    (
        "elasticache-encrypted",
        CACHE_GROUP,
        {"engine": "redis", "transitEncryptionEnabled": True},
        None,
        "atRestEncryptionEnabled is not true",
    ),
    ("elasticache-encrypted", CACHE_GROUP, {"engine": "valkey"}, None, "transitEncryptionEnabled is not true"),
    ("elasticache-encrypted", CACHE_CLUSTER, {"engine": "redis", "nodeType": "cache.t4g.micro"}, None, "standalone redis"),
    ("elasticache-encrypted", CACHE_CLUSTER, {"replicationGroupId": "rg"}, None, None),
    ("elasticache-auth", CACHE_GROUP, SECURE_CACHE, None, None),
    ("elasticache-auth", CACHE_GROUP, {**SECURE_CACHE, "userGroupIds": []}, None, "neither an AUTH token nor RBAC"),
    ("dynamodb-kms-encryption", TABLE, {"serverSideEncryption": {"enabled": True}}, None, None),
    ("dynamodb-kms-encryption", TABLE, {"hashKey": "id"}, None, "AWS-owned key"),
    ("cloudfront-origin-tls", CDN, origin(), None, None),
    ("cloudfront-origin-tls", CDN, origin("http-only"), None, "originProtocolPolicy is 'http-only'"),
    ("cloudfront-origin-tls", CDN, origin(protocols=["TLSv1", "TLSv1.2"]), None, "offers TLSv1"),
    ("cloudfront-origin-tls", CDN, {"origins": [{"originId": "s3", "domainName": "b.s3.amazonaws.com"}]}, None, None),
    ("lb-listener-modern-tls", LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}, None, None),
    (
        "lb-listener-modern-tls",
        LISTENER,
        {"protocol": "HTTPS", "certificateArn": "arn:c"},
        None,
        "ELBSecurityPolicy-2016-08 (the provider's default",
    ),
    (
        "lb-listener-modern-tls",
        LISTENER,
        {"protocol": "TLS", "sslPolicy": "ELBSecurityPolicy-TLS-1-0-2015-04"},
        None,
        "still accepts TLS 1.0",
    ),
    ("lb-listener-modern-tls", LISTENER, {"protocol": "HTTP", "port": 80.0}, None, None),
    ("sg-no-public-admin-ports", SG, ingress_v4("0.0.0.0/1", "128.0.0.0/1"), None, "the whole IPv4 internet"),
    ("sg-no-public-admin-ports", SG, ingress_v4("198.51.0.0/15"), None, "131,072 public IPv4 addresses"),
    ("sg-no-public-admin-ports", SG, ingress_v4("198.51.0.0/16"), None, None),
    ("sg-no-public-admin-ports", SG, ingress_v4("10.0.0.0/8", "172.16.0.0/12"), None, None),
    ("sg-no-public-admin-ports", SG, ingress_v4("198.51.0.0/16", "198.52.0.0/16"), None, "131,072 public IPv4 addresses"),
    ("sg-no-public-admin-ports", SG, ingress_v4("198.51.0.0/15"), {"maxPublicPrefixLength": 15}, None),
    ("sg-no-public-admin-ports", SG, ingress_v4("2001:db8::/32"), None, "public IPv6 addresses"),
    ("sg-no-public-admin-ports", SG, ingress_v4("2001:db8::/48"), None, None),
    ("subnet-no-auto-public-ip", DEFAULT_SUBNET, {"availabilityZone": "us-east-1a"}, None, "the default of AWS's default subnets"),
    ("subnet-no-auto-public-ip", DEFAULT_SUBNET, {"availabilityZone": "us-east-1a", "mapPublicIpOnLaunch": False}, None, None),
]


@pytest.mark.parametrize(("name", "resource_type", "props", "config", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_resource_policy(name: str, resource_type: str, props: dict, config: Optional[dict], expected: Optional[str]) -> None:
    check_case(name, resource_type, props, config, expected)


# (policy, resource type, props with values unknown during a preview, what happens):
#   None: judged and passes (an unknown output of another resource still counts as set);
#   "raises": the SDK's advisory "can't run policy during preview";
#   a fragment: the known values still fail it.
PREVIEW = [
    ("kms-key-rotation", KEY, {"enableKeyRotation": True, "policy": UNKNOWN}, None),
    ("kms-no-lockout-bypass", KEY, {"bypassPolicyLockoutSafetyCheck": UNKNOWN}, "raises"),
    ("cloudtrail-secure", TRAIL, {**TRAIL_OK, "kmsKeyId": UNKNOWN}, None),
    ("cloudtrail-secure", TRAIL, {"kmsKeyId": UNKNOWN, "s3BucketName": UNKNOWN}, "enableLogFileValidation is not true"),
    ("sns-encrypted", TOPIC, {"kmsMasterKeyId": UNKNOWN}, None),
    ("sqs-encrypted", QUEUE, {"sqsManagedSseEnabled": False, "kmsMasterKeyId": UNKNOWN}, None),
    ("lambda-permission-scoped", PERMISSION, {"principal": "events.amazonaws.com", "sourceArn": UNKNOWN}, None),
    ("lambda-permission-scoped", PERMISSION, {"principal": UNKNOWN}, "raises"),
    ("lambda-runtime-supported", FUNCTION, {"runtime": "python3.8", "role": UNKNOWN}, "python3.8"),
    (
        "apigateway-authorization",
        REST_METHOD,
        {"httpMethod": "GET", "authorization": "NONE", "restApi": UNKNOWN},
        'authorization is "NONE"',
    ),
    ("eks-endpoint-not-public", EKS, {"vpcConfig": {"subnetIds": UNKNOWN}}, "the whole internet"),
    ("eks-secrets-encrypted", EKS, {"encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": UNKNOWN}}}, None),
    ("ecs-no-public-ip", ECS_SERVICE, {"networkConfiguration": {"subnets": UNKNOWN, "assignPublicIp": True}}, "assignPublicIp is true"),
    ("redshift-encrypted", REDSHIFT, {"kmsKeyId": UNKNOWN}, None),
    ("redshift-not-public", REDSHIFT, {"publiclyAccessible": True, "clusterSubnetGroupName": UNKNOWN}, "publiclyAccessible"),
    ("elasticache-encrypted", CACHE_GROUP, {**SECURE_CACHE, "subnetGroupName": UNKNOWN}, None),
    ("elasticache-auth", CACHE_GROUP, {**SECURE_CACHE, "userGroupIds": UNKNOWN}, None),
    ("dynamodb-kms-encryption", TABLE, {"serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN}}, None),
    (
        "cloudfront-origin-tls",
        CDN,
        {"origins": [{"originId": "alb", "domainName": UNKNOWN, "customOriginConfig": {"originProtocolPolicy": "http-only"}}]},
        "http-only",
    ),
    ("lb-listener-modern-tls", LISTENER, {"protocol": "HTTPS", "loadBalancerArn": UNKNOWN}, "ELBSecurityPolicy-2016-08"),
    (
        "sg-no-public-admin-ports",
        INGRESS,
        {"ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrIpv4": "0.0.0.0/0", "securityGroupId": UNKNOWN},
        "22 (SSH)",
    ),
    ("subnet-no-auto-public-ip", DEFAULT_SUBNET, {"mapPublicIpOnLaunch": UNKNOWN}, "raises"),
]


@pytest.mark.parametrize(("name", "resource_type", "props", "expected"), PREVIEW, ids=[f"{c[0]}-{i}" for i, c in enumerate(PREVIEW)])
def test_resource_policy_in_preview(name: str, resource_type: str, props: dict, expected: Optional[str]) -> None:
    if expected == "raises":
        with pytest.raises(UnknownValueError):
            check_resource(name, resource_type, props, AUTH_DATE if name == "lambda-runtime-supported" else None)
        return
    found = check_resource(name, resource_type, props, AUTH_DATE if name == "lambda-runtime-supported" else None)
    assert found == [] if expected is None else any(expected in message for message in found), found


def test_every_new_resource_policy_has_passing_failing_and_preview_cases() -> None:
    names = {c[0] for c in CASES}
    assert names <= {c[0] for c in CASES if c[4] is None} and names <= {c[0] for c in CASES if c[4] is not None}
    assert names - {"sg-no-public-admin-ports", "subnet-no-auto-public-ip"} <= {c[0] for c in PREVIEW}
