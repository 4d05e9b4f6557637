"""Dev-like and prod-like arguments for the compute tier (LoadBalancer + WebFleet), shared by its tests."""

import dataclasses
from typing import Any, Optional

import pulumi

from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.network import Network, NetworkArgs
from components.web_fleet import WebFleet, WebFleetArgs
from settings import load_settings
from settings.web import WebSettings

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf"
DB_HOST = "wordpress.abc.us-east-1.rds.amazonaws.com"
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
    "albAccessLogs": "true",
    "albDeletionProtection": "true",
}
"""The stack config of a prod-like stack: 3 AZs, bastion, 2..6 servers, HTTPS, logs, deletion protection."""


def web_settings(config: dict[str, str]) -> Any:
    """All settings parsed and validated from short config keys."""
    return load_settings("awsinaction", "test", config)


def build_web_tier(web: WebSettings, network: Network, bastion: bool) -> tuple[LoadBalancer, WebFleet]:
    """The wiring proposed for __main__.py: the load balancer and the fleet from the web settings and a Network."""
    lb = LoadBalancer(
        "web",
        LoadBalancerArgs(
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            public_subnet_ids=network.public_subnet_ids,
            certificate_arn=web.certificate_arn,
            health_check_path=web.health_check_path,
            deletion_protection=web.alb_deletion_protection,
            access_logs=web.alb_access_logs,
            access_log_retention_days=web.alb_access_log_retention_days,
        ),
    )
    fleet = WebFleet(
        "web",
        WebFleetArgs(
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            private_subnet_ids=network.private_subnet_ids,
            load_balancer_security_group_id=lb.security_group_id,
            target_group_arn=lb.target_group_arn,
            target_group_arn_suffix=lb.target_group_arn_suffix,
            load_balancer_arn_suffix=lb.arn_suffix,
            database_secret_arn=SECRET_ARN,
            database_host=DB_HOST,
            file_system_arn=FS_ARN,
            file_system_access_point_arn=ACCESS_POINT_ARN,
            mount_commands=MOUNT_COMMANDS,
            site_url=pulumi.Output.concat(lb.origin_protocol, "://", lb.dns_name),
            health_check_path=web.health_check_path,
            instance_type=web.instance_type,
            min_size=web.min_size,
            desired_capacity=web.desired_size,
            max_size=web.max_size,
            cpu_target_percent=web.cpu_target_percent,
            schedules=web.schedules,
            spot_percent=web.spot_percent,
            spot_instance_types=web.spot_instance_types,
            on_demand_base_capacity=web.on_demand_base_capacity,
            detailed_monitoring=web.detailed_monitoring,
            ssm_access=web.ssm_access,
            bastion_security_group_id=network.bastion_security_group_id if bastion else None,
        ),
    )
    return lb, fleet


def stack_program(config: dict[str, str]) -> Any:
    """A program building Network + LoadBalancer + WebFleet from a stack config, as __main__.py would."""
    settings = web_settings(config)
    net = settings.network

    def program() -> None:
        network = Network(
            "network",
            NetworkArgs(cidr_block=net.vpc_cidr, az_count=net.az_count, nat_strategy=net.nat_strategy,
                        bastion_enabled=net.bastion_enabled, ssh_allowed_cidrs=net.ssh_allowed_cidrs),
        )
        lb, fleet = build_web_tier(settings.web, network, net.bastion_enabled)
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
        min_size=1,
        max_size=2,
    )
    return dataclasses.replace(base, **overrides)


SHARED_PATH = "/mnt/shared"
"""Where the web servers mount the shared file system (not /var/www: WordPress core stays local in /var/www/html)."""


def full_stack_program(config: dict[str, str]) -> Any:
    """Network + data tier + LoadBalancer + WebFleet, wired exactly as proposed for __main__.py."""
    import pulumi_aws as aws

    from components.database import Database, DatabaseArgs
    from components.file_system import SharedFileSystem, SharedFileSystemArgs

    settings = web_settings(config)
    net, data, web = settings.network, settings.data, settings.web

    def program() -> None:
        network = Network(
            "network",
            NetworkArgs(cidr_block=net.vpc_cidr, az_count=net.az_count, nat_strategy=net.nat_strategy,
                        bastion_enabled=net.bastion_enabled, ssh_allowed_cidrs=net.ssh_allowed_cidrs),
        )
        database = Database(
            "db",
            DatabaseArgs(vpc_id=network.vpc_id, subnet_ids=network.isolated_subnet_ids, availability_zones=network.zone_names,
                         client_security_group_ids=[network.app_security_group_id], database_name=data.db_name),
        )
        shared_files = SharedFileSystem(
            "files",
            SharedFileSystemArgs(vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids, availability_zones=network.zone_names,
                                 posix_uid=48, posix_gid=48),  # apache on Amazon Linux 2023 owns wp-content
        )
        # --- the snippet for __main__.py starts here -------------------------------------------------
        lb = LoadBalancer(
            "web",
            LoadBalancerArgs(
                vpc_id=network.vpc_id,
                vpc_cidr=network.vpc_cidr,
                public_subnet_ids=network.public_subnet_ids,
                certificate_arn=web.certificate_arn,
                health_check_path=web.health_check_path,
                deletion_protection=web.alb_deletion_protection,
                access_logs=web.alb_access_logs,
                access_log_retention_days=web.alb_access_log_retention_days,
            ),
        )
        fleet = WebFleet(
            "web",
            WebFleetArgs(
                vpc_id=network.vpc_id,
                vpc_cidr=network.vpc_cidr,
                private_subnet_ids=network.private_subnet_ids,
                load_balancer_security_group_id=lb.security_group_id,
                target_group_arn=lb.target_group_arn,
                target_group_arn_suffix=lb.target_group_arn_suffix,
                load_balancer_arn_suffix=lb.arn_suffix,
                database_secret_arn=database.secret_arn,
                database_host=database.address,
                database_port=database.port,
                database_name=data.db_name,
                file_system_arn=shared_files.file_system_arn,
                mount_commands=shared_files.mount_commands(SHARED_PATH),
                shared_path=SHARED_PATH,
                # The database admits network.app_security_group_id; the file system admits its client group.
                additional_security_group_ids=[network.app_security_group_id, shared_files.client_security_group_id],
                site_url=pulumi.Output.concat(lb.origin_protocol, "://", lb.dns_name),
                health_check_path=web.health_check_path,
                instance_type=web.instance_type,
                min_size=web.min_size,
                desired_capacity=web.desired_size,
                max_size=web.max_size,
                cpu_target_percent=web.cpu_target_percent,
                schedules=web.schedules,
                spot_percent=web.spot_percent,
                spot_instance_types=web.spot_instance_types,
                on_demand_base_capacity=web.on_demand_base_capacity,
                detailed_monitoring=web.detailed_monitoring,
                ssm_access=web.ssm_access,
                bastion_security_group_id=network.bastion_security_group_id if net.bastion_enabled else None,
            ),
        )
        if settings.ops.alarm_email:
            aws.sns.TopicSubscription("web-events-email", topic=fleet.notification_topic_arn, protocol="email",
                                      endpoint=settings.ops.alarm_email)
        pulumi.export("url", pulumi.Output.concat(lb.origin_protocol, "://", lb.dns_name))
        pulumi.export("webGroupName", fleet.group_name)
        pulumi.export("webLogGroup", fleet.log_group_name)
        # --- the snippet ends here ---------------------------------------------------------------------

    return program
