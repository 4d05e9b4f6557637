"""Drive pulumi-policy's analyzer servicer in-process, as the Pulumi CLI drives it over gRPC.

For each pack: GetAnalyzerInfo, then the CLI's config reconciliation (schema defaults, the pack's initial
config, the `--policy-pack-config` file, JSON-schema validation), Configure, one Analyze per resource
(its inputs) and one AnalyzeStack (every resource's outputs, parents and dependencies). Requests are the
engine's protobuf messages: unknown values travel as the engine's sentinel string, secrets with their
signature, numbers as doubles, so the policies see exactly what `pulumi preview --policy-pack` shows them.
"""

import difflib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import jsonschema
import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, Policy, PolicyResource, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.deserialize import serialize_properties
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from .mocks import RecordedResource
from .packs import LoadedPack

LEVELS = {"advisory": proto.ADVISORY, "mandatory": proto.MANDATORY, "remediate": proto.REMEDIATE, "disabled": proto.DISABLED}
"""Enforcement level names (as in config files) and their protobuf values."""
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}


class PackConfigError(Exception):
    """A policy pack config file the CLI would refuse (or that names a policy no pack has)."""


@dataclass(frozen=True)
class Diagnostic:
    """One violation as the servicer reported it."""

    pack: str
    policy: str
    level: str
    urn: str
    message: str
    description: str = ""

    @property
    def detail(self) -> str:
        """The message without the policy description the servicer puts in front of it."""
        if self.description and self.message.startswith(self.description + "\n"):
            return self.message[len(self.description) + 1 :]
        return self.message


@dataclass(frozen=True)
class PolicyMeta:
    """What a report says about one policy: what it checks, how to fix it, and its level for this stack."""

    name: str
    description: str
    remediation: str
    level: str
    """The enforcement level after the pack config: advisory, mandatory, remediate or disabled."""
    kind: str
    """resource (judges each resource's inputs) or stack (judges the whole stack's outputs)."""
    severity: str = ""
    """low, medium, high or critical when the policy declares one."""


@dataclass
class PackResult:
    """What one pack reported for a stack."""

    pack: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str = ""
    policies: list[PolicyMeta] = field(default_factory=list)
    judged: set[tuple[str, str]] = field(default_factory=set)
    """(resource policy, URN) pairs where the policy read the resource's properties, i.e. judged it."""


@dataclass(frozen=True)
class PolicyInfo:
    """A policy's metadata as GetAnalyzerInfo reports it to the CLI."""

    name: str
    level: str
    schema: Optional[dict[str, Any]]


