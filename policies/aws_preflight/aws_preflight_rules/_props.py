"""Read resource properties the way the policy engine passes them, and follow references across a stack.

The engine hands policies camelCase Mappings and Sequences wrapped by pulumi_policy's unknown-checking
proxy (not dict/list), numbers as floats and policy documents as JSON strings. Reading a value that is
unknown during a preview raises UnknownValueError, which the SDK turns into an advisory "can't run
policy during preview"; `known` is for the few places (references) that can fall back on something else.
A stack policy judges each resource on its own (`Verdicts`): an unknown hides that resource's value, never
the rest of the stack, and what could not be judged ends as one advisory diagnostic.

This file is copied byte for byte into every pack (least_privilege_rules/, cost_rules/, aws_preflight_rules/): the CLI runs
each pack with only the pack folder on sys.path, so the packs cannot import shared code. A test fails when
the copies differ.
"""

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Iterable, Optional

from pulumi_policy.proxy import UnknownValueError


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""Returned by `known` for a value the engine does not know yet (preview)."""


def get(value: Any, *path: Any, default: Any = None) -> Any:
    """Follow keys and list indexes into `value`; `default` when a step is absent or None.

    Never uses `key in mapping`: on the proxy that reads the value and raises for unknowns.
    """
    for key in path:
        if isinstance(value, Mapping):
            try:
                value = value[key]
            except KeyError:
                return default
        elif isinstance(key, int) and is_list(value):
            if not -len(value) <= key < len(value):
                return default
            value = value[key]
        else:
            return default
        if value is None:
            return default
    return value


def known(value: Any, *path: Any, default: Any = None) -> Any:
    """Like `get`, but returns UNKNOWN instead of raising when the value is unknown during a preview."""
    try:
        return get(value, *path, default=default)
    except UnknownValueError:
        return UNKNOWN


def present(value: Any, *path: Any) -> bool:
    """Whether a property is set: a known non-empty value, or one unknown until deployment (an output of another resource)."""
    found = known(value, *path)
    if found is UNKNOWN:
        return True
    if found is None or found is False or found == "":
        return False
    return len(found) > 0 if is_list(found) or isinstance(found, Mapping) else True


def is_list(value: Any) -> bool:
    """A JSON array as the engine passes it (a Sequence proxy or a list), not a string."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def items(value: Any) -> list[Any]:
    """The elements of an array property ([] when absent)."""
    return [value[i] for i in range(len(value))] if is_list(value) else []


def is_true(value: Any) -> bool:
    """True for a boolean true and for the string "true" (some provider fields are strings)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def number(value: Any, default: float = 0.0) -> float:
    """A numeric property as float; numbers arrive as floats, some fields are numeric strings."""
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return default


def plain(value: Any) -> Any:
    """A deep copy as dict/list/scalars (reading every value, so unknowns raise)."""
    if isinstance(value, Mapping):
        return {key: plain(value[key]) for key in value}
    if is_list(value):
        return [plain(item) for item in items(value)]
    return value


def tags(props: Mapping[str, Any]) -> dict[str, str]:
    """The resource's known tags (a tag whose value is unknown is left out)."""
    found: dict[str, str] = {}
    raw = known(props, "tags", default={})
    if isinstance(raw, Mapping):
        for key in raw:
            value = known(raw, key)
            if isinstance(value, str):
                found[key] = value
    return found


def json_document(value: Any) -> Any:
    """A policy document given as a JSON string (or already as an object); ValueError when malformed."""
    if isinstance(value, str):
        return json.loads(value)
    if isinstance(value, Mapping):
        return plain(value)
    raise ValueError(f"expected a JSON document, got {type(value).__name__}")


