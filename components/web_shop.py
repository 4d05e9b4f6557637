"""WebShop: the book's first architecture (chapter 1, figure 1.3), highly available.

Static content from a private bucket through CloudFront; dynamic content from small web servers
in an auto-scaling group behind a load balancer that only CloudFront can reach; uploads on a shared
file system; a managed (Multi-AZ) database. Each part is one of this package's components.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ._args import coerce_args
from .content_delivery import ContentDelivery, ContentDeliveryArgs, OriginProtocol, validate_content_delivery_args
from .database import Database, DatabaseArgs, DatabaseEngine, validate_database_args
from .file_system import SharedFileSystem, SharedFileSystemArgs, validate_file_system_args
from .load_balancer import LoadBalancer, LoadBalancerArgs, validate_load_balancer_args
from .network import Network, NetworkArgs, validate_network_args
from .web_fleet import WebFleet, WebFleetArgs, validate_web_fleet_args

SHARED_PATH = "/mnt/shared"
"""Where the web servers mount the shared file system (WordPress keeps wp-content there)."""
_PLACEHOLDER = "validated-before-creation"
"""Stands in for IDs that exist only once the network is built, so every part is checked up front."""


@dataclass(frozen=True)
class ExistingNetworkArgs:
    """Outputs of a network built elsewhere (e.g. another stack's Network component)."""

    vpc_id: pulumi.Input[str]
    """ID of the VPC."""
    vpc_cidr: pulumi.Input[str]
    """IPv4 CIDR of the VPC."""
    availability_zones: list[str]
    """AZ names, in the order of the subnet lists."""
    public_subnet_ids: pulumi.Input[list[str]]
    """Public subnets (load balancer), one per AZ."""
    private_subnet_ids: pulumi.Input[list[str]]
    """Private subnets with NAT egress (web servers, file system), one per AZ."""
    isolated_subnet_ids: pulumi.Input[list[str]]
    """Isolated subnets without internet access (database), one per AZ."""
    app_security_group_id: pulumi.Input[str]
    """Security group of application instances; the database admits it."""
    bastion_security_group_id: Optional[pulumi.Input[str]] = None
    """Security group of a bastion allowed to SSH to the web servers (default none)."""
    bastion_public_ip: Optional[pulumi.Input[str]] = None
    """Public IP of that bastion, re-exported for convenience (default none)."""


@dataclass(frozen=True)
class WebShopArgs:
    """Inputs of the WebShop: the settings of each part; the WebShop wires the parts together."""

    network: Optional[NetworkArgs] = None
    """Settings of a new Network (default: 10.0.0.0/16 over 2 AZs, one NAT gateway); not with existing_network."""
    existing_network: Optional[ExistingNetworkArgs] = None
    """Use an existing network instead of building one (default none)."""
    load_balancer: Optional[LoadBalancerArgs] = None
    """Settings of the load balancer; its VPC, subnets and CloudFront-only access are filled in (default settings)."""
    web_fleet: Optional[WebFleetArgs] = None
    """Settings of the web servers; network, load balancer, database and file system are filled in (default WordPress)."""
    file_system: Optional[SharedFileSystemArgs] = None
    """Settings of the shared file system for uploads; VPC and private subnets are filled in (default settings)."""
    database: Optional[DatabaseArgs] = None
    """Settings of the database; VPC, isolated subnets and clients are filled in (default Multi-AZ MySQL)."""
    content_delivery: Optional[ContentDeliveryArgs] = None
    """Settings of CloudFront and the static bucket; the origin is filled in (default settings)."""
    origin_domain_name: Optional[str] = None
    """Name CloudFront uses to reach the load balancer over HTTPS, e.g. origin.shop.example.com: the load balancer's
    certificate must cover it and content_delivery.hosted_zone_id gets its alias record (default none: HTTP to the load balancer)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource of every part (default none)."""


def _with_tags(part: Any, tags: Optional[dict[str, str]]) -> Any:
    return dataclasses.replace(part, tags={**(tags or {}), **(part.tags or {})}) if tags else part


def _parts(args: WebShopArgs) -> WebShopArgs:
    """Every part's args, defaulted and coerced (the provider host passes dicts)."""
    return dataclasses.replace(
        args,
        network=None
        if args.existing_network
        else _with_tags(coerce_args(args.network or NetworkArgs(cidr_block="10.0.0.0/16"), NetworkArgs), args.tags),
        load_balancer=_with_tags(coerce_args(args.load_balancer or LoadBalancerArgs(), LoadBalancerArgs), args.tags),
        web_fleet=_with_tags(coerce_args(args.web_fleet or WebFleetArgs(), WebFleetArgs), args.tags),
        # WordPress runs as apache (uid/gid 48) on Amazon Linux; the access point creates files as that user.
        file_system=_with_tags(
            coerce_args(args.file_system or SharedFileSystemArgs(posix_uid=48, posix_gid=48), SharedFileSystemArgs), args.tags
        ),
        database=_with_tags(coerce_args(args.database or DatabaseArgs(), DatabaseArgs), args.tags),
        content_delivery=_with_tags(coerce_args(args.content_delivery or ContentDeliveryArgs(), ContentDeliveryArgs), args.tags),
    )


def validate_web_shop_args(args: WebShopArgs) -> None:
    """Check every part before any resource exists, with the wiring the WebShop will supply stood in."""
    if args.network is not None:
        validate_network_args(args.network)
    zones = args.existing_network.availability_zones if args.existing_network else _zones_of(args.network)
    ids = [f"{_PLACEHOLDER}-{i}" for i in range(len(zones))]
    validate_load_balancer_args(dataclasses.replace(args.load_balancer, vpc_id=_PLACEHOLDER, vpc_cidr="10.0.0.0/16", public_subnet_ids=ids))
    validate_file_system_args(dataclasses.replace(args.file_system, vpc_id=_PLACEHOLDER, subnet_ids=ids, availability_zones=zones))
    validate_database_args(dataclasses.replace(args.database, vpc_id=_PLACEHOLDER, subnet_ids=ids, availability_zones=zones))
    validate_content_delivery_args(dataclasses.replace(args.content_delivery, origin_domain_name=_PLACEHOLDER))
    validate_web_fleet_args(dataclasses.replace(args.web_fleet, **dict.fromkeys(_FLEET_WIRING, _PLACEHOLDER)))
    check_origin(args)
    if args.web_fleet.app_bootstrap is None and DatabaseEngine(args.database.engine) != DatabaseEngine.MYSQL:
        raise ValueError(
            f"database: engine {DatabaseEngine(args.database.engine).value!r} cannot serve the default application "
            "(WordPress needs MySQL); use mysql or give web_fleet.app_bootstrap"
        )
    if args.web_fleet.database_user == args.database.master_username:
        raise ValueError(
            f"web_fleet.database_user: {args.web_fleet.database_user!r} is the database's master user; "
            "the application connects as a user of its own"
        )


def check_origin(args: WebShopArgs) -> None:
    """The WebShop's origin settings, checked with their argument names."""
    check_https_origin(
        args.load_balancer.certificate_arn,
        args.origin_domain_name,
        args.content_delivery.hosted_zone_id,
        args.content_delivery.domain_name,
        ("origin_domain_name", "load_balancer.certificate_arn", "content_delivery.hosted_zone_id", "content_delivery.domain_name"),
    )


def check_https_origin(
    certificate: Optional[object],
    origin: Optional[str],
    hosted_zone_id: Optional[str],
    domain: Optional[str],
    names: tuple[str, str, str, str],
) -> None:
    """HTTPS to the load balancer needs a name its certificate covers (none can name *.elb.amazonaws.com), with an
    alias record in the site's hosted zone. `names` are the origin's, certificate's, zone's and domain's argument names."""
    origin_name, certificate_name, zone_name, domain_name = names
    if certificate and not origin:
        raise ValueError(
            f"{origin_name}: {origin!r} is not allowed with {certificate_name}; CloudFront reaches the load balancer over "
            "HTTPS at a name the certificate covers, e.g. origin.shop.example.com"
        )
    if origin and not (certificate and hosted_zone_id):
        raise ValueError(f"{origin_name}: {origin!r} needs {certificate_name} (covering it) and {zone_name}")
    if not origin:
        return
    # The zone's own name is not known before deploy; every name under the domain is in it (the domain's parent
    # may be a public suffix such as co.uk), and the domain itself already aliases CloudFront.
    if not domain or origin == domain or not origin.endswith(f".{domain}"):
        raise ValueError(
            f"{origin_name}: {origin!r} must be a name in the hosted zone of {domain_name}, under {domain!r} but not it, "
            f"e.g. origin.{domain}"
        )


def _zones_of(network: Optional[NetworkArgs]) -> list[str]:
    """AZ names the new network will use: explicit, or placeholders of the planned count."""
    if network is None:
        return []
    if network.availability_zones:
        return list(network.availability_zones)
    return [f"zone-{i}" for i in range(network.az_count or 0)]


_FLEET_WIRING = (
    "vpc_id",
    "vpc_cidr",
    "private_subnet_ids",
    "load_balancer_security_group_id",
    "target_group_arn",
    "target_group_arn_suffix",
    "load_balancer_arn_suffix",
    "database_secret_arn",
    "database_host",
    "database_resource_id",
)


class WebShop(pulumi.ComponentResource):
    """The web shop of the book's chapter 1: CloudFront, S3, ALB, auto-scaling web servers, EFS and RDS in one component."""

    site_url: pulumi.Output[str]
    """https URL of the shop (the custom domain, or the CloudFront name)."""
    cloudfront_domain_name: pulumi.Output[str]
    """The distribution's cloudfront.net domain name."""
    distribution_id: pulumi.Output[str]
    """ID of the CloudFront distribution."""
    static_bucket_name: pulumi.Output[str]
    """Bucket for static assets; upload them under the static path (e.g. static/logo.png)."""
    load_balancer_dns_name: pulumi.Output[str]
    """DNS name of the load balancer (reachable only through CloudFront)."""
    target_group_arn: pulumi.Output[str]
    """ARN of the web servers' target group."""
    auto_scaling_group_name: pulumi.Output[str]
    """Name of the web servers' auto-scaling group."""
    database_address: pulumi.Output[str]
    """Host name of the primary database."""
    database_port: pulumi.Output[int]
    """Port of the database."""
    database_secret_arn: pulumi.Output[str]
    """ARN of the Secrets Manager secret with the database's master credentials."""
    database_instance_identifier: pulumi.Output[str]
    """RDS identifier of the primary database."""
    file_system_id: pulumi.Output[str]
    """ID of the shared file system."""
    vpc_id: pulumi.Output[str]
    """ID of the VPC."""
    availability_zones: pulumi.Output[list[str]]
    """The AZs every tier spans."""
    bastion_public_ip: pulumi.Output[Optional[str]]
    """Public IP of the bastion host (None without one)."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic receiving the alarms of the database, the file system and the NAT instance."""
    scaling_topic_arn: pulumi.Output[str]
    """SNS topic receiving the web servers' scaling events and target-group alarms."""

    def __init__(self, name: str, args: WebShopArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, WebShopArgs)
        if args.network is not None and args.existing_network is not None:
            raise ValueError("existing_network: set either network or existing_network, not both")
        args = _parts(args)
        validate_web_shop_args(args)
        super().__init__("awsinaction:index:WebShop", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # The NAT instance's alarms go to the shop's alarm topic, which the database (built on the network) creates.
        alarm_topic_arn, resolve_alarm_topic = pulumi.deferred_output()
        net = self._network(name, args, child, alarm_topic_arn)
        origin_secret = random.RandomPassword(f"{name}-origin-verify", length=40, special=False, opts=child)
        balancer = LoadBalancer(
            f"{name}-lb",
            dataclasses.replace(
                args.load_balancer,
                vpc_id=net.vpc_id,
                vpc_cidr=net.vpc_cidr,
                public_subnet_ids=net.public_subnet_ids,
                behind_cloudfront=True,
                origin_verify_header_value=origin_secret.result,
            ),
            child,
        )
        database = Database(
            f"{name}-db",
            dataclasses.replace(
                args.database,
                # The web servers connect as their own database user, authenticated by IAM.
                iam_database_authentication=True,
                vpc_id=net.vpc_id,
                subnet_ids=net.isolated_subnet_ids,
                availability_zones=net.availability_zones,
                client_security_group_ids=[*args.database.client_security_group_ids, net.app_security_group_id],
            ),
            child,
        )
        topic_arn = database.alarm_topic_arn
        resolve_alarm_topic(topic_arn)
        files = SharedFileSystem(
            f"{name}-files",
            dataclasses.replace(
                args.file_system,
                vpc_id=net.vpc_id,
                subnet_ids=net.private_subnet_ids,
                availability_zones=net.availability_zones,
                alarm_topic_arn=args.file_system.alarm_topic_arn or topic_arn,
            ),
            child,
        )
        origin = self._origin_record(name, args, balancer) if args.origin_domain_name else balancer.dns_name
        cdn = ContentDelivery(
            f"{name}-cdn",
            dataclasses.replace(
                args.content_delivery,
                origin_domain_name=origin,
                origin_protocol=OriginProtocol.HTTPS_ONLY if args.load_balancer.certificate_arn else OriginProtocol.HTTP_ONLY,
                origin_verify_header_value=origin_secret.result,
            ),
            child,
        )
        fleet = WebFleet(
            f"{name}-web",
            dataclasses.replace(
                args.web_fleet,
                vpc_id=net.vpc_id,
                vpc_cidr=net.vpc_cidr,
                private_subnet_ids=net.private_subnet_ids,
                load_balancer_security_group_id=balancer.security_group_id,
                target_group_arn=balancer.target_group_arn,
                target_group_arn_suffix=balancer.target_group_arn_suffix,
                load_balancer_arn_suffix=balancer.arn_suffix,
                database_secret_arn=database.secret_arn,
                database_host=database.address,
                database_resource_id=database.resource_id,
                database_port=database.port,
                database_name=args.database.database_name,
                file_system_arn=files.file_system_arn,
                file_system_access_point_arn=files.access_point_arn,
                mount_commands=files.mount_commands(args.web_fleet.shared_path or SHARED_PATH),
                additional_security_group_ids=[
                    *args.web_fleet.additional_security_group_ids,
                    net.app_security_group_id,
                    files.client_security_group_id,
                ],
                bastion_security_group_id=args.web_fleet.bastion_security_group_id or self._bastion_group(args, net),
                site_url=args.web_fleet.site_url or cdn.site_url,
                # The fleet's own topic (when none is given) lets the Auto Scaling service-linked role publish.
                notification_topic_arn=args.web_fleet.notification_topic_arn,
            ),
            # Instances boot only once every AZ's mount target exists, or the mount in user data fails.
            pulumi.ResourceOptions(parent=self, depends_on=files.mount_targets),
        )

        self.site_url = cdn.site_url
        self.cloudfront_domain_name = cdn.cloudfront_domain_name
        self.distribution_id = cdn.distribution_id
        self.static_bucket_name = cdn.static_bucket_name
        self.load_balancer_dns_name = balancer.dns_name
        self.target_group_arn = balancer.target_group_arn
        self.auto_scaling_group_name = fleet.group_name
        self.database_address = database.address
        self.database_port = database.port
        self.database_secret_arn = database.secret_arn
        self.database_instance_identifier = database.instance_identifier
        self.file_system_id = files.file_system_id
        self.vpc_id = pulumi.Output.from_input(net.vpc_id)
        self.availability_zones = pulumi.Output.from_input(net.availability_zones)
        self.bastion_public_ip = pulumi.Output.from_input(net.bastion_public_ip)
        self.alarm_topic_arn = topic_arn
        self.scaling_topic_arn = fleet.notification_topic_arn
        self.register_outputs({key: getattr(self, key) for key in type(self).__annotations__})

    def _origin_record(self, name: str, args: WebShopArgs, balancer: LoadBalancer) -> pulumi.Output[str]:
        """An alias record giving the load balancer the name its certificate covers; CloudFront connects to that name."""
        record = aws.route53.Record(
            f"{name}-origin",
            zone_id=args.content_delivery.hosted_zone_id,
            name=args.origin_domain_name,
            type="A",
            aliases=[{"name": balancer.dns_name, "zone_id": balancer.zone_id, "evaluate_target_health": True}],
            opts=pulumi.ResourceOptions(parent=self),
        )
        return record.fqdn.apply(lambda _: args.origin_domain_name)

    @staticmethod
    def _bastion_group(args: WebShopArgs, net: ExistingNetworkArgs) -> Optional[pulumi.Input[str]]:
        """The bastion's group when there is a bastion; a None source would make an SSH rule without one."""
        has_bastion = args.network.bastion_enabled if args.network is not None else net.bastion_security_group_id is not None
        return net.bastion_security_group_id if has_bastion else None

    def _network(
        self, name: str, args: WebShopArgs, child: pulumi.ResourceOptions, alarm_topic_arn: pulumi.Output[str]
    ) -> ExistingNetworkArgs:
        """The network the parts go into: the existing one, or a new Network component alarming to the shop's topic."""
        if args.existing_network is not None:
            return args.existing_network
        network = Network(
            f"{name}-network",
            dataclasses.replace(args.network, alarm_topic_arn=args.network.alarm_topic_arn or alarm_topic_arn),
            child,
        )
        return ExistingNetworkArgs(
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            availability_zones=network.zone_names,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
            isolated_subnet_ids=network.isolated_subnet_ids,
            app_security_group_id=network.app_security_group_id,
            bastion_security_group_id=network.bastion_security_group_id,
            bastion_public_ip=network.bastion_public_ip,
        )
