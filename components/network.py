"""Network: a VPC over N AZs with public, private and isolated subnets, NAT and a bastion host.

Book chapter 6 (VPC, bastion, NAT), figure 1.4 (private network) and chapter 14
(spread over AZs, recover the bastion with a CloudWatch alarm).
"""

import ipaddress
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

import pulumi
import pulumi_aws as aws

from ._args import coerce_args
from .alarms import AlarmSpec, create_alarms, encrypted_alarm_topic
from .cidr_plan import MAX_AZS, TIERS, check_az_count, check_subnet_layout, check_vpc_cidr, plan_subnets
from .ec2_defaults import (
    al2023_ami_id,
    check_instance_type,
    current_region,
    encrypted_root_volume,
    imdsv2_metadata_options,
    reboot_action_arn,
    recover_action_arn,
)
from .iam import assume_role_policy, policy_document, statement
from .tags import resource_tags
from .user_data import render_template

WORLD_IPV4 = "0.0.0.0/0"
WORLD_IPV6 = "::/0"
MIN_PUBLIC_IPV4_PREFIX = 16
"""Widest public IPv4 range an SSH allow-list may name by default (a /16 is 65,536 addresses)."""
MIN_PUBLIC_IPV6_PREFIX = 48
"""Widest public IPv6 range an SSH allow-list may name: a site's allocation."""
NON_PUBLIC_RANGES = {
    4: tuple(
        ipaddress.IPv4Network(c)
        for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    ),
    6: tuple(ipaddress.IPv6Network(c) for c in ("fc00::/7", "fe80::/10", "2001:db8::/32")),
}
"""Ranges never routed on the internet (RFC 1918, RFC 6598, RFC 5737; RFC 4193, RFC 4291, RFC 3849): any width is fine."""
RULES_PER_SECURITY_GROUP = 60
"""Inbound rules a security group takes, per IP family (Amazon VPC quotas, "Security groups":
https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups)."""
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
"""The retention periods CloudWatch Logs accepts."""
NAT_SWAP_MIB = 1024
"""Swap file of the NAT instance: dnf's metadata does not fit in a t4g.nano's 512 MiB (amazon-linux-2023 issue 404)."""
NAT_METRIC_NAMESPACE = "AWSInAction/NAT"
"""CloudWatch namespace of the NAT instance's heartbeat; its role may publish to this namespace only."""
NAT_METRIC_NAME = "ForwardingReady"
"""Heartbeat metric: 1 every minute while the NAT instance forwards and masquerades the VPC's traffic, else 0."""


class NatStrategy(str, Enum):
    """How private subnets reach the internet."""

    NONE = "none"
    """No NAT: private subnets have no route to the internet."""
    SINGLE = "single"
    """One NAT gateway in the first AZ for all private subnets (cheaper, not for production)."""
    ONE_PER_AZ = "one_per_az"
    """One NAT gateway per AZ; each private route table uses its own AZ's gateway (highly available)."""
    INSTANCE = "instance"
    """One t4g.nano NAT instance in the first AZ: the cheapest egress, for development."""


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of the Network component. Every field but `cidr_block` has a documented default."""

    cidr_block: str
    """IPv4 CIDR of the VPC, /16 to /23; subnets are planned inside it unless given explicitly."""
    az_count: Optional[int] = 2
    """Number of availability zones to span, 1 to 6 (default 2); ignored when `availability_zones` is set."""
    availability_zones: Optional[list[str]] = None
    """Explicit AZ names to use, in order (default: the first `az_count` available AZs of the region)."""
    nat_strategy: Optional[NatStrategy] = NatStrategy.SINGLE
    """Egress for private subnets: none, single, one_per_az or instance (default single)."""
    public_subnet_cidrs: Optional[list[str]] = None
    """Explicit public subnet CIDRs, one per AZ (default: computed by the CIDR plan)."""
    private_subnet_cidrs: Optional[list[str]] = None
    """Explicit private subnet CIDRs, one per AZ (default: computed by the CIDR plan)."""
    isolated_subnet_cidrs: Optional[list[str]] = None
    """Explicit isolated subnet CIDRs, one per AZ (default: computed by the CIDR plan)."""
    public_subnets: Optional[bool] = True
    """Create the public tier and an internet gateway (default true; required by NAT and the bastion)."""
    bastion_enabled: Optional[bool] = False
    """Run a bastion host in the first public subnet (default false)."""
    ssh_allowed_cidrs: Optional[list[str]] = field(default_factory=list)
    """CIDRs allowed to SSH to the bastion: private, or public of /16 or narrower (/48 IPv6), at most 60 per family (default none)."""
    bastion_instance_type: Optional[str] = "t4g.nano"
    """Instance type of the bastion (default t4g.nano)."""
    bastion_key_name: Optional[str] = None
    """EC2 key pair for SSH to the bastion (default none: use EC2 Instance Connect)."""
    nat_instance_type: Optional[str] = "t4g.nano"
    """Instance type of the NAT instance when nat_strategy is instance (default t4g.nano)."""
    alarm_topic_arn: Optional[pulumi.Input[str]] = None
    """SNS topic for the NAT instance's alarms (default: with nat_strategy instance, an encrypted topic is created)."""
    flow_log_retention_days: Optional[int] = 30
    """Days CloudWatch keeps the VPC flow logs; a value CloudWatch accepts (default 30)."""
    tags: Optional[dict[str, str]] = None
    """Extra tags for every resource (default none)."""


