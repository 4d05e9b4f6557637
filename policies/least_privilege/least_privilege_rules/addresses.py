"""Address arithmetic: how much of the internet a set of CIDRs admits.

A CIDR list is judged by the public addresses its union covers, not one CIDR at a time, so
0.0.0.0/1 plus 128.0.0.0/1 counts as the whole IPv4 internet, and 10.0.0.0/8 as no internet at all.
"""

import ipaddress
from typing import Any, Iterable, Optional, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

NOT_PUBLIC = [
    ipaddress.ip_network(cidr)
    for cidr in (
        "0.0.0.0/8",  # "this network" (RFC 6890)
        "10.0.0.0/8",  # private (RFC 1918)
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local
        "172.16.0.0/12",  # private (RFC 1918)
        "192.168.0.0/16",  # private (RFC 1918)
        "fc00::/7",  # unique local (RFC 4193)
        "fe80::/10",  # link-local
        "::1/128",  # loopback
    )
]
"""Ranges that never route over the internet; every other address counts as public."""
MAX_PUBLIC_PREFIX = {4: 16, 6: 48}
"""Default: a source admitting more public addresses than one IPv4 /16 (or IPv6 /48) counts as the internet."""


def network(cidr: Any) -> Optional[Network]:
    """The network a CIDR string names (host bits allowed, as AWS accepts them); None when it is not a CIDR."""
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None


def _overlap(a: Network, b: Network) -> int:
    if a.version != b.version:
        return 0
    if a.subnet_of(b):  # type: ignore[arg-type]
        return a.num_addresses
    if b.subnet_of(a):  # type: ignore[arg-type]
        return b.num_addresses
    return 0


def public_addresses(cidrs: Iterable[Any], version: int) -> int:
    """How many public addresses of one IP version the union of `cidrs` covers (overlaps counted once)."""
    networks = [n for n in (network(c) for c in cidrs) if n is not None and n.version == version]
    total = 0
    for net in ipaddress.collapse_addresses(networks):  # type: ignore[type-var]
        total += net.num_addresses - sum(_overlap(net, private) for private in NOT_PUBLIC)
    return total


def internet_wide(cidrs: Iterable[Any], max_prefix: Optional[dict[int, int]] = None) -> bool:
    """Whether the union of `cidrs` admits more public addresses than one /max_prefix network (per IP version)."""
    limits = max_prefix or MAX_PUBLIC_PREFIX
    cidrs = list(cidrs)
    return any(public_addresses(cidrs, version) > 2 ** ((32 if version == 4 else 128) - limits[version]) for version in (4, 6))


def is_public(cidr: Any) -> bool:
    """Whether a CIDR includes any public address."""
    net = network(cidr)
    return net is not None and public_addresses([cidr], net.version) > 0


def within(cidr: Any, ranges: Iterable[Any]) -> bool:
    """Whether a CIDR lies entirely inside one of `ranges` (CIDR strings)."""
    net = network(cidr)
    if net is None:
        return False
    return any(outer is not None and outer.version == net.version and net.subnet_of(outer) for outer in map(network, ranges))  # type: ignore[arg-type]


def private_ranges() -> list[str]:
    """The non-public ranges as CIDR strings."""
    return [str(n) for n in NOT_PUBLIC]


def describe_reach(cidrs: Iterable[Any]) -> str:
    """How a message says how far a set of sources reaches: the whole internet, or how many public addresses."""
    cidrs = list(cidrs)
    nets = [network(c) for c in cidrs]
    if any(n is not None and n.prefixlen == 0 for n in nets):
        return "the whole internet"
    v4, v6 = public_addresses(cidrs, 4), public_addresses(cidrs, 6)
    if v4 >= 2**32 - sum(n.num_addresses for n in NOT_PUBLIC if n.version == 4):
        return "the whole IPv4 internet"
    parts = [f"{v4:,} public IPv4 addresses"] if v4 else []
    parts += [f"2^{v6.bit_length() - 1}+ public IPv6 addresses"] if v6 else []
    return " and ".join(parts)