def read_pack_config(path: Path) -> dict[str, dict[str, Any]]:
    """Read a `--policy-pack-config` file: {policy or "all": level | {enforcementLevel?, props...}}."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise PackConfigError(f"{path}: {error.strerror}") from None
    if not text.strip():
        raise PackConfigError(f"{path}: the file is empty; write {{}} to run every policy with its defaults")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackConfigError(f"{path}: not valid JSON ({error})") from None
    return parse_pack_config(document, str(path))


def parse_pack_config(document: Any, source: str) -> dict[str, dict[str, Any]]:
    """Parse a pack config document as the CLI does: each entry a level name or an object of level and properties."""
    if not isinstance(document, dict):
        raise PackConfigError(f"{source}: must be a JSON object of policy names")
    config: dict[str, dict[str, Any]] = {}
    for name, value in document.items():
        if isinstance(value, str):
            entry: dict[str, Any] = {"enforcementLevel": value, "properties": {}}
        elif isinstance(value, dict):
            properties = dict(value)
            entry = {"enforcementLevel": properties.pop("enforcementLevel", None), "properties": properties}
        else:
            raise PackConfigError(f"{source}: {name}: {value!r} is not a valid value; must be a string or object")
        level = entry["enforcementLevel"]
        if level is not None and level not in LEVELS:
            raise PackConfigError(f"{source}: {name}: {level!r} is not a valid enforcement level ({', '.join(LEVELS)})")
        config[name] = entry
    return config


def analyzer_info(servicer: Any) -> list[PolicyInfo]:
    """The policies, default levels and config schemas the servicer advertises."""
    info = servicer.GetAnalyzerInfo(None, None)
    result = []
    for policy in info.policies:
        schema = None
        if policy.HasField("configSchema"):
            schema = {
                "properties": json_format.MessageToDict(policy.configSchema.properties),
                "required": list(policy.configSchema.required),
            }
        result.append(PolicyInfo(policy.name, LEVEL_NAMES[policy.enforcementLevel], schema))
    return result


def _apply(result: dict[str, dict[str, Any]], config: Mapping[str, Mapping[str, Any]]) -> None:
    """The CLI's applyConfig: "all" sets every level, then each policy's level and properties."""
    all_level = (config.get("all") or {}).get("enforcementLevel")
    if all_level:
        for entry in result.values():
            entry["enforcementLevel"] = all_level
    for name, given in config.items():
        if name == "all":
            continue
        entry = result.setdefault(name, {"enforcementLevel": None, "properties": {}})
        if given.get("enforcementLevel"):
            entry["enforcementLevel"] = given["enforcementLevel"]
        entry["properties"].update(given.get("properties") or {})


def _level_name(level: Any) -> Optional[str]:
    return level.value if isinstance(level, EnforcementLevel) else level


def _initial_entry(value: Any) -> dict[str, Any]:
    """A PolicyPack initial_config entry (a level, or a dict with an optional level) in config-file form."""
    if not isinstance(value, Mapping):
        return {"enforcementLevel": _level_name(value), "properties": {}}
    properties = {k: v for k, v in value.items() if k != "enforcementLevel"}
    return {"enforcementLevel": _level_name(value.get("enforcementLevel")), "properties": properties}


def reconcile(
    pack: LoadedPack, infos: Sequence[PolicyInfo], config: Mapping[str, Mapping[str, Any]], source: str
) -> dict[str, dict[str, Any]]:
    """The CLI's ReconcilePolicyPackConfig: schema defaults, initial config, the file, then JSON-schema validation."""
    result: dict[str, dict[str, Any]] = {}
    for info in infos:
        defaults = {k: v["default"] for k, v in ((info.schema or {}).get("properties") or {}).items() if "default" in v}
        result[info.name] = {"enforcementLevel": info.level, "properties": defaults}
    if pack.initial_config:
        _apply(result, {name: _initial_entry(value) for name, value in pack.initial_config.items()})
    _apply(result, config)
    for info in infos:
        if info.schema is None:
            continue
        schema: dict[str, Any] = {"type": "object", "properties": info.schema["properties"]}
        if info.schema["required"]:
            schema["required"] = info.schema["required"]
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(result[info.name]["properties"]), key=lambda e: list(e.path))
        if errors:
            where = ".".join(str(p) for p in errors[0].path)
            raise PackConfigError(f"{source}: {info.name}: {where + ': ' if where else ''}{errors[0].message}")
    return result


def check_names(config: Mapping[str, Any], infos_by_pack: Sequence[Sequence[PolicyInfo]], source: str) -> None:
    """Refuse a config entry that no pack knows (the CLI ignores it silently; a typo would disable nothing)."""
    known = {info.name: {p for p in info.schema["properties"]} if info.schema else set() for infos in infos_by_pack for info in infos}
    for name, entry in config.items():
        if name == "all":
            continue
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise PackConfigError(f"{source}: {name}: no pack has this policy" + (f"; did you mean {close[0]}?" if close else ""))
        for prop in entry.get("properties") or {}:
            if prop not in known[name]:
                allowed = ", ".join(sorted(known[name])) or "none"
                raise PackConfigError(f"{source}: {name}: unknown config property {prop!r} (allowed: {allowed})")