def validate_network_args(args: NetworkArgs) -> None:
    """Refuse inconsistent inputs with a ValueError that names the argument and the value."""
    check_vpc_cidr(args.cidr_block, "cidr_block")
    if args.availability_zones is not None:
        zones = list(args.availability_zones)
        if not 1 <= len(zones) <= MAX_AZS or len(set(zones)) != len(zones):
            raise ValueError(f"availability_zones: {zones!r} must name 1 to {MAX_AZS} distinct AZs")
    else:
        check_az_count(args.az_count, "az_count")
    try:
        NatStrategy(args.nat_strategy)
    except ValueError:
        allowed = ", ".join(s.value for s in NatStrategy)
        raise ValueError(f"nat_strategy: {args.nat_strategy!r} is not allowed; use one of {allowed}") from None
    needs_public = {
        "nat_strategy": NatStrategy(args.nat_strategy) != NatStrategy.NONE,
        "bastion_enabled": bool(args.bastion_enabled),
    }
    for argument, needed in needs_public.items():
        if needed and not args.public_subnets:
            raise ValueError(f"{argument}: needs public subnets to run in, but public_subnets is false")
    az_total = len(args.availability_zones) if args.availability_zones is not None else args.az_count
    explicit = explicit_subnet_cidrs(args)
    check_subnet_layout(args.cidr_block, explicit, az_total, tiers={argument: argument.split("_", 1)[0] for argument in explicit})
    check_ssh_allowed_cidrs(args.ssh_allowed_cidrs or [], "ssh_allowed_cidrs")
    if args.bastion_enabled and not args.ssh_allowed_cidrs:
        raise ValueError("ssh_allowed_cidrs: [] leaves the bastion unreachable; give at least one CIDR or disable the bastion")
    check_instance_type(args.bastion_instance_type, "bastion_instance_type")
    check_instance_type(args.nat_instance_type, "nat_instance_type")
    if args.flow_log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(
            f"flow_log_retention_days: {args.flow_log_retention_days!r} is not a CloudWatch retention; use one of {LOG_RETENTION_DAYS}"
        )


def explicit_subnet_cidrs(args: NetworkArgs) -> dict[str, list[str]]:
    """The subnet CIDR lists the caller gave explicitly, by argument name."""
    return {
        f"{tier}_subnet_cidrs": list(getattr(args, f"{tier}_subnet_cidrs"))
        for tier in TIERS
        if getattr(args, f"{tier}_subnet_cidrs") is not None
    }


