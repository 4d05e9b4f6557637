"""The VPC's address plan: pure functions, no Pulumi.

Every tier gets a block of `SLOTS_PER_TIER` equal subnets and AZ number i always
takes slot i of its tier's block, so raising or lowering the AZ count never moves
an existing subnet (which would replace it and everything inside it).
"""

import ipaddress
from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Optional, Sequence

TIERS = ("public", "private", "isolated")
"""Subnet tiers in plan order: load balancers/NAT/bastion, application, data."""
MAX_AZS = 6
"""Most AZs a network may span (no AWS region offers more)."""
SLOTS_PER_TIER = 8
"""Subnet slots reserved per tier; slots beyond MAX_AZS stay free for growth."""
SUBNET_NEW_BITS = 5
"""Subnets are 2**5 = 32 times smaller than the VPC: 3 tiers x 8 slots + 8 spare."""
VPC_PREFIX_RANGE = (16, 28)
"""AWS accepts VPC and subnet prefixes from /16 to /28."""
SMALLEST_PLANNED_VPC_PREFIX = VPC_PREFIX_RANGE[1] - SUBNET_NEW_BITS
"""/23: the smallest VPC whose planned subnets are still /28 or larger."""
LOAD_BALANCER_MIN_PREFIX = 27
"""ELB needs load-balancer subnets of /27 or larger with 8 free addresses (ALB user guide, "Subnets for your
load balancer": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html)."""
SPECIAL_PURPOSE_RANGES = {
    "0.0.0.0/8": "'this network'",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local",
    "192.0.0.0/24": "IETF protocol assignments",
    "192.0.2.0/24": "documentation (TEST-NET-1)",
    "198.18.0.0/15": "benchmarking",
    "198.51.100.0/24": "documentation (TEST-NET-2)",
    "203.0.113.0/24": "documentation (TEST-NET-3)",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved",
}
"""IPv4 special-purpose ranges (RFC 6890 and IANA's registry) that no VPC should use: hosts there cannot reach
or be reached like ordinary addresses (loopback, link-local and multicast never leave a host or link)."""


@dataclass(frozen=True)
class SubnetPlan:
    """Subnet CIDRs per tier, index i being the i-th availability zone."""

    public: tuple[str, ...]
    private: tuple[str, ...]
    isolated: tuple[str, ...]

    def tier(self, tier: str) -> tuple[str, ...]:
        """Return the CIDRs of one tier by name."""
        return getattr(self, tier)

    def all_cidrs(self) -> list[str]:
        """Every CIDR of the plan, tier by tier."""
        return [cidr for tier in TIERS for cidr in self.tier(tier)]


def parse_network(value: str, argument: str) -> ipaddress.IPv4Network:
    """Parse an IPv4 CIDR such as 10.0.0.0/16, refusing host bits and bare addresses."""
    if not isinstance(value, str) or "/" not in value:
        raise ValueError(f"{argument}: {value!r} is not a CIDR block (expected e.g. 10.0.0.0/16)")
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"{argument}: {value!r} is not a valid IPv4 CIDR block ({error})") from None


def check_vpc_cidr(vpc_cidr: str, argument: str = "vpc_cidr") -> ipaddress.IPv4Network:
    """Validate the VPC CIDR's form and size against AWS limits and the subnet plan."""
    network = parse_network(vpc_cidr, argument)
    for special, purpose in SPECIAL_PURPOSE_RANGES.items():
        if network.overlaps(ipaddress.IPv4Network(special)):
            raise ValueError(
                f"{argument}: {vpc_cidr!r} overlaps {special}, a special-purpose range ({purpose}); use a private range such as 10.0.0.0/16"
            )
    low, high = VPC_PREFIX_RANGE
    if network.prefixlen < low:
        raise ValueError(f"{argument}: {vpc_cidr!r} is larger than AWS allows; use a prefix from /{low} to /{SMALLEST_PLANNED_VPC_PREFIX}")
    if network.prefixlen > SMALLEST_PLANNED_VPC_PREFIX:
        raise ValueError(
            f"{argument}: {vpc_cidr!r} is too small for the subnet plan "
            f"(3 tiers x {SLOTS_PER_TIER} slots of at least /{high}); use a prefix from /{low} to /{SMALLEST_PLANNED_VPC_PREFIX}"
        )
    return network


