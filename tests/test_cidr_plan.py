"""The CIDR plan is a pure function: every subnet inside the VPC, no overlaps, deterministic, stable."""

import ipaddress
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.cidr_plan import MAX_AZS, TIERS, check_subnet_layout, plan_subnets

vpc_cidrs = st.builds(
    lambda address, prefix: str(ipaddress.IPv4Network((address, prefix), strict=False)),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=16, max_value=23),
)
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
