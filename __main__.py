"""The platform program: `pulumi up --stack dev|prod` builds the web shop the stack's config asks for."""

from typing import Optional

import pulumi
import pulumi_aws as aws

from components.content_delivery import ContentDeliveryArgs
from components.database import DatabaseArgs
from components.ec2_owner_tagger import Ec2OwnerTagger, Ec2OwnerTaggerArgs
from components.file_system import SharedFileSystemArgs
from components.load_balancer import LoadBalancerArgs
from components.network import NetworkArgs
from components.web_fleet import WebFleetArgs
from components.web_shop import WebShop, WebShopArgs
from components.website_health_check import WebsiteHealthCheck, WebsiteHealthCheckArgs
from settings import ConfigError, Settings, load_settings, read_project_config


def read_settings() -> Settings:
    """Load and validate the whole stack config before any resource is registered."""
    project, stack = pulumi.get_project(), pulumi.get_stack()
    raw = read_project_config(project)
    try:
        zones = aws.get_availability_zones(state="available", filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}])
        return load_settings(project, stack, raw, available_azs=len(zones.names))
    except ConfigError as error:
        # RunError ends the program with this one line and no traceback.
        raise pulumi.RunError(str(error)) from None


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
            detailed_monitoring=web.detailed_monitoring,
            ssm_access=web.ssm_access,
        ),
        file_system=SharedFileSystemArgs(
            throughput_mode=data.efs_throughput_mode,
            backup=data.efs_backup,
            posix_uid=48,  # apache on Amazon Linux, which runs WordPress
            posix_gid=48,
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
    )


def subscribe(name: str, topic_arn: pulumi.Input[str], email: Optional[str]) -> None:
    """Send a topic's messages to the operator's e-mail (AWS asks the address to confirm first)."""
    if email:
        aws.sns.TopicSubscription(name, topic=topic_arn, protocol="email", endpoint=email)


def operations(settings: Settings, site_url: pulumi.Input[str]) -> None:
    """The book's Lambda automations (ch. 7), each only when the stack enables it; they share one alarm topic."""
    ops = settings.ops
    topic_arn = None
    if ops.health_check_enabled:
        check = WebsiteHealthCheck(
            "website-health-check",
            WebsiteHealthCheckArgs(
                url=pulumi.Output.from_input(site_url).apply(lambda base: base.rstrip("/") + ops.health_check_path),
                expected=ops.health_check_expected,
                alarm_email=ops.alarm_email,
            ),
        )
        topic_arn = check.alarm_topic_arn
        pulumi.export("healthCheckFunctionName", check.function_name)
    if ops.owner_tagger_enabled:
        tagger = Ec2OwnerTagger(
            "ec2-owner-tag",
            Ec2OwnerTaggerArgs(
                create_trail=ops.owner_tagger_create_trail,
                alarm_topic_arn=topic_arn,
                alarm_email=None if topic_arn is not None else ops.alarm_email,
            ),
        )
        pulumi.export("ownerTaggerFunctionName", tagger.function_name)


def budget(settings: Settings) -> None:
    """An AWS Budgets alert at the stack's monthly budget; the cost policy checks the estimate against it too."""
    notifications = (
        [
            {
                "comparison_operator": "GREATER_THAN",
                "threshold": threshold,
                "threshold_type": "PERCENTAGE",
                "notification_type": kind,
                "subscriber_email_addresses": [settings.ops.alarm_email],
            }
            for threshold, kind in ((80, "FORECASTED"), (100, "ACTUAL"))
        ]
        if settings.ops.alarm_email
        else None
    )
    aws.budgets.Budget(
        "monthly-budget",
        budget_type="COST",
        limit_amount=str(settings.cost.monthly_budget_usd),
        limit_unit="USD",
        time_unit="MONTHLY",
        # Counts this stack only once the Stack tag is activated as a cost allocation tag in Billing.
        cost_filters=[{"name": "TagKeyValue", "values": [f"user:Stack${settings.stack}"]}],
        notifications=notifications,
        tags={"Name": "monthly-budget", "Project": settings.project, "Stack": settings.stack, "Component": "Budget"},
    )


def main() -> None:
    settings = read_settings()
    shop = WebShop("shop", web_shop_args(settings))
    subscribe("alarms-email", shop.alarm_topic_arn, settings.ops.alarm_email)
    subscribe("scaling-email", shop.scaling_topic_arn, settings.ops.alarm_email)
    operations(settings, shop.site_url)
    budget(settings)

    pulumi.export("siteUrl", shop.site_url)
    pulumi.export("cloudFrontDomainName", shop.cloudfront_domain_name)
    pulumi.export("cloudFrontDistributionId", shop.distribution_id)
    pulumi.export("staticBucketName", shop.static_bucket_name)
    pulumi.export("loadBalancerDnsName", shop.load_balancer_dns_name)
    pulumi.export("targetGroupArn", shop.target_group_arn)
    pulumi.export("autoScalingGroupName", shop.auto_scaling_group_name)
    pulumi.export("dbAddress", shop.database_address)
    pulumi.export("dbPort", shop.database_port)
    pulumi.export("dbSecretArn", shop.database_secret_arn)
    pulumi.export("dbInstanceIdentifier", shop.database_instance_identifier)
    pulumi.export("fileSystemId", shop.file_system_id)
    pulumi.export("vpcId", shop.vpc_id)
    pulumi.export("availabilityZones", shop.availability_zones)
    pulumi.export("bastionPublicIp", shop.bastion_public_ip)


main()