def check_az_count(az_count: int, argument: str = "az_count", available: Optional[int] = None) -> None:
    """Validate an AZ count against 1..MAX_AZS and, when known, the AZs the region has."""
    if isinstance(az_count, bool) or not isinstance(az_count, int) or not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"{argument}: {az_count!r} is not allowed; use a whole number from 1 to {MAX_AZS}")
    if available is not None and az_count > available:
        raise ValueError(f"{argument}: {az_count} is more than the {available} availability zones this region has")


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Compute the subnet CIDRs of every tier for `az_count` AZs inside `vpc_cidr`."""
    network = check_vpc_cidr(vpc_cidr)
    check_az_count(az_count)
    slots = list(network.subnets(new_prefix=network.prefixlen + SUBNET_NEW_BITS))
    tiers = {tier: tuple(str(slots[index * SLOTS_PER_TIER + az]) for az in range(az_count)) for index, tier in enumerate(TIERS)}
    return SubnetPlan(**tiers)


def check_subnet_layout(
    vpc_cidr: str, cidrs_by_argument: Mapping[str, Sequence[str]], az_count: int, tiers: Optional[Mapping[str, str]] = None
) -> None:
    """Validate caller-supplied subnet CIDRs: well-formed, one per AZ, inside the VPC, no overlaps.

    `tiers` maps each argument to its tier; with it, the planned subnets of the tiers given no explicit CIDRs
    (which the network then uses) count too, so an explicit subnet never collides with a planned one.
    """
    vpc = check_vpc_cidr(vpc_cidr)
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for argument, cidrs in cidrs_by_argument.items():
        if len(cidrs) != az_count:
            raise ValueError(f"{argument}: {list(cidrs)!r} has {len(cidrs)} CIDRs; give exactly one per AZ ({az_count})")
        for cidr in cidrs:
            subnet = parse_network(cidr, argument)
            if not VPC_PREFIX_RANGE[0] <= subnet.prefixlen <= VPC_PREFIX_RANGE[1]:
                raise ValueError(f"{argument}: {cidr!r} has a prefix outside /16../28, which AWS refuses for subnets")
            if not subnet.subnet_of(vpc):
                raise ValueError(f"{argument}: {cidr!r} is not inside the VPC CIDR {vpc_cidr}")
            seen.append((argument, subnet))
    for (arg_a, a), (arg_b, b) in combinations(seen, 2):
        if a.overlaps(b):
            raise ValueError(f"{arg_b}: {str(b)!r} overlaps {str(a)!r} of {arg_a}; subnets must not overlap")
    if tiers is None:
        return
    plan = plan_subnets(vpc_cidr, az_count)
    planned = [
        (tier, zone, ipaddress.IPv4Network(cidr))
        for tier in TIERS
        if tier not in tiers.values()
        for zone, cidr in enumerate(plan.tier(tier), start=1)
    ]
    for argument, subnet in seen:
        for tier, zone, other in planned:
            if subnet.overlaps(other):
                raise ValueError(
                    f"{argument}: {str(subnet)!r} overlaps {str(other)!r}, the planned {tier} subnet of AZ {zone}; "
                    f"give the {tier} CIDRs too, or pick another range"
                )


def check_load_balancer_subnets(cidrs: Sequence[str], argument: str) -> None:
    """Load-balancer subnets must be /27 or larger (LOAD_BALANCER_MIN_PREFIX)."""
    for cidr in cidrs:
        if parse_network(cidr, argument).prefixlen > LOAD_BALANCER_MIN_PREFIX:
            raise ValueError(
                f"{argument}: {cidr!r} is smaller than the /{LOAD_BALANCER_MIN_PREFIX} a load balancer's subnet needs; "
                f"use /{LOAD_BALANCER_MIN_PREFIX} or larger"
            )
