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


def check_subnet_layout(vpc_cidr: str, cidrs_by_argument: Mapping[str, Sequence[str]], az_count: int) -> None:
    """Validate caller-supplied subnet CIDRs: well-formed, one per AZ, inside the VPC, no overlaps."""
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
