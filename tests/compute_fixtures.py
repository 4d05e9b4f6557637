"""Dev-like and prod-like arguments for the compute tier (LoadBalancer + WebFleet), shared by its tests."""

import dataclasses
from typing import Any, Optional

import pulumi

from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.network import Network
from components.web_fleet import WebFleet, WebFleetArgs
from settings import load_settings
from settings.web_shop import web_shop_args

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf"
DB_HOST = "wordpress.abc.us-east-1.rds.amazonaws.com"
DB_RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0"
FS_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01234567"
ACCESS_POINT_ARN = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0"
CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f7b1a2c-3d4e-5f60-7a8b-9c0d1e2f3a4b"
MOUNT_COMMANDS = """dnf install -y amazon-efs-utils
mkdir -p /mnt/shared
echo 'fs-01234567:/ /mnt/shared efs _netdev,tls,accesspoint=fsap-0123456789abcdef0 0 0' >> /etc/fstab
mount /mnt/shared"""
VPC_CIDR = "10.0.0.0/16"

DEV_CONFIG = {"azCount": "2", "natStrategy": "instance", "webMinSize": "1", "webDesiredSize": "1", "webMaxSize": "2"}
"""The stack config of a dev-like stack: 2 AZs, one or two t4g.micro servers, HTTP only."""
PROD_CONFIG = {
    "azCount": "3",
    "natStrategy": "one_per_az",
    "bastionEnabled": "true",
    "sshAllowedCidrs": '["203.0.113.0/24"]',
    "webInstanceType": "t4g.small",
    "webMinSize": "2",
    "webDesiredSize": "2",
    "webMaxSize": "6",
    "webSchedules": '["0 8 * * *=4", "0 20 * * *=2"]',
    "certificateArn": CERTIFICATE_ARN,
    "originDomainName": "origin.shop.example.com",
    "domainName": "shop.example.com",
    "hostedZoneId": "Z0123456789ABC",
    "albAccessLogs": "true",
    "albDeletionProtection": "true",
}
"""The stack config of a prod-like stack: 3 AZs, bastion, 2..6 servers, HTTPS, logs, deletion protection."""


def web_settings(config: dict[str, str]) -> Any:
    """All settings parsed and validated from short config keys."""
    return load_settings("awsinaction", "test", config)


def stack_program(config: dict[str, str]) -> Any:
    """Network + LoadBalancer + WebFleet from a stack config through the program's own mapping
    (settings.web_shop), with literal IDs standing in for the data tier."""
    settings = web_settings(config)
    parts = web_shop_args(settings)

    def program() -> None:
        network = Network("network", parts.network)
        lb = LoadBalancer(
            "web",
            dataclasses.replace(
                parts.load_balancer, vpc_id=network.vpc_id, vpc_cidr=network.vpc_cidr, public_subnet_ids=network.public_subnet_ids
            ),
        )
        fleet = WebFleet(
            "web",
            dataclasses.replace(
                parts.web_fleet,
                vpc_id=network.vpc_id,
                vpc_cidr=network.vpc_cidr,
                private_subnet_ids=network.private_subnet_ids,
                load_balancer_security_group_id=lb.security_group_id,
                target_group_arn=lb.target_group_arn,
                target_group_arn_suffix=lb.target_group_arn_suffix,
                load_balancer_arn_suffix=lb.arn_suffix,
                database_secret_arn=SECRET_ARN,
                database_host=DB_HOST,
                database_resource_id=DB_RESOURCE_ID,
                file_system_arn=FS_ARN,
                file_system_access_point_arn=ACCESS_POINT_ARN,
                mount_commands=MOUNT_COMMANDS,
                site_url=pulumi.Output.concat(lb.origin_protocol, "://", lb.dns_name),
                bastion_security_group_id=network.bastion_security_group_id if settings.network.bastion_enabled else None,
            ),
        )
        pulumi.export("url", pulumi.Output.concat(lb.origin_protocol, "://", lb.dns_name))
        pulumi.export("groupName", fleet.group_name)

    return program


def lb_args(**overrides: Any) -> LoadBalancerArgs:
    """Literal LoadBalancer arguments (dev-like unless overridden)."""
    base = LoadBalancerArgs(vpc_id="vpc-0123", vpc_cidr=VPC_CIDR, public_subnet_ids=["subnet-pub-a", "subnet-pub-b"])
    return dataclasses.replace(base, **overrides)


def fleet_args(lb: Optional[LoadBalancer] = None, **overrides: Any) -> WebFleetArgs:
    """WebFleet arguments wired to `lb` (or to literal IDs), dev-like unless overridden."""
    base = WebFleetArgs(
        vpc_id="vpc-0123",
        vpc_cidr=VPC_CIDR,
        private_subnet_ids=["subnet-priv-a", "subnet-priv-b"],
        load_balancer_security_group_id=lb.security_group_id if lb else "sg-alb",
        target_group_arn=lb.target_group_arn if lb else "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1",
        target_group_arn_suffix=lb.target_group_arn_suffix if lb else "targetgroup/web/1",
        load_balancer_arn_suffix=lb.arn_suffix if lb else "app/web/1",
        database_secret_arn=SECRET_ARN,
        database_host=DB_HOST,
        database_resource_id=DB_RESOURCE_ID,
        min_size=1,
        max_size=2,
    )
    return dataclasses.replace(base, **overrides)
