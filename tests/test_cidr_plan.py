"""The CIDR plan is a pure function: every subnet inside the VPC, no overlaps, deterministic, stable."""

import ipaddress
import re
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cidr_plan import (
    MAX_AZS,
    SPECIAL_PURPOSE_RANGES,
    TIERS,
    check_load_balancer_subnets,
    check_subnet_layout,
    check_vpc_cidr,
    plan_subnets,
)

SPECIAL = [ipaddress.IPv4Network(c) for c in SPECIAL_PURPOSE_RANGES]
vpc_cidrs = st.builds(
    lambda address, prefix: str(ipaddress.IPv4Network((address, prefix), strict=False)),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=16, max_value=23),
).filter(lambda cidr: not any(ipaddress.IPv4Network(cidr).overlaps(special) for special in SPECIAL))
az_counts = st.integers(min_value=1, max_value=MAX_AZS)


@given(vpc_cidrs, az_counts)
def test_every_subnet_lies_inside_the_vpc_and_none_overlap(vpc_cidr: str, az_count: int) -> None:
    plan = plan_subnets(vpc_cidr, az_count)
    vpc = ipaddress.IPv4Network(vpc_cidr)
    subnets = [ipaddress.IPv4Network(c) for c in plan.all_cidrs()]
    assert len(subnets) == 3 * az_count
    assert all(s.subnet_of(vpc) for s in subnets)
    assert not any(a.overlaps(b) for a, b in combinations(subnets, 2))
    assert all(s.prefixlen <= 28 for s in subnets), "AWS refuses subnets smaller than /28"


@given(vpc_cidrs, az_counts)
def test_plan_is_deterministic(vpc_cidr: str, az_count: int) -> None:
    assert plan_subnets(vpc_cidr, az_count) == plan_subnets(vpc_cidr, az_count)


@given(vpc_cidrs, az_counts, az_counts)
def test_changing_the_az_count_never_moves_an_existing_subnet(vpc_cidr: str, fewer: int, more: int) -> None:
    fewer, more = sorted((fewer, more))
    small, large = plan_subnets(vpc_cidr, fewer), plan_subnets(vpc_cidr, more)
    for tier in TIERS:
        assert large.tier(tier)[:fewer] == small.tier(tier)


def test_book_sized_vpc_gets_slash_21_subnets_per_tier_block() -> None:
    plan = plan_subnets("10.0.0.0/16", 3)
    assert plan.public == ("10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21")
    assert plan.private[0] == "10.0.64.0/21"
    assert plan.isolated[0] == "10.0.128.0/21"


@pytest.mark.parametrize(
    ("vpc_cidr", "az_count", "message"),
    [
        ("10.0.0.0/24", 2, r"vpc_cidr: '10.0.0.0/24' is too small for the subnet plan"),
        ("10.0.0.0/8", 2, r"vpc_cidr: '10.0.0.0/8' is larger than AWS allows"),
        ("10.0.0.1/16", 2, r"vpc_cidr: '10.0.0.1/16' is not a valid IPv4 CIDR"),
        ("10.0.0.0", 2, r"vpc_cidr: '10.0.0.0' is not a CIDR block"),
        ("10.0.0.0/16", 0, r"az_count: 0 is not allowed"),
        ("10.0.0.0/16", 7, r"az_count: 7 is not allowed"),
    ],
)
def test_bad_plans_are_refused_naming_the_argument(vpc_cidr: str, az_count: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_subnets(vpc_cidr, az_count)


def test_explicit_layout_checks_count_containment_and_overlap() -> None:
    check_subnet_layout("10.0.0.0/16", {"private": ["10.0.1.0/24", "10.0.2.0/24"]}, 2)
    with pytest.raises(ValueError, match=r"private: .* has 1 CIDRs; give exactly one per AZ \(2\)"):
        check_subnet_layout("10.0.0.0/16", {"private": ["10.0.1.0/24"]}, 2)
    with pytest.raises(ValueError, match=r"public: '10.1.0.0/24' is not inside the VPC CIDR 10.0.0.0/16"):
        check_subnet_layout("10.0.0.0/16", {"public": ["10.1.0.0/24"]}, 1)
    with pytest.raises(ValueError, match=r"isolated: '10.0.1.128/25' overlaps '10.0.1.0/24' of public"):
        check_subnet_layout("10.0.0.0/16", {"public": ["10.0.1.0/24"], "isolated": ["10.0.1.128/25"]}, 1)


@pytest.mark.parametrize(
    ("vpc_cidr", "purpose"),
    [
        ("127.0.0.0/16", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("224.0.0.0/16", "multicast"),
        ("240.0.0.0/16", "reserved"),
        ("0.0.0.0/16", "'this network'"),
        ("192.0.2.0/23", "documentation (TEST-NET-1)"),
        ("198.18.0.0/16", "benchmarking"),
        ("192.0.0.0/16", "IETF protocol assignments"),
    ],
)
def test_special_purpose_vpc_ranges_are_refused_naming_the_purpose(vpc_cidr: str, purpose: str) -> None:
    with pytest.raises(ValueError, match=rf"^vpc_cidr: '{vpc_cidr}' overlaps .*, a special-purpose range \({re.escape(purpose)}\)"):
        check_vpc_cidr(vpc_cidr)


@pytest.mark.parametrize("vpc_cidr", ["10.0.0.0/16", "172.16.0.0/16", "192.168.0.0/16", "100.64.0.0/16", "52.1.0.0/16"])
def test_private_shared_and_owned_public_ranges_are_accepted(vpc_cidr: str) -> None:
    assert str(check_vpc_cidr(vpc_cidr)) == vpc_cidr


def test_an_explicit_tier_may_not_overlap_the_planned_subnets_of_the_others() -> None:
    planned_private = plan_subnets("10.0.0.0/16", 2).private[0]
    layout = {"public": [planned_private, "10.0.8.0/21"]}
    check_subnet_layout("10.0.0.0/16", layout, 2)  # without tiers, only the given lists are compared
    with pytest.raises(ValueError, match=rf"^public: '{planned_private}' overlaps '{planned_private}', the planned private subnet of AZ 1"):
        check_subnet_layout("10.0.0.0/16", layout, 2, tiers={"public": "public"})
    check_subnet_layout("10.0.0.0/16", {"public": ["10.0.200.0/24", "10.0.201.0/24"]}, 2, tiers={"public": "public"})


def test_load_balancer_subnets_must_be_slash_27_or_larger() -> None:
    check_load_balancer_subnets(["10.0.0.0/27", "10.0.1.0/24"], "subnets")
    with pytest.raises(ValueError, match=r"^subnets: '10.0.0.0/28' is smaller than the /27 a load balancer's subnet needs"):
        check_load_balancer_subnets(["10.0.0.0/28"], "subnets")
