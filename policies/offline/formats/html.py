"""The HTML report: one self-contained file (no scripts, no network) to open and look at.

The component tree folds with <details>, violations come with their fix, and inline SVG bars show where
the money goes by component and by type. Rendered by a Jinja2 template with autoescaping.
"""

from dataclasses import dataclass, field
from typing import Optional

from jinja2 import Environment, PackageLoader, select_autoescape

from ..check import CheckResult
from ..cost_diff import CostDiff
from ..mocks import RecordedResource
from .common import by_urn, grouped, money, one_line, signed, source_of, summary, verdict

BARS = 12
"""Bars per chart; the rest are summed into one "other" bar."""


@dataclass
class Node:
    """A resource in the component tree, with the cost and violations of everything under it."""

    resource: RecordedResource
    cost: float = 0.0
    violations: int = 0
    children: list["Node"] = field(default_factory=list)

    @property
    def total_cost(self) -> float:
        return self.cost + sum(child.total_cost for child in self.children)

    @property
    def total_violations(self) -> int:
        return self.violations + sum(child.total_violations for child in self.children)


@dataclass(frozen=True)
class Bar:
    label: str
    usd: float
    percent: float
    """Width relative to the largest bar, 0 to 100."""


def tree(result: CheckResult) -> list[Node]:
    """Top-level resources (children of the stack) with their descendants, costliest first."""
    costs = {item.urn: item.monthly_usd for item in result.cost.items}
    nodes = {r.urn: Node(r, costs.get(r.urn, 0.0)) for r in result.resources}
    for d in result.violations:
        if d.urn in nodes:
            nodes[d.urn].violations += 1
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.resource.parent)
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (-n.total_cost, n.resource.name))
    return sorted(roots, key=lambda n: (-n.total_cost, n.resource.name))


def bars(amounts: dict[str, float]) -> list[Bar]:
    """The largest amounts as bars, the rest as one "other" bar."""
    ranked = sorted(((label, usd) for label, usd in amounts.items() if usd > 0), key=lambda kv: -kv[1])
    if len(ranked) > BARS:
        ranked = [*ranked[: BARS - 1], (f"{len(ranked) - BARS + 1} others", sum(usd for _, usd in ranked[BARS - 1 :]))]
    top = max((usd for _, usd in ranked), default=0.0) or 1.0
    return [Bar(label, usd, round(100 * usd / top, 1)) for label, usd in ranked]


def by_component(roots: list[Node]) -> dict[str, float]:
    return {f"{n.resource.name} ({n.resource.type.rsplit(':', 1)[-1]})": n.total_cost for n in roots}


def by_type(result: CheckResult) -> dict[str, float]:
    amounts: dict[str, float] = {}
    for item in result.cost.items:
        amounts[item.type] = amounts.get(item.type, 0.0) + item.monthly_usd
    return amounts


def _violation_groups(result: CheckResult) -> list[dict]:
    index = by_urn(result)
    remediation = {(pack.pack, meta.name): meta.remediation for pack in result.packs for meta in pack.policies}
    groups = []
    for (level, pack, policy), found in grouped(result.violations).items():
        rows = []
        for d in found:
            resource = index.get(d.urn)
            path, line = source_of(result, d.urn, index)
            rows.append({"resource": resource, "where": f"{path}:{line}", "detail": one_line(d.detail)})
        groups.append(
            {
                "level": level,
                "pack": pack,
                "policy": policy,
                "description": found[0].description,
                "fix": remediation.get((pack, policy)),
                "rows": rows,
            }
        )
    return groups


_ENVIRONMENT = Environment(loader=PackageLoader(__package__, "templates"), autoescape=select_autoescape(default=True))
_ENVIRONMENT.filters.update(money=money, signed=signed)


def render(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    roots = tree(result)
    template = _ENVIRONMENT.get_template("report.html.j2")
    return template.render(
        result=result,
        diff=diff,
        verdict=verdict(result, diff),
        summary=summary(result),
        roots=roots,
        groups=_violation_groups(result),
        charts=[("Monthly cost by component", bars(by_component(roots))), ("Monthly cost by resource type", bars(by_type(result)))],
        not_applicable=[(pack.pack, policy, reason) for pack in result.packs for policy, reason in pack.not_applicable],
    )