def check_ssh_allowed_cidrs(
    cidrs: list[str], argument: str, min_public_prefix: int = MIN_PUBLIC_IPV4_PREFIX, reach: str = "SSH"
) -> None:
    """Every entry is an IPv4 or IPv6 CIDR, once; no public range wider than /`min_public_prefix` (IPv4) or
    /MIN_PUBLIC_IPV6_PREFIX (IPv6); together they never cover the internet; each family fits a group's rules.
    `reach` names what the CIDRs may reach, for the messages."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(cidr, strict=True) if isinstance(cidr, str) and "/" in cidr else None
        except ValueError:
            network = None
        if network is None:
            raise ValueError(f"{argument}: {cidr!r} is not a CIDR block (expected e.g. 203.0.113.10/32)")
        if network.prefixlen == 0:
            raise ValueError(f"{argument}: {cidr!r} opens {reach} to the whole internet; list your own addresses instead")
        if network in networks:
            raise ValueError(f"{argument}: {cidr!r} is listed twice; AWS refuses duplicate rules")
        limit = min_public_prefix if network.version == 4 else MIN_PUBLIC_IPV6_PREFIX
        if network.prefixlen < limit and not any(network.subnet_of(private) for private in NON_PUBLIC_RANGES[network.version]):
            raise ValueError(
                f"{argument}: {cidr!r} opens {reach} to a public range wider than /{limit}; list your office or VPN range instead"
            )
        networks.append(network)
    for version, world in ((4, WORLD_IPV4), (6, WORLD_IPV6)):
        family = [n for n in networks if n.version == version]
        if world in {str(n) for n in ipaddress.collapse_addresses(family)}:  # type: ignore[arg-type]
            raise ValueError(f"{argument}: {cidr_list(family)} together open {reach} to the whole internet; list your own addresses")
        if len(family) > RULES_PER_SECURITY_GROUP:
            raise ValueError(
                f"{argument}: {len(family)} IPv{version} CIDRs need more than the {RULES_PER_SECURITY_GROUP} inbound rules "
                "a security group takes; merge them into fewer, wider private ranges"
            )


def cidr_list(networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> str:
    """A short rendering of CIDRs for a message: the first three and how many more."""
    shown = ", ".join(str(n) for n in networks[:3])
    return shown + (f" and {len(networks) - 3} more" if len(networks) > 3 else "")


def recover_alarm(region: str, what: str) -> AlarmSpec:
    """Recover an instance on new hardware when its host fails the system status check for 5 minutes (book ch. 14)."""
    return AlarmSpec(
        "recover", "StatusCheckFailed_System", "GreaterThanThreshold", 0, "Maximum", 60, 5,
        f"Recover {what} on new hardware when the host fails (book ch. 14)", actions=(recover_action_arn(region),),
    )


def nat_user_data(vpc_cidr: str) -> str:
    """The NAT instance's set-up: swap, forwarding and masquerading for `vpc_cidr`, and the heartbeat."""
    return render_template(
        "nat_instance.sh",
        {"vpc_cidr": vpc_cidr, "swap_mib": NAT_SWAP_MIB, "metric_namespace": NAT_METRIC_NAMESPACE, "metric_name": NAT_METRIC_NAME},
    )


