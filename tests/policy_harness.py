"""Run one policy on hand-written resources, with the props exactly as the engine passes them.

Props go through the engine's wire form (a protobuf Struct: numbers become floats, unknowns the sentinel
string, secrets keep their signature) and pulumi-policy's own deserializer, then `unknown_checking_proxy`.
Stack resources are built by the servicer's AnalyzeStack code path, with parents and property dependencies.
"""

import importlib
from typing import Any, Mapping, Optional, Sequence

from google.protobuf import json_format
from pulumi.output import Unknown
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from policies.offline.analyze import policy_resources, stack_request, to_struct
from policies.offline.mocks import RecordedResource
from policies.offline.packs import PACK_FOLDERS, PACKS_DIR, LoadedPack, load_pack

UNKNOWN = Unknown()
"""Put this in props for a value unknown during a preview."""


def pack(folder: str) -> LoadedPack:
    """A pack of this repository, loaded as the CLI loads it."""
    return load_pack(PACKS_DIR / folder)


def pack_module(folder: str, module: str) -> Any:
    """A module of a pack's rules package (`<folder>_rules`), imported as loading the pack imports it."""
    pack(folder)
    return importlib.import_module(f"{folder}_rules.{module}")


def policy(name: str) -> Any:
    """A policy of any of the repository's packs by name."""
    for folder in PACK_FOLDERS:
        loaded = pack(folder)
        if any(p.name == name for p in loaded.policies):
            return loaded.policy(name)
    raise KeyError(name)


def engine_props(props: Mapping[str, Any]) -> Any:
    """Props as a policy receives them: wire round trip, then the unknown-checking proxy."""
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(to_struct(props))))


def check_resource(name: str, resource_type: str, props: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """The messages one resource policy reports for one resource."""
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])
    args = ResourceValidationArgs(
        resource_type, engine_props(props), f"urn:pulumi:test::test::{resource_type}::r", "r", options, None, config
    )
    found: list[str] = []
    policy(name).validate(args, lambda message, urn=None: found.append(message))
    return found


def stack_resource(
    resource_type: str,
    name: str,
    outputs: Mapping[str, Any],
    property_dependencies: Optional[Mapping[str, Sequence[str]]] = None,
) -> RecordedResource:
    """A stack resource by its outputs; `property_dependencies` maps a property to the names of resources it depends on."""
    return RecordedResource(
        urn=f"urn:pulumi:test::test::{resource_type}::{name}",
        type=resource_type,
        name=name,
        parent="",
        inputs=dict(outputs),
        custom=True,
        property_dependencies={k: list(v) for k, v in (property_dependencies or {}).items()},
        id=str(outputs.get("id", f"{name}-id")),
        state=dict(outputs),
    )


def link(resources: Sequence[RecordedResource]) -> Sequence[RecordedResource]:
    """Turn the resource names in property dependencies into the URNs the engine sends."""
    urns = {r.name: r.urn for r in resources}
    for resource in resources:
        resource.property_dependencies = {k: [urns.get(n, n) for n in v] for k, v in resource.property_dependencies.items()}
    return resources


def check_stack(name: str, resources: Sequence[RecordedResource], config: Optional[Mapping[str, Any]] = None) -> list[tuple[str, str]]:
    """(resource name or "", message) of every violation one stack policy reports."""
    built = policy_resources(stack_request(link(resources)))
    names = {r.urn: r.name for r in built}
    found: list[tuple[str, str]] = []
    policy(name).validate(StackValidationArgs(built, config), lambda message, urn=None: found.append((names.get(urn or "", ""), message)))
    return found
