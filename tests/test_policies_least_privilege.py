"""Every least-privilege resource policy on passing and failing resources, props as the engine passes them."""

import json
from typing import Any, Optional

import pytest

from tests.policy_harness import UNKNOWN, check_resource

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
VOLUME = "aws:ebs/volume:Volume"
DB = "aws:rds/instance:Instance"
DB_CLUSTER = "aws:rds/cluster:Cluster"
DB_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
LAMBDA = "aws:lambda/function:Function"
PARAMETER = "aws:ssm/parameter:Parameter"
EFS = "aws:efs/fileSystem:FileSystem"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
CDN = "aws:cloudfront/distribution:Distribution"
ARN = "arn:aws:s3:::assets-bucket/*"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"}
IMDS_V2 = {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1.0}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = ARN, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def trust(principal: Any, **more: Any) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **more})


def world_ingress(port: float, cidr: str = "0.0.0.0/0") -> list[dict[str, Any]]:
    return [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}]


def cdn(viewer: str = "redirect-to-https", certificate: Optional[dict] = None, ordered: Optional[list] = None) -> dict[str, Any]:
    return {
        "defaultCacheBehavior": {"viewerProtocolPolicy": viewer, "targetOriginId": "alb"},
        "orderedCacheBehaviors": ordered or [],
        "viewerCertificate": certificate
        or {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x", "minimumProtocolVersion": "TLSv1.2_2021"},
    }


# (policy, resource type, props, config, fragment of the expected violation or None when the resource passes)
CASES = [
    ("iam-no-wildcard-actions", ROLE_POLICY, {"policy": doc(allow(["s3:GetObject"]))}, None, None),
    ("iam-no-wildcard-actions", POLICY, {"policy": doc(allow("*", "*"))}, None, "allows *"),
    ("iam-no-wildcard-actions", ROLE, {"inlinePolicies": [{"name": "app", "policy": doc(allow("s3:*"))}]}, None, "inlinePolicies[0] (app)"),
    ("iam-no-wildcard-actions", USER_POLICY, {"policy": "not json"}, None, "cannot be read"),
    ("iam-no-wildcard-actions", GROUP_POLICY, {"policy": doc({"Effect": "Deny", "Action": "*", "Resource": "*"})}, None, None),
    (
        "iam-no-wildcard-resources",
        ROLE_POLICY,
        {"policy": doc(allow(["ec2:DescribeInstances", "cloudwatch:PutMetricData"], "*"))},
        None,
        None,
    ),
    (
        "iam-no-wildcard-resources",
        ROLE_POLICY,
        {"policy": doc(allow(["ssmmessages:OpenDataChannel", "ssm:UpdateInstanceInformation"], "*"))},
        None,
        None,
    ),
    ("iam-no-wildcard-resources", ROLE_POLICY, {"policy": doc(allow(["kms:ListKeys"], "*"))}, {"extraActions": ["kms:List*"]}, None),
    ("iam-no-wildcard-resources", ROLE_POLICY, {"policy": doc(allow(["s3:GetObject"], "*"))}, None, 's3:GetObject on Resource "*"'),
    (
        "iam-no-wildcard-resources",
        GROUP_POLICY,
        {"policy": doc(allow(["ec2:DescribeInstances", "ec2:TerminateInstances"], ["*"]))},
        None,
        "grants ec2:TerminateInstances on",
    ),
    ("iam-no-allow-with-not", POLICY, {"policy": doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})}, None, "NotAction"),
    (
        "iam-no-allow-with-not",
        POLICY,
        {"policy": doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": ARN})},
        None,
        "NotResource",
    ),
    ("iam-no-allow-with-not", POLICY, {"policy": doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})}, None, None),
    ("iam-no-passrole-to-any-role", ROLE_POLICY, {"policy": doc(allow("iam:PassRole", "*"))}, None, "iam:PassRole on *"),
    ("iam-no-passrole-to-any-role", ROLE_POLICY, {"policy": doc(allow("iam:Pass*", "arn:aws:iam::123456789012:role/*"))}, None, "role/*"),
    ("iam-no-passrole-to-any-role", ROLE_POLICY, {"policy": doc(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app"))}, None, None),
    (
        "iam-no-admin-managed-policies",
        ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "role": "r"},
        None,
        "AdministratorAccess",
    ),
    ("iam-no-admin-managed-policies", ROLE, {"managedPolicyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}, None, "PowerUserAccess"),
    (
        "iam-no-admin-managed-policies",
        ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
        None,
        None,
    ),
    ("iam-no-admin-managed-policies", ATTACHMENT, {"policyArn": "arn:aws:iam::123456789012:policy/AdministratorAccess"}, None, None),
    (
        "iam-no-admin-managed-policies",
        ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        {"deniedPolicies": ["ReadOnlyAccess"]},
        "ReadOnlyAccess",
    ),
    ("iam-trust-no-wildcard-principal", ROLE, {"assumeRolePolicy": trust({"Service": "ec2.amazonaws.com"})}, None, None),
    ("iam-trust-no-wildcard-principal", ROLE, {"assumeRolePolicy": trust("*")}, None, 'any principal ("*")'),
    ("iam-trust-no-wildcard-principal", ROLE, {"assumeRolePolicy": trust({"AWS": ["arn:aws:iam::1:root", "*"]})}, None, "any principal"),
    (
        "iam-trust-no-wildcard-principal",
        ROLE,
        {"assumeRolePolicy": doc({"Effect": "Allow", "NotPrincipal": {"AWS": "x"}, "Action": "sts:AssumeRole"})},
        None,
        "NotPrincipal",
    ),
    ("sg-no-public-admin-ports", SG, {"ingress": world_ingress(22.0)}, None, "22 (SSH)"),
    ("sg-no-public-admin-ports", INGRESS, {"ipProtocol": "-1", "cidrIpv6": "::/0", "securityGroupId": "sg-1"}, None, "3306 (MySQL)"),
    (
        "sg-no-public-admin-ports",
        SG_RULE,
        {"type": "ingress", "protocol": "tcp", "fromPort": 3300.0, "toPort": 3310.0, "cidrBlocks": ["0.0.0.0/0"]},
        None,
        "3306",
    ),
    (
        "sg-no-public-admin-ports",
        SG_RULE,
        {"type": "egress", "protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["0.0.0.0/0"]},
        None,
        None,
    ),
    (
        "sg-no-public-admin-ports",
        INGRESS,
        {"ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrIpv4": "203.0.113.0/24"},
        None,
        None,
    ),
    ("sg-no-public-admin-ports", INGRESS, {"ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0"}, None, None),
    ("sg-no-public-admin-ports", SG, {"ingress": world_ingress(8080.0)}, {"adminPorts": [8080]}, "8080"),
    ("subnet-no-auto-public-ip", SUBNET, {"mapPublicIpOnLaunch": False, "cidrBlock": "10.0.0.0/24"}, None, None),
    ("subnet-no-auto-public-ip", SUBNET, {"mapPublicIpOnLaunch": True}, None, "mapPublicIpOnLaunch is true"),
    ("ec2-imdsv2-required", INSTANCE, {"metadataOptions": IMDS_V2}, None, None),
    ("ec2-imdsv2-required", LT, {"metadataOptions": {"httpEndpoint": "disabled"}}, None, None),
    ("ec2-imdsv2-required", LT, {"metadataOptions": {"httpTokens": "optional"}}, None, "httpTokens is optional"),
    ("ec2-imdsv2-required", INSTANCE, {"instanceType": "t3.micro"}, None, "not set"),
    ("ec2-no-public-ip", INSTANCE, {"associatePublicIpAddress": True, "tags": {"Role": "web"}}, None, "tag Role is 'web'"),
    ("ec2-no-public-ip", INSTANCE, {"associatePublicIpAddress": True, "tags": {"Role": "bastion"}}, None, None),
    ("ec2-no-public-ip", INSTANCE, {"associatePublicIpAddress": False}, None, None),
    ("ec2-no-public-ip", LT, {"networkInterfaces": [{"associatePublicIpAddress": "true"}]}, None, "associatePublicIpAddress is true"),
    (
        "ec2-no-public-ip",
        INSTANCE,
        {"associatePublicIpAddress": True, "tags": {"Kind": "web"}},
        {"roles": {"tagKey": "Kind", "allowed": ["web"]}},
        None,
    ),
    ("ebs-encrypted", INSTANCE, {"rootBlockDevice": {"encrypted": True, "volumeType": "gp3"}}, None, None),
    ("ebs-encrypted", INSTANCE, {"instanceType": "t3.micro"}, None, "rootBlockDevice"),
    (
        "ebs-encrypted",
        INSTANCE,
        {"rootBlockDevice": {"encrypted": True}, "ebsBlockDevices": [{"deviceName": "/dev/sdf"}]},
        None,
        "ebsBlockDevices[0]",
    ),
    ("ebs-encrypted", LT, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]}, None, "/dev/xvda"),
    ("ebs-encrypted", LT, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}]}, None, None),
    ("ebs-encrypted", VOLUME, {"size": 5.0, "availabilityZone": "us-east-1a"}, None, "not encrypted"),
    ("ebs-encrypted", VOLUME, {"size": 5.0}, {"accountEncryptsByDefault": True}, None),
    ("rds-not-public", DB, {"publiclyAccessible": False}, None, None),
    ("rds-not-public", DB, {"publiclyAccessible": True}, None, "publiclyAccessible is true"),
    ("rds-not-public", DB_CLUSTER_INSTANCE, {"publiclyAccessible": True}, None, "publiclyAccessible is true"),
    ("rds-storage-encrypted", DB, {"storageEncrypted": True}, None, None),
    ("rds-storage-encrypted", DB, {"engine": "mysql"}, None, "storageEncrypted is not true"),
    ("rds-storage-encrypted", DB, {"replicateSourceDb": "primary"}, None, None),
    ("rds-storage-encrypted", DB_CLUSTER, {"engine": "aurora-mysql"}, None, None),
    ("rds-storage-encrypted", DB_CLUSTER, {"engine": "aurora-mysql", "storageEncrypted": False}, None, "storageEncrypted"),
    ("rds-storage-encrypted", DB_CLUSTER, {"engine": "postgres", "dbClusterInstanceClass": "db.m6gd.large"}, None, "storageEncrypted"),
    ("rds-backups-kept", DB, {"backupRetentionPeriod": 7.0}, None, None),
    ("rds-backups-kept", DB, {"engine": "mysql"}, None, "0 day(s), below the required 1"),  # pulumi-aws sends 0 when unset
    ("rds-backups-kept", DB_CLUSTER, {"engine": "aurora-mysql"}, {"minDays": 7}, "1 day(s), below the required 7"),
    ("rds-backups-kept", DB, {"engine": "mysql", "backupRetentionPeriod": 0.0}, None, "0 day(s)"),
    ("rds-backups-kept", DB, {"backupRetentionPeriod": 3.0}, {"minDays": 7}, "below the required 7"),
    ("rds-backups-kept", DB_CLUSTER, {"engine": "aurora-mysql"}, None, None),
    ("no-plaintext-secrets", DB, {"password": "wordpress"}, None, "password is set"),
    ("no-plaintext-secrets", DB, {"password": SECRET}, None, "password is set"),
    ("no-plaintext-secrets", DB, {"manageMasterUserPassword": True, "username": "admin"}, None, None),
    ("no-plaintext-secrets", LAMBDA, {"environment": {"variables": {"DB_PASSWORD": "hunter2"}}}, None, "DB_PASSWORD"),
    (
        "no-plaintext-secrets",
        LAMBDA,
        {"environment": {"variables": {"DB_PASSWORD_ARN": "arn:x", "API_TOKEN": "arn:aws:secretsmanager:x"}}},
        None,
        None,
    ),
    ("no-plaintext-secrets", PARAMETER, {"name": "/app/db-password", "type": "String", "value": "x"}, None, "SecureString"),
    ("no-plaintext-secrets", PARAMETER, {"name": "/app/db-password", "type": "SecureString", "value": "x"}, None, None),
    ("efs-encrypted", EFS, {"encrypted": True}, None, None),
    ("efs-encrypted", EFS, {"performanceMode": "generalPurpose"}, None, "encrypted is not true"),
    (
        "s3-no-public-grants",
        BUCKET_POLICY,
        {"bucket": "b", "policy": doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": ARN})},
        None,
        "to everyone",
    ),
    (
        "s3-no-public-grants",
        BUCKET_POLICY,
        {
            "bucket": "b",
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": ARN,
                    "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}},
                }
            ),
        },
        None,
        None,
    ),
    (
        "s3-no-public-grants",
        BUCKET_POLICY,
        {
            "policy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "s3:GetObject",
                    "Resource": ARN,
                    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
                }
            )
        },
        None,
        None,
    ),
    (
        "s3-no-public-grants",
        BUCKET_POLICY,
        {
            "policy": doc(
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": ARN,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        },
        None,
        None,
    ),
    ("s3-no-public-grants", BUCKET, {"acl": "public-read"}, None, "acl is public-read"),
    (
        "s3-no-public-grants",
        BUCKET_ACL,
        {
            "accessControlPolicy": {
                "grants": [{"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "permission": "READ"}]
            }
        },
        None,
        "AllUsers",
    ),
    ("s3-no-public-grants", BUCKET, {"acl": "private"}, None, None),
    ("cloudfront-https-modern-tls", CDN, cdn(), None, None),
    ("cloudfront-https-modern-tls", CDN, cdn(viewer="allow-all"), None, "defaultCacheBehavior: viewerProtocolPolicy is 'allow-all'"),
    (
        "cloudfront-https-modern-tls",
        CDN,
        cdn(ordered=[{"pathPattern": "/static/*", "viewerProtocolPolicy": "allow-all"}]),
        None,
        "orderedCacheBehaviors[0] (/static/*)",
    ),
    (
        "cloudfront-https-modern-tls",
        CDN,
        cdn(certificate={"acmCertificateArn": "arn:x", "minimumProtocolVersion": "TLSv1"}),
        None,
        "minimumProtocolVersion is TLSv1",
    ),
    ("cloudfront-https-modern-tls", CDN, cdn(certificate={"cloudfrontDefaultCertificate": True}), None, None),
    (
        "cloudfront-https-modern-tls",
        CDN,
        cdn(certificate={"cloudfrontDefaultCertificate": True}),
        {"allowDefaultCertificate": False},
        "default *.cloudfront.net",
    ),
]


@pytest.mark.parametrize(("name", "resource_type", "props", "config", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_resource_policy(name: str, resource_type: str, props: dict, config: Optional[dict], expected: Optional[str]) -> None:
    found = check_resource(name, resource_type, props, config)
    if expected is None:
        assert found == []
    else:
        assert found, f"{name} let {props} pass"
        assert any(expected in message for message in found), found
        assert all("Fix:" in message for message in found), "every message says how to fix it"


def test_every_least_privilege_resource_policy_has_a_passing_and_a_failing_case() -> None:
    from tests.policy_harness import pack
    from tests.test_policies_rules import CASES as NEW_CASES

    resource_policies = {p.name for p in pack("least_privilege").policies if type(p).__name__ == "ResourceValidationPolicy"}
    passing = {c[0] for c in [*CASES, *NEW_CASES] if c[4] is None}
    failing = {c[0] for c in [*CASES, *NEW_CASES] if c[4] is not None}
    assert resource_policies <= passing and resource_policies <= failing


def test_unknown_values_raise_for_the_sdk_to_report() -> None:
    from pulumi_policy.proxy import UnknownValueError

    with pytest.raises(UnknownValueError):
        check_resource("iam-no-wildcard-actions", ROLE_POLICY, {"policy": UNKNOWN, "role": "r"})


def test_policies_ignore_other_resource_types() -> None:
    assert check_resource("rds-not-public", BUCKET, {"publiclyAccessible": True}) == []
    assert check_resource("iam-no-wildcard-actions", BUCKET_POLICY, {"policy": doc(allow("*", "*"))}) == []
