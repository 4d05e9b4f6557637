"""The multi-language plugin (provider/): what `pulumi package add <repo>.git/provider@<tag>` runs."""

import json
import re
import select
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Optional

import grpc
import pulumi
import pytest
import yaml
from pulumi.errors import InputPropertyError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from provider import package as plugin
from provider.schema import SCHEMA_FILE
from tests.harness import REPO, run
from tests.pyproject_data import runtime_dependencies

PROVIDER_DIR = REPO / "provider"


@pytest.fixture(scope="module")
def awsinaction() -> Any:
    return plugin.load_package()


@pytest.fixture(scope="module")
def host(awsinaction: Any) -> ComponentProvider:
    """The provider the plugin process serves."""
    return plugin.build_provider(awsinaction)


def test_manifest_declares_the_python_runtime_with_its_own_virtualenv() -> None:
    manifest = yaml.safe_load((PROVIDER_DIR / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert (PROVIDER_DIR / "__main__.py").is_file()


def test_plugin_requirements_are_the_package_dependencies() -> None:
    lines = [line.strip() for line in (PROVIDER_DIR / "requirements.txt").read_text().splitlines()]
    requirements = sorted(line for line in lines if line and not line.startswith("#"))
    assert requirements == sorted(runtime_dependencies())


def test_components_load_under_the_wheels_import_name(awsinaction: Any) -> None:
    assert awsinaction.__name__ == "awsinaction"
    assert [cls.__module__.split(".")[0] for cls in awsinaction.ALL_COMPONENTS] == ["awsinaction"] * len(awsinaction.ALL_COMPONENTS)
    assert plugin.load_package() is awsinaction, "loading twice must reuse the module"


def test_serve_runs_a_provider_for_every_component_under_the_package_version(awsinaction: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["provider", "127.0.0.1:1234", "--logtostderr"])
    served: list[tuple[Any, list[str]]] = []
    plugin.serve(run=lambda provider, args: served.append((provider, args)))
    [(provider, args)] = served
    assert args == ["127.0.0.1:1234", "--logtostderr"]
    assert provider.version == awsinaction.__version__
    assert sorted(json.loads(provider.schema)["resources"]) == sorted(f"awsinaction:index:{c.__name__}" for c in awsinaction.ALL_COMPONENTS)


def test_plugin_process_serves_the_committed_schema_over_grpc() -> None:
    # What the CLI does: run `python provider/ <engine>` (from anywhere), read the port, ask for the schema.
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER_DIR), "127.0.0.1:1"], cwd="/", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        port = process.stdout.readline().strip() if ready else ""
        if not re.fullmatch(r"\d+", port):
            process.kill()
            pytest.fail(f"the plugin printed no port; stderr: {process.communicate()[1][-3000:]}")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            served = json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest(), timeout=30).schema)
            info = stub.GetPluginInfo(provider_pb2.google_dot_protobuf_dot_empty__pb2.Empty(), timeout=30)
    finally:
        process.kill()
        process.wait()
    assert served == json.loads(SCHEMA_FILE.read_text())
    assert info.version == served["version"]


def construct(host: ComponentProvider, name: str, inputs: dict[str, Any]) -> Any:
    """What the engine asks of the plugin for `type: awsinaction:index:Network` in another language's program."""
    return host.construct(name, "awsinaction:index:Network", inputs, None)


def test_network_built_from_the_inputs_another_language_sends(host: ComponentProvider, preview: bool) -> None:
    # camelCase names, the enum as its string value, integers as floats, optional inputs left out.
    inputs = {"cidrBlock": "10.30.0.0/16", "azCount": 3.0, "natStrategy": "one_per_az", "tags": {"Team": "platform"}}
    results: list[Any] = []
    result = run(lambda: results.append(construct(host, "net", inputs)), preview)
    [network] = result.of_type("awsinaction:index:Network")
    assert results[0].urn is not None and {"vpcId", "privateSubnetIds", "natGatewayIds"} <= set(results[0].state)
    assert result.count("aws:ec2/natGateway:NatGateway") == 3
    assert result.one("aws:ec2/vpc:Vpc").parent == network.urn
    flow_logs = result.one("aws:cloudwatch/logGroup:LogGroup")
    assert flow_logs.inputs["retentionInDays"] == 30, "an omitted optional input takes the documented default"
    assert all(r.inputs["tags"]["Team"] == "platform" for r in result.of_type("aws:ec2/subnet:Subnet"))


