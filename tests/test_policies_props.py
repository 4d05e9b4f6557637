"""Pure helpers of the packs: property access on proxied props, CIDR and port reasoning, IAM statement parsing."""

import importlib
import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from tests.policy_harness import engine_props, pack

pack("least_privilege")
props_module = importlib.import_module("least_privilege_rules._props")
network = importlib.import_module("least_privilege_rules.network")
iam_documents = importlib.import_module("least_privilege_rules.iam_documents")

JSON_LEAVES = st.one_of(st.booleans(), st.integers(-1000, 1000), st.text(max_size=5))
NESTED = st.recursive(
    JSON_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=10
)


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found += paths(sub, (*prefix, index))
    return found


def plain_at(value: object, path: tuple) -> object:
    for key in path:
        value = value[key]  # type: ignore[index]
    return value


@given(st.dictionaries(st.text(max_size=3), NESTED, max_size=4))
def test_get_follows_every_path_of_proxied_props(document: dict) -> None:
    proxied = engine_props(document)
    for path in paths(document)[1:]:
        # The wire turns integers into floats; Python compares 1 == 1.0 as equal.
        assert props_module.plain(props_module.get(proxied, *path)) == plain_at(document, path)


@given(st.dictionaries(st.text(max_size=3), NESTED, max_size=3), st.text(min_size=4, max_size=6))
def test_get_returns_the_default_for_missing_keys(document: dict, missing: str) -> None:
    proxied = engine_props({k: v for k, v in document.items() if k != missing})
    assert props_module.get(proxied, missing, "deeper", default="d") == "d"


@given(st.integers(0, 65535), st.integers(0, 65535), st.integers(0, 65535), st.sampled_from(["tcp", "6", "udp", "17", "icmp", "-1"]))
def test_ingress_covers_exactly_its_port_range(low: int, high: int, port: int, protocol: str) -> None:
    low, high = min(low, high), max(low, high)
    ingress = network.Permission("x", protocol, float(low), float(high), "0.0.0.0/0")
    expected = protocol == "-1" or (protocol != "icmp" and low <= port <= high)
    assert ingress.covers(port) == expected


@given(st.lists(st.sampled_from(["s3:GetObject", "s3:*", "*", "ec2:Describe*"]), min_size=1, max_size=3))
def test_statement_fields_read_the_same_as_a_string_or_a_list(actions: list[str]) -> None:
    as_list = iam_documents.statements({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})[0]
    as_string = iam_documents.statements({"Statement": {"Effect": "Allow", "Action": actions[0], "Resource": ["*"]}})[0]
    assert as_list.actions == tuple(actions) and as_string.actions == (actions[0],)
    assert as_list.resources == as_string.resources == ("*",)


def test_number_and_is_true_accept_the_providers_string_forms() -> None:
    assert props_module.number("30") == 30.0 and props_module.number(None, 7.0) == 7.0 and props_module.number(True, 1.0) == 1.0
    assert props_module.is_true("true") and props_module.is_true(True) and not props_module.is_true("false") and not props_module.is_true(1)


addresses = importlib.import_module("least_privilege_rules.addresses")


@given(st.integers(1, 32))
def test_splitting_the_internet_into_halves_still_covers_it(prefix: int) -> None:
    """Any set of CIDRs whose union is 0.0.0.0/0 counts as the whole internet, however it is cut."""
    pieces = [str(net) for net in ipaddress.ip_network("0.0.0.0/0").subnets(new_prefix=min(prefix, 8))]
    assert addresses.internet_wide(pieces) and addresses.describe_reach(pieces) == "the whole IPv4 internet"


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_a_single_public_cidr_is_internet_wide_exactly_when_wider_than_a_16(address: int, prefix: int) -> None:
    net = ipaddress.ip_network((address, prefix), strict=False)
    public = addresses.public_addresses([str(net)], 4)
    assert addresses.internet_wide([str(net)]) == (public > 2**16)
    assert public <= net.num_addresses and (public == 0) == (not addresses.is_public(str(net)))


def test_private_ranges_are_never_the_internet_and_vpc_ranges_contain_their_subnets() -> None:
    assert not addresses.internet_wide(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"])
    assert addresses.within("10.0.3.0/24", ["10.0.0.0/16"]) and not addresses.within("10.1.0.0/24", ["10.0.0.0/16"])
    assert not addresses.within("not-a-cidr", ["10.0.0.0/16"]) and addresses.network("10.0.0.1/16") == ipaddress.ip_network("10.0.0.0/16")
