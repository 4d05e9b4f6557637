"""Stack config of the network: VPC, AZs, NAT, bastion, flow logs."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.cidr_plan import (
    LOAD_BALANCER_MIN_PREFIX,
    MAX_AZS,
    SUBNET_NEW_BITS,
    VPC_PREFIX_RANGE,
    check_az_count,
    check_load_balancer_subnets,
    check_subnet_layout,
    check_vpc_cidr,
    parse_network,
)
from components.ec2_defaults import check_instance_type
from components.network import LOG_RETENTION_DAYS, MIN_PUBLIC_IPV4_PREFIX, MIN_PUBLIC_IPV6_PREFIX, NatStrategy, check_ssh_allowed_cidrs

from .schema import Key, one_of

LARGEST_PLATFORM_VPC_PREFIX = LOAD_BALANCER_MIN_PREFIX - SUBNET_NEW_BITS
"""/22: the smallest VPC whose planned public subnets still take the load balancer (/27)."""
EGRESS_STRATEGIES = tuple(s.value for s in NatStrategy if s != NatStrategy.NONE)
"""NAT strategies that give the web servers the route out they need."""
KEY_PAIR_NAME_LENGTH = 255
"""EC2 key pair names are up to 255 ASCII characters (CreateKeyPair, KeyName:
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html)."""


def _vpc_cidr(value: str, key: str) -> None:
    network = parse_network(value, key)
    if network.prefixlen < VPC_PREFIX_RANGE[0]:
        raise ValueError(f"{key}: {value!r} is larger than AWS allows; use a prefix from /16 to /{LARGEST_PLATFORM_VPC_PREFIX}")
    if network.prefixlen > LARGEST_PLATFORM_VPC_PREFIX:
        raise ValueError(
            f"{key}: {value!r} plans /{network.prefixlen + SUBNET_NEW_BITS} public subnets, smaller than the "
            f"/{LOAD_BALANCER_MIN_PREFIX} the load balancer needs; use a prefix from /16 to /{LARGEST_PLATFORM_VPC_PREFIX}"
        )
    check_vpc_cidr(value, key)  # special-purpose ranges


def _az_count(value: int, key: str) -> None:
    # 1 passes here: the data tier refuses it with what exactly needs a second AZ.
    try:
        check_az_count(value, key)
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not allowed; use a whole number from 2 to {MAX_AZS}") from None


def _nat_strategy(value: str, key: str) -> None:
    if value == NatStrategy.NONE.value:
        # The web servers download WordPress and read the database secret at boot: they need a route out.
        raise ValueError(
            f"{key}: 'none' leaves the web servers no route to the internet, but they download WordPress and read "
            f"the database secret at boot; use one of {', '.join(EGRESS_STRATEGIES)}"
        )
    one_of(*EGRESS_STRATEGIES)(value, key)


def _key_pair_name(value: str, key: str) -> None:
    if len(value) > KEY_PAIR_NAME_LENGTH or not value.isascii() or any(not char.isprintable() for char in value):
        raise ValueError(f"{key}: {value!r} is not an EC2 key pair name (up to {KEY_PAIR_NAME_LENGTH} printable ASCII characters)")


def _public_prefix(value: int, key: str) -> None:
    # Only stricter than the Network component's own limit, which refuses wider public ranges anyway.
    if not MIN_PUBLIC_IPV4_PREFIX <= value <= 32:
        raise ValueError(f"{key}: {value} is not allowed; use a prefix length from {MIN_PUBLIC_IPV4_PREFIX} to 32")


def _retention(value: int, key: str) -> None:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{key}: {value} is not a CloudWatch retention; use one of {', '.join(map(str, LOG_RETENTION_DAYS))}")


KEYS = [
    Key(
        "vpcCidr",
        "string",
        "10.0.0.0/16",
        f"IPv4 CIDR of the VPC, /16 to /{LARGEST_PLATFORM_VPC_PREFIX}, not a special-purpose range; subnets are planned inside it.",
        _vpc_cidr,
    ),
    Key(
        "azCount",
        "integer",
        2,
        f"Availability zones to span, 2 to {MAX_AZS} (the database needs 2) and at most what the region has.",
        _az_count,
    ),
    Key(
        "natStrategy",
        "string",
        "single",
        "Egress of the private subnets: single, one_per_az or instance (the web servers need one).",
        _nat_strategy,
    ),
    Key(
        "publicSubnetCidrs",
        "array",
        [],
        f"Explicit public subnet CIDRs, one per AZ, /{LOAD_BALANCER_MIN_PREFIX} or larger; empty uses the computed plan.",
    ),
    Key("privateSubnetCidrs", "array", [], "Explicit private subnet CIDRs, one per AZ; empty uses the computed plan."),
    Key("isolatedSubnetCidrs", "array", [], "Explicit isolated subnet CIDRs, one per AZ; empty uses the computed plan."),
    Key("bastionEnabled", "boolean", False, "Run a bastion host (t4g.nano) in the first public subnet."),
    Key("bastionInstanceType", "string", "t4g.nano", "Instance type of the bastion host.", lambda v, k: check_instance_type(v, k) and None),
    Key(
        "bastionKeyName",
        "string",
        "",
        "EC2 key pair for SSH to the bastion; empty for none (use EC2 Instance Connect).",
        _key_pair_name,
        example="bastion-key",
    ),
    Key(
        "sshAllowedCidrs",
        "array",
        [],
        "CIDRs allowed to SSH to the bastion: private ranges, or public ones no wider than sshMinPublicPrefix.",
        example=["203.0.113.0/24"],
    ),
    Key(
        "sshMinPublicPrefix",
        "integer",
        MIN_PUBLIC_IPV4_PREFIX,
        f"Widest public IPv4 range sshAllowedCidrs may name, as a prefix length; public IPv6 needs /{MIN_PUBLIC_IPV6_PREFIX}.",
        _public_prefix,
    ),
    Key("flowLogRetentionDays", "integer", 30, "Days CloudWatch keeps the VPC flow logs (a retention CloudWatch accepts).", _retention),
]


@dataclass(frozen=True)
class NetworkSettings:
    """Typed network settings of a stack."""

    vpc_cidr: str
    az_count: int
    nat_strategy: str
    public_subnet_cidrs: Optional[list[str]]
    private_subnet_cidrs: Optional[list[str]]
    isolated_subnet_cidrs: Optional[list[str]]
    bastion_enabled: bool
    bastion_instance_type: str
    bastion_key_name: Optional[str]
    ssh_allowed_cidrs: list[str]
    flow_log_retention_days: int


def build(values: Mapping[str, Any], key: Any) -> NetworkSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    tiers = {key(f"{tier}SubnetCidrs"): tier for tier in ("public", "private", "isolated") if values[f"{tier}SubnetCidrs"]}
    explicit = {argument: values[f"{tier}SubnetCidrs"] for argument, tier in tiers.items()}
    check_subnet_layout(values["vpcCidr"], explicit, values["azCount"], tiers=tiers)
    check_load_balancer_subnets(values["publicSubnetCidrs"], key("publicSubnetCidrs"))
    check_ssh_allowed_cidrs(values["sshAllowedCidrs"], key("sshAllowedCidrs"), values["sshMinPublicPrefix"])
    if values["bastionEnabled"] and not values["sshAllowedCidrs"]:
        raise ValueError(f"{key('sshAllowedCidrs')}: [] leaves the bastion unreachable; list your own CIDRs or set bastionEnabled to false")
    return NetworkSettings(
        vpc_cidr=values["vpcCidr"],
        az_count=values["azCount"],
        nat_strategy=values["natStrategy"],
        public_subnet_cidrs=values["publicSubnetCidrs"] or None,
        private_subnet_cidrs=values["privateSubnetCidrs"] or None,
        isolated_subnet_cidrs=values["isolatedSubnetCidrs"] or None,
        bastion_enabled=values["bastionEnabled"],
        bastion_instance_type=values["bastionInstanceType"],
        bastion_key_name=values["bastionKeyName"] or None,
        ssh_allowed_cidrs=values["sshAllowedCidrs"],
        flow_log_retention_days=values["flowLogRetentionDays"],
    )
