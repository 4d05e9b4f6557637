"""The mocks a consumer writes for its own unit tests: answer the AWS invokes, record every resource."""

import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.sync_await import _ensure_event_loop

PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "eu-west-1"
ZONES = [f"{REGION}{suffix}" for suffix in "abc"]


class AwsMocks(Mocks):
    """Invoke answers use camelCase keys, as the engine returns them."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict]:
        state = dict(args.inputs)
        state.setdefault("arn", f"arn:aws:mock:{REGION}:123456789012:{args.name}")
        if args.typ == "random:index/randomId:RandomId":
            # Computed by the provider: the Database names its instance with it.
            state["hex"] = "0a1b2c"[: 2 * int(args.inputs.get("byteLength", 3))]
        return f"{args.name}-id", state

    def call(self, args: MockCallArgs) -> tuple[dict, list]:
        answers = {
            "aws:index/getAvailabilityZones:getAvailabilityZones": {"names": ZONES, "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)]},
            "aws:index/getCallerIdentity:getCallerIdentity": {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:user/ci"},
            "aws:index/getRegion:getRegion": {"name": REGION, "region": REGION, "id": REGION},
            "aws:ssm/getParameter:getParameter": {"name": args.args.get("name", ""), "value": "ami-0123456789abcdef0", "type": "String"},
        }
        return answers.get(args.token, {}), []


@dataclass
class Registered:
    """One resource as the program registered it (inputs in camelCase)."""

    urn: str
    type: str
    name: str
    parent: str
    inputs: dict[str, Any]


class RecordingMonitor(MockMonitor):
    """Keeps every registration, including the component resources the mocks never see as custom."""

    def __init__(self, mocks: Mocks) -> None:
        super().__init__(mocks)
        self.registered: list[Registered] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        _ensure_event_loop()
        inputs = dict(rpc.deserialize_properties(request.object))
        self.registered.append(Registered(response.urn, request.type, request.name, request.parent, inputs))
        return response


@dataclass
class Run:
    """What one run of __main__.py registered and exported."""

    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, token: str) -> list[Registered]:
        return [r for r in self.resources if r.type == token]


def run_program(preview: bool, config: dict[str, str]) -> Run:
    """Run this project's __main__.py under the mocks, as `pulumi up` (or `preview`) would, with `config`."""
    monitor = RecordingMonitor(AwsMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project="shop-platform", stack="dev", preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config(config, [])
    outputs: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(PROJECT_DIR / "__main__.py"), run_name="__main__")
        root_outputs = dict(getattr(get_root_resource(), "outputs", {}) or {})
        return pulumi.Output.from_input(root_outputs).apply(outputs.update)

    try:
        pulumi.runtime.test(program)()
    finally:
        pulumi.runtime.set_all_config({}, [])
        pulumi.runtime.settings.reset_options()
    return Run(monitor.registered, outputs)
