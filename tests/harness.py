"""Test helpers over the mock runner: run code or a stack, then query what was registered."""

import functools
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from pulumi.output import Unknown

from policies.offline.runner import MockRun, run_project, run_under_mocks

REPO = Path(__file__).resolve().parent.parent
"""The repository root, which is also the Pulumi project."""
STACKS = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in REPO.glob("Pulumi.*.yaml"))
"""Every committed stack (dev, prod, ...)."""
WORLD = ("0.0.0.0/0", "::/0")


class Program:
    """A program built from a factory and its arguments; runs of the same program and mode are shared.

    Tests only read a run's result, and the mocks answer the same way every time, so `run` keeps one result
    per (program, mode, config) for the test process instead of building identical stacks again.
    """

    def __init__(self, factory: Callable[..., Any], **arguments: Any) -> None:
        self.factory, self.arguments = factory, arguments
        self.key = f"{factory.__module__}.{factory.__qualname__}({sorted(arguments.items())!r})"

    def __call__(self) -> Any:
        return self.factory(**self.arguments)


_RUNS: dict[tuple[str, bool, str], MockRun] = {}


def run(program: Callable[[], Any], preview: bool = False, config: Optional[Mapping[str, Any]] = None) -> MockRun:
    """Run `program` (which builds components) under mocks in update or preview mode (once per process for a Program)."""
    key = (program.key, preview, repr(sorted((config or {}).items()))) if isinstance(program, Program) else None
    if key is not None and key in _RUNS:
        return _RUNS[key]
    result = run_under_mocks(program, project="test", stack="test", config=config, preview=preview)
    assert not result.duplicate_urns(), f"duplicate URNs: {result.duplicate_urns()}"
    if key is not None:
        _RUNS[key] = result
    return result


def run_stack(stack: str, preview: bool = False, overrides: Optional[Mapping[str, Any]] = None) -> MockRun:
    """Run the repository's __main__.py for a committed stack; `overrides` use full keys (awsinaction:azCount).

    A committed stack without overrides runs once per test process and mode: tests only read the result.
    """
    if not overrides:
        return _committed_stack(stack, preview)
    return _checked(run_project(REPO, stack, preview=preview, overrides=overrides))


@functools.cache
def _committed_stack(stack: str, preview: bool) -> MockRun:
    return _checked(run_project(REPO, stack, preview=preview))


def _checked(result: MockRun) -> MockRun:
    assert not result.duplicate_urns(), f"duplicate URNs: {result.duplicate_urns()}"
    return result


SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
"""Marker the engine protocol puts on secret values."""


def reveal(value: Any) -> Any:
    """A recorded input with Pulumi's secret wrappers removed (at any depth)."""
    if isinstance(value, dict):
        if value.get("4dabf18193072939515e22adb298388d") == SECRET_SIG:
            return reveal(value.get("value"))
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def is_known(value: Any) -> bool:
    """False for values that are unknown in preview (computed by the provider)."""
    return not isinstance(value, Unknown)


def children_of(result: MockRun, parent_urn: str) -> list:
    """Resources whose parent is `parent_urn`."""
    return [r for r in result.resources if r.parent == parent_urn]


def depends_on(result: MockRun, resource: Any, other: Any) -> bool:
    """Whether `resource` depends on `other` (by URN), which holds in preview too."""
    return other.urn in resource.dependencies


def world_open_ingress(result: MockRun) -> list[tuple[str, float, float]]:
    """(resource name, from port, to port) of every ingress that admits 0.0.0.0/0 or ::/0, in any form."""
    found = []
    for rule in result.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        if rule.inputs.get("cidrIpv4") in WORLD or rule.inputs.get("cidrIpv6") in WORLD:
            found.append((rule.name, rule.inputs.get("fromPort", -1), rule.inputs.get("toPort", -1)))
    for rule in result.of_type("aws:ec2/securityGroupRule:SecurityGroupRule"):
        blocks = list(rule.inputs.get("cidrBlocks") or []) + list(rule.inputs.get("ipv6CidrBlocks") or [])
        if rule.inputs.get("type") == "ingress" and any(b in WORLD for b in blocks):
            found.append((rule.name, rule.inputs.get("fromPort", -1), rule.inputs.get("toPort", -1)))
    for group in result.of_type("aws:ec2/securityGroup:SecurityGroup") + result.of_type(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
    ):
        for ingress in group.inputs.get("ingress") or []:
            blocks = list(ingress.get("cidrBlocks") or []) + list(ingress.get("ipv6CidrBlocks") or [])
            if any(b in WORLD for b in blocks):
                found.append((group.name, ingress.get("fromPort", -1), ingress.get("toPort", -1)))
    return found


def port_in(port: int, from_port: float, to_port: float) -> bool:
    """Whether a rule's port range covers `port` (-1 / all protocols covers everything)."""
    return from_port in (-1, None) or from_port <= port <= to_port