def test_canary_sdk_host_still_delivers_integers_as_floats(awsinaction: Any) -> None:
    # When this fails, pulumi fixed ComponentProvider.map_input_properties: drop AwsInActionProvider.
    sdk = ComponentProvider(list(awsinaction.ALL_COMPONENTS), plugin.PACKAGE, None, awsinaction.__version__)
    mapped = sdk.map_inputs({"cidrBlock": "10.30.0.0/16", "azCount": 3.0}, sdk._component_defs["Network"])
    assert type(mapped["az_count"]) is float


def test_integer_and_enum_inputs_reach_the_component_typed(host: ComponentProvider, awsinaction: Any) -> None:
    mapped = host.map_inputs({"cidrBlock": "10.30.0.0/16", "azCount": 3.0, "natStrategy": "none"}, host._component_defs["Network"])
    assert type(mapped["az_count"]) is int and mapped["az_count"] == 3
    assert mapped["nat_strategy"] is sys.modules["awsinaction.network"].NatStrategy.NONE
    assert "bastion_enabled" not in mapped, "omitted optional inputs stay omitted (the dataclass default applies)"


def test_fractional_numbers_are_left_for_the_component_to_refuse(host: ComponentProvider) -> None:
    mapped = host.map_inputs({"cidrBlock": "10.30.0.0/16", "azCount": 2.5}, host._component_defs["Network"])
    assert mapped["az_count"] == 2.5
    with pytest.raises(ComponentInitError, match=r"^az_count: 2.5"):
        run(lambda: construct(host, "net", {"cidrBlock": "10.30.0.0/16", "azCount": 2.5}))


def test_unknown_enum_value_is_refused_before_anything_is_built(host: ComponentProvider) -> None:
    with pytest.raises(InputPropertyError) as error:
        run(lambda: construct(host, "net", {"cidrBlock": "10.30.0.0/16", "natStrategy": "two_per_az"}))
    assert error.value.property_path == "natStrategy"


def test_missing_required_input_is_named(host: ComponentProvider) -> None:
    with pytest.raises(InputPropertyError) as error:
        run(lambda: construct(host, "net", {"azCount": 2.0}))
    assert error.value.property_path == "cidrBlock"


def test_component_validation_errors_reach_the_other_language_with_the_argument_name(host: ComponentProvider) -> None:
    with pytest.raises(ComponentInitError, match=r"^cidr_block: "):
        run(lambda: construct(host, "net", {"cidrBlock": "10.30.0.0/8"}))


@dataclass(frozen=True)
class Size:
    """A size."""

    count: int
    """How many."""


@dataclass(frozen=True)
class BoxArgs:
    """Inputs of a box."""

    size: Size
    """The size."""
    counts: Optional[list[int]] = None
    """Counts."""


class Box(pulumi.ComponentResource):
    """A component with nested and list integers."""

    def __init__(self, name: str, args: BoxArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("awsinaction:index:Box", name, None, opts)


def test_integers_inside_nested_objects_and_lists_become_int() -> None:
    host = plugin.AwsInActionProvider([Box], plugin.PACKAGE, None, "0.0.1")
    mapped = host.map_inputs({"size": {"count": 2.0}, "counts": [1.0, 3.0]}, host._component_defs["Box"])
    assert mapped == {"size": {"count": 2}, "counts": [1, 3]}
    assert [type(v) for v in (mapped["size"]["count"], *mapped["counts"])] == [int, int, int]