def engine_value(value: Any) -> Any:
    """A Python input value as the engine marshals it: unknowns as the sentinel, numbers as doubles, secrets kept."""
    if isinstance(value, Unknown):
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Mapping):
        return {str(k): engine_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [engine_value(v) for v in value]
    if isinstance(value, (pulumi.Asset, pulumi.Archive)):
        return serialize_properties({"value": value})["value"]
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return str(value)


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """A protobuf Struct of engine values."""
    struct = struct_pb2.Struct()
    struct.update(engine_value(values))
    return struct


def _options(resource: RecordedResource) -> Any:
    return proto.AnalyzerResourceOptions(protect=resource.protect, ignoreChanges=resource.ignore_changes, parent=resource.parent)


def analyze_request(resource: RecordedResource) -> Any:
    """The AnalyzeRequest the engine sends for one resource: its inputs."""
    return proto.AnalyzeRequest(
        type=resource.type, properties=to_struct(resource.inputs), urn=resource.urn, name=resource.name, options=_options(resource)
    )


def outputs_of(resource: RecordedResource) -> dict[str, Any]:
    """A resource's outputs as a stack policy sees them; bridged providers include `id` among them."""
    outputs = dict(resource.state or resource.inputs)
    if "id" not in outputs:
        outputs["id"] = resource.id if resource.id else Unknown()
    return outputs


def stack_request(resources: Sequence[RecordedResource]) -> Any:
    """The AnalyzeStackRequest the engine sends at the end: every resource's outputs, parent and dependencies."""
    request = proto.AnalyzeStackRequest()
    for resource in resources:
        entry = request.resources.add(
            type=resource.type,
            properties=to_struct(outputs_of(resource)),
            urn=resource.urn,
            name=resource.name,
            options=_options(resource),
            parent=resource.parent,
            dependencies=resource.dependencies,
        )
        for key, urns in resource.property_dependencies.items():
            entry.propertyDependencies[key].urns.extend(urns)
    return request


def configure(servicer: Any, config: Mapping[str, Mapping[str, Any]]) -> None:
    """Send the reconciled config, every policy with its level, as the CLI does."""
    request = proto.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        request.policyConfig[name].enforcementLevel = LEVELS[entry["enforcementLevel"] or "advisory"]
        request.policyConfig[name].properties.update(engine_value(entry["properties"]))
    servicer.Configure(request, None)


def _collect(result: PackResult, response: Any) -> None:
    for d in response.diagnostics:
        result.diagnostics.append(
            Diagnostic(d.policyPackName, d.policyName, LEVEL_NAMES[d.enforcementLevel], d.urn, d.message, d.description)
        )
    for entry in response.not_applicable:
        result.not_applicable.append((entry.policy_name, entry.reason))


def policy_meta(policy: Policy, config: Mapping[str, Mapping[str, Any]]) -> PolicyMeta:
    """A policy's description, remediation, configured level and kind."""
    level = (config.get(policy.name) or {}).get("enforcementLevel") or _level_name(policy.enforcement_level) or "advisory"
    severity = getattr(policy, "severity", None)
    return PolicyMeta(
        name=policy.name,
        description=policy.description,
        remediation=" ".join((policy.remediation_steps or "").split()),
        level=str(level),
        kind="stack" if isinstance(policy, StackValidationPolicy) else "resource",
        severity=str(getattr(severity, "value", severity or "")),
    )


class _WatchedProps(Mapping):
    """A resource's properties that note whether a policy read them: a policy that never did has not judged the resource."""

    def __init__(self, props: Mapping[str, Any]) -> None:
        self.props = props
        self.read = False

    def __getitem__(self, key: str) -> Any:
        self.read = True
        return self.props[key]

    def __iter__(self) -> Iterator[str]:
        self.read = True
        return iter(self.props)

    def __len__(self) -> int:
        self.read = True
        return len(self.props)


@contextmanager
def _watching(policies: Sequence[Policy], judged: set[tuple[str, str]]) -> Iterator[None]:
    """Record (policy, URN) for each resource a resource policy reads, so reports can list what each policy judged."""
    watched = [p for p in policies if isinstance(p, ResourceValidationPolicy)]

    def watch(policy: ResourceValidationPolicy) -> Any:
        original = policy.validate

        def validate(args: Any, report: Any) -> Any:
            props = args.props = _WatchedProps(args.props)
            try:
                return original(args, report)
            finally:
                if props.read:
                    judged.add((policy.name, args.urn))

        return validate

    for policy in watched:
        policy.validate = watch(policy)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for policy in watched:
            del policy.validate  # back to the class's own method


def run_pack(pack: LoadedPack, config: Mapping[str, Mapping[str, Any]], requests: Sequence[Any], stack: Any) -> PackResult:
    """Configure one pack, analyze every resource (AnalyzeRequests), then the stack (an AnalyzeStackRequest)."""
    servicer = pack.servicer()
    configure(servicer, config)
    result = PackResult(
        pack.name,
        config={k: dict(v) for k, v in config.items()},
        version=pack.version,
        policies=[policy_meta(policy, config) for policy in pack.policies],
    )
    with _watching(pack.policies, result.judged):
        for request in requests:
            response = servicer.Analyze(request, None)
            for diagnostic in response.diagnostics:
                if not diagnostic.urn:
                    # The engine files a resource policy's violation under the analyzed resource.
                    diagnostic.urn = request.urn
            _collect(result, response)
    _collect(result, servicer.AnalyzeStack(stack, None))
    # The same order on every run (a stack policy may walk a set): reports, SARIF and pull-request comments stay diffable.
    result.diagnostics.sort(key=lambda d: (d.policy, d.urn, d.message))
    return result


def policy_resources(stack: Any) -> list[PolicyResource]:
    """The resources of an AnalyzeStackRequest as a stack policy receives them, built by the servicer's own code."""
    captured: list[PolicyResource] = []
    spy = StackValidationPolicy("capture", "Captures the stack's resources.", validate=lambda args, report: captured.extend(args.resources))
    _PolicyAnalyzerServicer("capture", "0.0.0", [spy], EnforcementLevel.ADVISORY).AnalyzeStack(stack, None)
    return captured
