"""The platform program: `pulumi up --stack dev|prod` builds the web shop the stack's config asks for."""

from typing import Optional

import pulumi
import pulumi_aws as aws

from components.ec2_owner_tagger import Ec2OwnerTagger, Ec2OwnerTaggerArgs
from components.web_shop import WebShop
from components.website_health_check import WebsiteHealthCheck, WebsiteHealthCheckArgs
from settings import ConfigError, Settings, load_settings, placeholder_keys, read_project_config
from settings.web_shop import web_shop_args


def read_settings() -> Settings:
    """Load and validate the whole stack config before any resource is registered."""
    project, stack = pulumi.get_project(), pulumi.get_stack()
    raw = read_project_config(project)
    try:
        zones = aws.get_availability_zones(state="available", filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}])
        return load_settings(project, stack, raw, available_azs=len(zones.names), placeholders=placeholder_keys(project))
    except ConfigError as error:
        # RunError ends the program with this one line and no traceback.
        raise pulumi.RunError(str(error)) from None


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
