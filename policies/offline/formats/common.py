"""What several formats say the same way: resource names, where a resource was declared, the policies, the verdict."""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..analyze import Diagnostic, PolicyMeta
from ..check import CheckResult
from ..cost_diff import CostDiff
from ..mocks import RecordedResource

STACK_NAME = "(stack)"
"""How a stack-wide finding (no URN) names its subject."""
FALLBACK_FILE = "__main__.py"
"""Where a finding points when no line of the project declared its resource: the program itself."""


@dataclass(frozen=True)
class Rule:
    """A policy with its pack, as SARIF, JUnit and HTML list them."""

    pack: str
    meta: PolicyMeta

    @property
    def id(self) -> str:
        return self.meta.name


def rules(result: CheckResult) -> list[Rule]:
    """Every policy of every pack, in pack order."""
    return [Rule(pack.pack, meta) for pack in result.packs for meta in pack.policies]


def by_urn(result: CheckResult) -> dict[str, RecordedResource]:
    return {r.urn: r for r in result.resources}


def resource_label(result: CheckResult, urn: str, index: Optional[dict[str, RecordedResource]] = None) -> str:
    """`name (type)` of a resource, `(stack)` for a stack-wide finding, the URN for one the check did not record."""
    if not urn:
        return STACK_NAME
    resource = (index or by_urn(result)).get(urn)
    return f"{resource.name} ({resource.type})" if resource else urn


def one_line(text: str) -> str:
    return " ".join(text.split())


def verdict(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    """FAIL on a mandatory violation or a cost increase over the limit (what makes the check exit non-zero)."""
    return "FAIL" if result.mandatory or (diff is not None and diff.over_limit()) else "PASS"


def summary(result: CheckResult) -> str:
    """`2 mandatory, 1 advisory violation(s) in 100 resources`."""
    mandatory = len(result.mandatory)
    return f"{mandatory} mandatory, {len(result.violations) - mandatory} advisory violation(s) in {len(result.resources)} resources"


def source_of(result: CheckResult, urn: str, index: Optional[dict[str, RecordedResource]] = None) -> tuple[str, int]:
    """The project file (relative, with /) and line that declared a resource.

    A resource created outside the project (inside an installed package) points at the nearest ancestor
    component the project declared; with none, or for a stack-wide finding, at line 1 of __main__.py.
    """
    index = index or by_urn(result)
    root = Path(result.project_dir).resolve()
    resource = index.get(urn)
    while resource is not None:
        if resource.source_file and resource.source_line:
            path = Path(resource.source_file).resolve()
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix(), resource.source_line
        resource = index.get(resource.parent)
    return FALLBACK_FILE, 1


def grouped(violations: list[Diagnostic]) -> dict[tuple[str, str, str], list[Diagnostic]]:
    """Violations by (level, pack, policy): mandatory first, then by pack and policy."""
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for d in sorted(violations, key=lambda d: (d.level != "mandatory", d.pack, d.policy)):
        groups.setdefault((d.level, d.pack, d.policy), []).append(d)
    return groups


def money(value: float) -> str:
    return f"{value:,.2f}"


def signed(value: float) -> str:
    """A change in USD with its sign: +12.34, -5.00, 0.00."""
    return f"{value:+,.2f}" if round(value, 2) else "0.00"