class Network(pulumi.ComponentResource):
    """A VPC with public, private and isolated subnets per AZ, NAT egress, flow logs and an optional bastion."""

    vpc_id: pulumi.Output[str]
    """ID of the VPC."""
    vpc_cidr: pulumi.Output[str]
    """IPv4 CIDR of the VPC."""
    availability_zones: pulumi.Output[list[str]]
    """The AZs the network spans, in subnet order."""
    public_subnet_ids: pulumi.Output[list[str]]
    """Public subnet IDs ordered by AZ (empty without a public tier)."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Private subnet IDs (egress through NAT) ordered by AZ."""
    isolated_subnet_ids: pulumi.Output[list[str]]
    """Isolated subnet IDs (no route to the internet) ordered by AZ."""
    private_route_table_ids: pulumi.Output[list[str]]
    """Route table IDs of the private subnets ordered by AZ."""
    isolated_route_table_ids: pulumi.Output[list[str]]
    """Route table IDs of the isolated subnets ordered by AZ."""
    nat_gateway_ids: pulumi.Output[list[str]]
    """NAT gateway IDs ordered by AZ (the NAT instance ID for the instance strategy; empty for none)."""
    app_security_group_id: pulumi.Output[str]
    """Security group for application instances: SSH only from the bastion's group."""
    bastion_security_group_id: pulumi.Output[Optional[str]]
    """Security group of the bastion host (None without a bastion)."""
    bastion_public_ip: pulumi.Output[Optional[str]]
    """Public IPv4 address of the bastion host (None without a bastion)."""
    alarm_topic_arn: pulumi.Output[Optional[str]]
    """Topic of the NAT instance's alarms: the one given, or the one the network made (None without either)."""

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        args = coerce_args(args, NetworkArgs)
        validate_network_args(args)
        super().__init__("awsinaction:index:Network", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self._alarm_topic_arn: Optional[pulumi.Input[str]] = args.alarm_topic_arn
        zones = self._resolve_zones()
        self._zones = zones
        self.zone_names: list[str] = zones  # plain names, known at construction, for composing components
        plan = plan_subnets(args.cidr_block, len(zones))
        explicit = explicit_subnet_cidrs(args)
        cidrs = {tier: list(explicit.get(f"{tier}_subnet_cidrs") or plan.tier(tier)) for tier in TIERS}
        region = current_region()

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags(f"{name}-vpc"),
            opts=self._child,
        )
        # Adopt the default security group and strip its rules: nothing may use it by accident.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags=self._tags(f"{name}-default-sg"),
            opts=self._child,
        )
        self._flow_logs(region)

        tiers_wanted = [t for t in TIERS if t != "public" or args.public_subnets]
        self.subnets = {tier: [self._subnet(tier, az, cidr) for az, cidr in zip(zones, cidrs[tier], strict=True)] for tier in tiers_wanted}
        public_subnets = self.subnets.get("public", [])
        public_tables = [self._public_routes(public_subnets)] if public_subnets else []
        nat_targets = self._nat(public_subnets, args.cidr_block, region)
        private_tables = [self._private_routes(i, az, nat_targets) for i, az in enumerate(zones)]
        isolated_tables = [self._route_table("isolated", az, subnet) for az, subnet in zip(zones, self.subnets["isolated"], strict=True)]
        # Every tier reaches S3 privately; in the public tier the endpoint's prefix-list route beats the
        # internet gateway's 0.0.0.0/0, so the bastion fetches packages without any egress to the internet.
        s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[t.id for t in public_tables + private_tables + isolated_tables],
            tags=self._tags(f"{name}-s3-endpoint"),
            opts=self._child,
        )
        bastion_sg, bastion = self._bastion(public_subnets, region, s3_endpoint) if args.bastion_enabled else (None, None)
        app_sg = self._app_security_group(bastion_sg)

        self.vpc_id = self.vpc.id
        self.vpc_cidr = self.vpc.cidr_block
        self.availability_zones = pulumi.Output.from_input(zones)
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in public_subnets])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets["private"]])
        self.isolated_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets["isolated"]])
        self.private_route_table_ids = pulumi.Output.all(*[t.id for t in private_tables])
        self.isolated_route_table_ids = pulumi.Output.all(*[t.id for t in isolated_tables])
        self.nat_gateway_ids = pulumi.Output.all(*[nat.id for nat in dict.fromkeys(nat_targets)])
        self.app_security_group_id = app_sg.id
        self.bastion_security_group_id = bastion_sg.id if bastion_sg else pulumi.Output.from_input(None)
        self.bastion_public_ip = bastion.public_ip if bastion else pulumi.Output.from_input(None)
        self.alarm_topic_arn = pulumi.Output.from_input(self._alarm_topic_arn)
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "vpc_cidr": self.vpc_cidr,
                "availability_zones": self.availability_zones,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "isolated_subnet_ids": self.isolated_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "isolated_route_table_ids": self.isolated_route_table_ids,
                "nat_gateway_ids": self.nat_gateway_ids,
                "app_security_group_id": self.app_security_group_id,
                "bastion_security_group_id": self.bastion_security_group_id,
                "bastion_public_ip": self.bastion_public_ip,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def _tags(self, name: str, **more: str) -> dict[str, str]:
        return resource_tags(name, "Network", self._args.tags, **more)

    def _resolve_zones(self) -> list[str]:
        args = self._args
        if args.availability_zones is not None:
            return list(args.availability_zones)
        available = aws.get_availability_zones(state="available", filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}])
        check_az_count(args.az_count, "az_count", available=len(available.names))
        return list(available.names[: args.az_count])

    def _subnet(self, tier: str, az: str, cidr: str) -> aws.ec2.Subnet:
        name = f"{self._name}-{tier}-{az}"
        return aws.ec2.Subnet(
            name,
            vpc_id=self.vpc.id,
            cidr_block=cidr,
            availability_zone=az,
            # Never hand out public IPs implicitly; the few instances that need one ask for it.
            map_public_ip_on_launch=False,
            tags=self._tags(name, Tier=tier),
            opts=self._child,
        )

    def _route_table(self, tier: str, az: str, subnet: aws.ec2.Subnet) -> aws.ec2.RouteTable:
        name = f"{self._name}-{tier}-{az}"
        table = aws.ec2.RouteTable(name, vpc_id=self.vpc.id, tags=self._tags(name, Tier=tier), opts=self._child)
        aws.ec2.RouteTableAssociation(name, subnet_id=subnet.id, route_table_id=table.id, opts=self._child)
        return table

    def _public_routes(self, public_subnets: list[aws.ec2.Subnet]) -> aws.ec2.RouteTable:
        """One route table for every public subnet, its default route to the internet gateway."""
        name = self._name
        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=self.vpc.id, tags=self._tags(f"{name}-igw"), opts=self._child)
        table = aws.ec2.RouteTable(f"{name}-public", vpc_id=self.vpc.id, tags=self._tags(f"{name}-public", Tier="public"), opts=self._child)
        aws.ec2.Route(
            f"{name}-public-default", route_table_id=table.id, destination_cidr_block=WORLD_IPV4, gateway_id=igw.id, opts=self._child
        )
        for az, subnet in zip(self._zones, public_subnets, strict=True):
            aws.ec2.RouteTableAssociation(f"{name}-public-{az}", subnet_id=subnet.id, route_table_id=table.id, opts=self._child)
        return table

    def _nat(self, public_subnets: list[aws.ec2.Subnet], vpc_cidr: str, region: str) -> list[pulumi.CustomResource]:
        """Create the NAT egress and return, per AZ, the resource its private default route targets."""
        strategy = NatStrategy(self._args.nat_strategy)
        zones = self._zones
        if strategy == NatStrategy.NONE:
            return []
        if strategy == NatStrategy.INSTANCE:
            return [self._nat_instance(public_subnets[0], vpc_cidr, region)] * len(zones)
        count = len(zones) if strategy == NatStrategy.ONE_PER_AZ else 1
        gateways = []
        for az, subnet in list(zip(zones, public_subnets, strict=True))[:count]:
            name = f"{self._name}-nat-{az}"
            eip = aws.ec2.Eip(name, domain="vpc", tags=self._tags(name), opts=self._child)
            gateways.append(
                aws.ec2.NatGateway(
                    name, allocation_id=eip.id, subnet_id=subnet.id, connectivity_type="public", tags=self._tags(name), opts=self._child
                )
            )
        return gateways if count == len(zones) else gateways * len(zones)

    def _nat_instance(self, subnet: aws.ec2.Subnet, vpc_cidr: str, region: str) -> aws.ec2.Instance:
        name = f"{self._name}-nat"
        sg = aws.ec2.SecurityGroup(
            name,
            vpc_id=self.vpc.id,
            description="NAT instance: forwards traffic from inside the VPC",
            tags=self._tags(name),
            opts=self._child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-vpc",
            security_group_id=sg.id,
            ip_protocol="-1",
            cidr_ipv4=vpc_cidr,
            description="Traffic to forward, only from inside the VPC",
            tags=self._tags(f"{name}-from-vpc"),
            opts=self._child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-internet",
            security_group_id=sg.id,
            ip_protocol="-1",
            cidr_ipv4=WORLD_IPV4,
            description="Forwarded traffic to the internet",
            tags=self._tags(f"{name}-to-internet"),
            opts=self._child,
        )
        architecture = check_instance_type(self._args.nat_instance_type, "nat_instance_type")
        instance = aws.ec2.Instance(
            name,
            ami=al2023_ami_id(architecture),
            instance_type=self._args.nat_instance_type,
            subnet_id=subnet.id,
            vpc_security_group_ids=[sg.id],
            associate_public_ip_address=True,
            source_dest_check=False,
            # An instance profile's ID is its name, which is what EC2 takes here.
            iam_instance_profile=self._nat_instance_profile(name).id,
            metadata_options=imdsv2_metadata_options(),
            root_block_device=encrypted_root_volume(),
            user_data=nat_user_data(vpc_cidr),
            user_data_replace_on_change=True,
            tags=self._tags(name, Role="nat-instance"),
            # A newer AMI must not silently replace the NAT and cut egress mid-deploy.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["ami"]),
        )
        if self._alarm_topic_arn is None:
            self._alarm_topic_arn = encrypted_alarm_topic(name, "Network", self._args.tags, self).arn
        self._nat_alarms(name, instance, region, self._alarm_topic_arn)
        return instance

    def _nat_instance_profile(self, name: str) -> aws.iam.InstanceProfile:
        """The NAT instance may publish its heartbeat, to its own namespace, and nothing else."""
        role = aws.iam.Role(name, assume_role_policy=assume_role_policy("ec2.amazonaws.com"), tags=self._tags(name), opts=self._child)
        aws.iam.RolePolicy(
            name,
            role=role.id,
            # PutMetricData has no resource type: "*" scoped by the namespace condition.
            policy=policy_document(
                [
                    statement(
                        ["cloudwatch:PutMetricData"],
                        ["*"],
                        sid="PublishNatHeartbeat",
                        condition={"StringEquals": {"cloudwatch:namespace": NAT_METRIC_NAMESPACE}},
                    )
                ]
            ),
            opts=self._child,
        )
        return aws.iam.InstanceProfile(name, role=role.name, tags=self._tags(name), opts=self._child)

    def _nat_alarms(self, name: str, instance: aws.ec2.Instance, region: str, topic_arn: pulumi.Input[str]) -> None:
        """A failed NAT instance reaches the topic: host or instance checks failing (EC2 recovers or reboots it),
        or its heartbeat saying it does not forward, or not arriving (set-up died, instance down)."""
        dimensions = {"InstanceId": instance.id}
        reboot = AlarmSpec(
            "reboot", "StatusCheckFailed_Instance", "GreaterThanThreshold", 0, "Maximum", 60, 3,
            "The NAT instance fails its instance status check for 3 minutes: EC2 reboots it", actions=(reboot_action_arn(region),),
        )
        status_checks = [recover_alarm(region, "the NAT instance"), reboot]
        create_alarms(name, "Network", self._args.tags, self, "AWS/EC2", dimensions, status_checks, topic_arn)
        forwarding = AlarmSpec(
            "forwarding", NAT_METRIC_NAME, "LessThanThreshold", 1, "Minimum", 300, 2,
            "The NAT instance does not forward the private subnets' traffic, or stopped reporting for 10 minutes: "
            "the web servers have no egress (see the instance's console output)",
            treat_missing_data="breaching",
        )
        create_alarms(name, "Network", self._args.tags, self, NAT_METRIC_NAMESPACE, dimensions, [forwarding], topic_arn)

    def _private_routes(self, index: int, az: str, nat_targets: list[pulumi.CustomResource]) -> aws.ec2.RouteTable:
        table = self._route_table("private", az, self.subnets["private"][index])
        if nat_targets:
            target = nat_targets[index]
            route_target = (
                {"network_interface_id": target.primary_network_interface_id}
                if isinstance(target, aws.ec2.Instance)
                else {"nat_gateway_id": target.id}
            )
            aws.ec2.Route(
                f"{self._name}-private-{az}-default",
                route_table_id=table.id,
                destination_cidr_block=WORLD_IPV4,
                **route_target,
                opts=self._child,
            )
        return table

    def _flow_logs(self, region: str) -> None:
        name = f"{self._name}-flow-logs"
        account = aws.get_caller_identity().account_id
        log_group = aws.cloudwatch.LogGroup(
            name, retention_in_days=self._args.flow_log_retention_days, tags=self._tags(name), opts=self._child
        )
        role = aws.iam.Role(
            name,
            assume_role_policy=assume_role_policy("vpc-flow-logs.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}}),
            tags=self._tags(name),
            opts=self._child,
        )
        aws.iam.RolePolicy(
            name,
            role=role.id,
            policy=log_group.arn.apply(
                lambda arn: policy_document(
                    [statement(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [arn, f"{arn}:*"])]
                )
            ),
            opts=self._child,
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=self._tags(name),
            opts=self._child,
        )

    def _bastion(
        self, public_subnets: list[aws.ec2.Subnet], region: str, s3_endpoint: aws.ec2.VpcEndpoint
    ) -> tuple[aws.ec2.SecurityGroup, aws.ec2.Instance]:
        name = f"{self._name}-bastion"
        args = self._args
        sg = aws.ec2.SecurityGroup(
            name, vpc_id=self.vpc.id, description="Bastion host: SSH from the allow-list only", tags=self._tags(name), opts=self._child
        )
        for index, cidr in enumerate(args.ssh_allowed_cidrs):
            family = "cidr_ipv6" if ":" in cidr else "cidr_ipv4"
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-ssh-{index}",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=22,
                to_port=22,
                description="SSH from an allowed network",
                tags=self._tags(f"{name}-ssh-{index}"),
                opts=self._child,
                **{family: cidr},
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-ssh-out",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=22,
            to_port=22,
            cidr_ipv4=args.cidr_block,
            description="SSH on to instances in the VPC",
            tags=self._tags(f"{name}-ssh-out"),
            opts=self._child,
        )
        # dnf reads Amazon Linux 2023's repositories from S3 buckets (al2023-repos-<region>-...): HTTPS to S3's
        # prefix list through the gateway endpoint is all the bastion needs. Groups may name that prefix list
        # ("Gateway endpoints for Amazon S3": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
        # EC2 Instance Connect pushes keys through the instance metadata; it, Amazon DNS and the Amazon Time Sync
        # Service are traffic security groups do not filter (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html).
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-https-out",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            prefix_list_id=s3_endpoint.prefix_list_id,
            description="HTTPS to S3 through the gateway endpoint, for package updates",
            tags=self._tags(f"{name}-https-out"),
            opts=self._child,
        )
        architecture = check_instance_type(args.bastion_instance_type, "bastion_instance_type")
        instance = aws.ec2.Instance(
            name,
            ami=al2023_ami_id(architecture),
            instance_type=args.bastion_instance_type,
            subnet_id=public_subnets[0].id,
            vpc_security_group_ids=[sg.id],
            associate_public_ip_address=True,
            key_name=args.bastion_key_name,
            metadata_options=imdsv2_metadata_options(),
            root_block_device=encrypted_root_volume(),
            tags=self._tags(name, Role="bastion"),
            # Patch with dnf; a new AMI must not replace the bastion and change its address unasked.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["ami"]),
        )
        recover = [recover_alarm(region, "the bastion")]
        create_alarms(name, "Network", args.tags, self, "AWS/EC2", {"InstanceId": instance.id}, recover, None)
        return sg, instance

    def _app_security_group(self, bastion_sg: Optional[aws.ec2.SecurityGroup]) -> aws.ec2.SecurityGroup:
        name = f"{self._name}-app"
        sg = aws.ec2.SecurityGroup(
            name,
            vpc_id=self.vpc.id,
            description="Application instances: SSH only from the bastion",
            tags=self._tags(name),
            opts=self._child,
        )
        if bastion_sg is not None:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-ssh-from-bastion",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=22,
                to_port=22,
                referenced_security_group_id=bastion_sg.id,
                description="SSH from the bastion host",
                tags=self._tags(f"{name}-ssh-from-bastion"),
                opts=self._child,
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-vpc",
            security_group_id=sg.id,
            ip_protocol="-1",
            cidr_ipv4=self._args.cidr_block,
            description="Anything inside the VPC (database, file system, endpoints)",
            tags=self._tags(f"{name}-to-vpc"),
            opts=self._child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-https-out",
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=WORLD_IPV4,
            description="HTTPS to AWS APIs and package repositories",
            tags=self._tags(f"{name}-https-out"),
            opts=self._child,
        )
        return sg