def policy_config(args: Any, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """A policy's config: the CLI fills in the schema defaults, other callers may not, so they apply here too."""
    merged = dict(defaults)
    merged.update(args.get_config() or {})
    return merged


def describe(resource: Any) -> str:
    """How a message names a resource: its logical name and type."""
    return f"{resource.name} ({resource.resource_type})"


class CannotJudgeError(UnknownValueError):
    """What a stack policy could not judge (values unknown in a preview, or known only to a lookup).

    The SDK reports an UnknownValueError as an advisory diagnostic, whatever the policy's level, after the
    violations the policy already reported; this subclass carries our own explanation.
    """

    def __init__(self, reasons: Sequence[str]) -> None:
        Exception.__init__(self)
        self.unknown_type_sentinel = ""
        self.props: list[str] = []
        shown = list(reasons[:8]) + ([f"and {len(reasons) - 8} more"] if len(reasons) > 8 else [])
        self.message = "cannot judge " + "; ".join(shown)


class Verdicts:
    """Judge each resource of a stack policy separately, so an unknown value hides only that resource's verdict."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def judge(self, resource: Any, check: Any, *args: Any) -> None:
        """Run `check(resource, *args)`; a value unknown during a preview is noted instead of ending the policy."""
        try:
            check(resource, *args)
        except UnknownValueError as error:
            self.reasons.append(f"{resource.name}: {error.message}")

    def each(self, resources: Iterable[Any], check: Any, *args: Any) -> None:
        """Judge every resource with `check`, each on its own."""
        for resource in resources:
            self.judge(resource, check, *args)

    def cannot_judge(self, resource: Any, why: str) -> None:
        """Note a resource whose verdict depends on something the program cannot know (a lookup's result)."""
        self.reasons.append(f"{resource.name}: {why}")

    def finish(self) -> None:
        """After every verdict: raise what could not be judged, for the SDK to report as advisory."""
        if self.reasons:
            raise CannotJudgeError(self.reasons)


class StackIndex:
    """The stack's resources by type, and references between them.

    A reference is a property holding another resource's `id` or `arn` (known in `pulumi up` and in the
    offline check). During a preview those IDs are unknown, so the property's dependencies (the URNs the
    engine records per property) stand in for them.
    """

    def __init__(self, resources: Iterable[Any]) -> None:
        self.resources = list(resources)
        self._by_type: dict[str, list[Any]] = defaultdict(list)
        self._by_ref: dict[str, list[Any]] = defaultdict(list)
        self._reverse: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
        for resource in self.resources:
            self._by_type[resource.resource_type].append(resource)
            for key in ("id", "arn"):
                value = known(resource.props, key)
                if isinstance(value, str) and value:
                    self._by_ref[value].append(resource)

    def of_type(self, *types: str) -> list[Any]:
        """Every resource of the given type tokens, in stack order."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], []))
        return [r for r in self.resources if r.resource_type in types]

    def refs(self, resource: Any, *path: Any, types: Optional[Sequence[str]] = None) -> list[Any]:
        """The resources that `resource.props[path]` points at (a string or a list of strings)."""
        value = known(resource.props, *path)
        found: list[Any] = []
        values = [value] if isinstance(value, str) else [known(value, i) for i in range(len(value))] if is_list(value) else []
        for ref in values:
            if isinstance(ref, str):
                found.extend(r for r in self._by_ref.get(ref, []) if types is None or r.resource_type in types)
        if not found and path:
            dependencies = getattr(resource, "property_dependencies", None) or {}
            found = [r for r in dependencies.get(path[0], []) if types is None or r.resource_type in types]
        unique: dict[str, Any] = {}
        for ref in found:
            unique.setdefault(ref.urn, ref)
        return list(unique.values())

    def dangling(self, resource: Any, *path: Any) -> list[str]:
        """The known strings of `resource.props[path]` that name no resource of the stack (a lookup's IDs, literals)."""
        value = known(resource.props, *path)
        values = [value] if isinstance(value, str) else [known(value, i) for i in range(len(value))] if is_list(value) else []
        return [ref for ref in values if isinstance(ref, str) and ref and ref not in self._by_ref]

    def referrers(self, target: Any, types: Sequence[str], *path: Any) -> list[Any]:
        """The resources of `types` whose `path` property points at `target` (one pass over the stack per question)."""
        key = (tuple(types), path)
        if key not in self._reverse:
            index: dict[str, list[Any]] = defaultdict(list)
            for resource in self.of_type(*types):
                for ref in self.refs(resource, *path):
                    index[ref.urn].append(resource)
            self._reverse[key] = index
        return list(self._reverse[key].get(target.urn, []))
