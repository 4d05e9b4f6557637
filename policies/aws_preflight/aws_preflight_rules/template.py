"""Build CloudFormation templates from a stack's resources, remembering where every value came from.

Each mapped property is read on its own: a value unknown during a preview (or absent) is left out and
never hides the rest of the resource. Nothing is invented: no placeholder for a required property, no
ID, so cfn-lint can only judge values the program wrote. One template per region, because cfn-lint's
regional checks (instance types, instance classes) need to know where the resources go. Resources whose
values are identical share one CloudFormation resource: cfn-lint judges values, so it judges them once
(some types cost it tens of milliseconds each).
"""

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Iterator, Union

from pulumi_policy.proxy import UnknownValueError

from ._props import UNKNOWN, is_list, known
from .mapping import TypeMapping, mapping_for
from .region import stack_region, stated_region

Step = Union[str, int, None]
"""A path step: a key, a fixed list index, or None for every element of a list."""
Path = tuple[Union[str, int], ...]
"""A concrete path: keys and list indexes."""


@dataclass(frozen=True)
class Source:
    """A value in a template and where the program wrote it."""

    resource: Any
    """The stack resource (pulumi_policy PolicyResource)."""
    pulumi_path: Path
    """Where the value sits in the resource's properties, in camelCase with list indexes."""
    value: Any
    sensitive: bool = False


@dataclass
class Template:
    """One region's CloudFormation template and the source of each value in it."""

    region: str
    resources: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, list[dict[Path, Source]]] = field(default_factory=dict)
    """Logical ID -> for each stack resource with these values: CloudFormation property path -> source."""

    def body(self) -> dict[str, Any]:
        """The template as cfn-lint reads it."""
        return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": self.resources}

    def sources_of(self, logical_id: str, cfn_path: Path) -> list[tuple[Source, Path]]:
        """The values a cfn-lint finding points at (or inside), one per stack resource, and the rest of the path below."""
        found = []
        for sources in self.sources.get(logical_id, []):
            for length in range(len(cfn_path), 0, -1):
                if cfn_path[:length] in sources:
                    found.append((sources[cfn_path[:length]], cfn_path[length:]))
                    break
        return found


def parse_path(path: str) -> tuple[Step, ...]:
    """`a.b[].c[0]` -> ('a', 'b', None, 'c', 0)."""
    steps: list[Step] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        steps.append(name)
        for index in re.findall(r"(\d*)\]", "[" + rest) if rest else []:
            steps.append(int(index) if index else None)
    return tuple(steps)


def known_values(value: Any, steps: tuple[Step, ...], prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(concrete path, value) of every known, present value at `steps`; unknown parts are skipped one by one."""
    if not steps:
        plain = _plain_known(value)
        if plain is not None:
            yield prefix, plain
        return
    step, rest = steps[0], steps[1:]
    if isinstance(step, str):
        child = known(value, step) if isinstance(value, Mapping) else None
        if child is not None and child is not UNKNOWN:
            yield from known_values(child, rest, (*prefix, step))
        return
    if not is_list(value):
        return
    indexes = range(len(value)) if step is None else [step] if step < len(value) else []
    for index in indexes:
        child = known(value, index)
        if child is not None and child is not UNKNOWN:
            yield from known_values(child, rest, (*prefix, index))


def _plain_known(value: Any) -> Any:
    """A plain copy without a map's unknown entries (None for an unknown value or a list with one); integral floats become ints."""
    if isinstance(value, Mapping):
        result = {}
        for key in value:
            item = _plain_known(known(value, key))
            if item is not None:
                result[key] = item
        return result
    if is_list(value):
        # A list missing an element would be judged on the wrong length: all of it or nothing.
        elements = [_plain_known(known(value, i)) for i in range(len(value))]
        return None if any(item is None for item in elements) else elements
    if value is UNKNOWN:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cfn_path(cfn_steps: tuple[Step, ...], pulumi_path: Path) -> Path:
    """The CloudFormation path of a value: each `[]` takes the next list index of the Pulumi path."""
    indexes = iter(step for step in pulumi_path if isinstance(step, int))
    return tuple(next(indexes, 0) if step is None else step for step in cfn_steps)


def _put(properties: dict[str, Any], path: Path, value: Any) -> None:
    """Set `value` at `path`, creating objects and lists on the way; missing list elements become {}."""
    node: Any = properties
    for step, following in itertools.pairwise(path):
        container: type = list if isinstance(following, int) else dict
        if isinstance(step, int):
            node.extend({} for _ in range(step + 1 - len(node)))
        if not isinstance(node[step] if isinstance(step, int) else node.get(step), container):
            node[step] = container()
        node = node[step]
    if isinstance(path[-1], int):
        node.extend({} for _ in range(path[-1] + 1 - len(node)))
    node[path[-1]] = value


def _values(resource: Any, mapping: TypeMapping) -> Iterator[tuple[Path, Path, Any, bool]]:
    """(Pulumi path, CloudFormation path, value, sensitive) of every known mapped value of a resource."""
    for pulumi_path, cfn_path in mapping.properties.items():
        twin_path = mapping.computed_twins.get(pulumi_path)
        twin = known(resource.props, *parse_path(twin_path)) if twin_path else None
        for concrete, value in known_values(resource.props, parse_path(pulumi_path)):
            if twin is not None and twin is not UNKNOWN and value == _plain_known(twin):
                continue
            yield concrete, _cfn_path(parse_path(cfn_path), concrete), value, pulumi_path in mapping.sensitive


def build_templates(resources: list[Any], default_region: str) -> list[Template]:
    """One template per region holding every mapped, known value of the stack."""
    fallback = stack_region(resources, default_region)
    templates: dict[str, Template] = {}
    seen: dict[tuple[str, str], str] = {}
    for index, resource in enumerate(resources):
        mapping = mapping_for(resource.resource_type)
        if mapping is None or not mapping.cfn_type:
            continue
        try:
            values = list(_values(resource, mapping))
        except UnknownValueError:
            continue  # a proxy raised where `known` could not shield it: skip this resource's values only
        if not values:
            continue
        region = stated_region(resource) or fallback
        template = templates.setdefault(region, Template(region))
        properties: dict[str, Any] = {}
        sources: dict[Path, Source] = {}
        for pulumi_path, cfn_path, value, sensitive in values:
            _put(properties, cfn_path, value)
            sources[cfn_path] = Source(resource, pulumi_path, value, sensitive)
        key = (region, json.dumps([mapping.cfn_type, properties], sort_keys=True, default=str))
        logical_id = seen.setdefault(key, f"R{index}")
        template.resources[logical_id] = {"Type": mapping.cfn_type, "Properties": properties}
        template.sources.setdefault(logical_id, []).append(sources)
    return list(templates.values())
