"""Map a stack's settings onto the WebShop's parts: the one place config keys meet component arguments."""

from components.content_delivery import ContentDeliveryArgs
from components.database import DatabaseArgs
from components.file_system import SharedFileSystemArgs
from components.load_balancer import LoadBalancerArgs
from components.network import NetworkArgs
from components.web_fleet import WebFleetArgs
from components.web_shop import WebShopArgs
from components.web_user_data import wordpress_bootstrap

from . import Settings

APACHE_UID = 48
"""apache's uid and gid on Amazon Linux; WordPress writes the shared file system as this user."""


def web_shop_args(settings: Settings) -> WebShopArgs:
    """Map the stack's settings onto the WebShop's parts."""
    net, web, data, cdn = settings.network, settings.web, settings.data, settings.cdn
    return WebShopArgs(
        network=NetworkArgs(
            cidr_block=net.vpc_cidr,
            az_count=net.az_count,
            nat_strategy=net.nat_strategy,
            public_subnet_cidrs=net.public_subnet_cidrs,
            private_subnet_cidrs=net.private_subnet_cidrs,
            isolated_subnet_cidrs=net.isolated_subnet_cidrs,
            bastion_enabled=net.bastion_enabled,
            ssh_allowed_cidrs=net.ssh_allowed_cidrs,
            bastion_instance_type=net.bastion_instance_type,
            bastion_key_name=net.bastion_key_name,
            flow_log_retention_days=net.flow_log_retention_days,
        ),
        load_balancer=LoadBalancerArgs(
            certificate_arn=web.certificate_arn,
            health_check_path=web.health_check_path,
            deletion_protection=web.alb_deletion_protection,
            access_logs=web.alb_access_logs,
            access_log_retention_days=web.alb_access_log_retention_days,
        ),
        web_fleet=WebFleetArgs(
            database_name=data.db_name,
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
            ami_id=web.ami_id,
            detailed_monitoring=web.detailed_monitoring,
            ssm_access=web.ssm_access,
            # WordPress's admin mail (lost-password route) goes to the operator when the stack names one.
            app_bootstrap=wordpress_bootstrap(admin_email=settings.ops.alarm_email) if settings.ops.alarm_email else None,
        ),
        file_system=SharedFileSystemArgs(
            throughput_mode=data.efs_throughput_mode,
            backup=data.efs_backup,
            posix_uid=APACHE_UID,
            posix_gid=APACHE_UID,
            protect=data.protect_stateful_resources,
        ),
        database=DatabaseArgs(
            engine=data.db_engine,
            engine_version=data.db_engine_version,
            instance_class=data.db_instance_class,
            multi_az=data.db_multi_az,
            allocated_storage_gb=data.db_allocated_storage_gb,
            max_allocated_storage_gb=data.db_max_allocated_storage_gb,
            database_name=data.db_name,
            backup_retention_days=data.db_backup_retention_days,
            deletion_protection=data.db_deletion_protection,
            skip_final_snapshot=data.db_skip_final_snapshot,
            replica_instance_class=data.db_replica_instance_class,
            protect=data.protect_stateful_resources,
        ),
        content_delivery=ContentDeliveryArgs(
            price_class=cdn.price_class,
            static_path_pattern=cdn.static_path_pattern,
            logging_enabled=cdn.logging,
            web_acl_arn=cdn.web_acl_arn,
            domain_name=cdn.domain_name,
            hosted_zone_id=cdn.hosted_zone_id,
            protect=data.protect_stateful_resources,
        ),
        origin_domain_name=cdn.origin_domain_name,
    )
