"""The monthly cost change between a previous JSON report (the base, e.g. the target branch) and this check.

Resources are matched by URN without its stack part (`urn:pulumi:STACK::project::type::name`), so a pull
request compares resource by resource, and so do two stacks of one program (dev against prod). A resource
whose URN changed (renamed, moved under another parent, or of another type) is one removed and one added,
as `pulumi preview` shows a replacement, unless the program gives it an alias.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .check import CheckResult

CENT = 0.005
"""Changes smaller than half a cent are rounding, not changes."""


class CompareError(Exception):
    """A base report that cannot be compared (unreadable, not JSON, not a report of this check)."""


@dataclass(frozen=True)
class CostChange:
    """One resource whose monthly estimate differs between the base and this check."""

    key: str
    name: str
    type: str
    status: str
    """added (not in the base), removed (not in this check) or changed."""
    base_usd: float
    head_usd: float

    @property
    def delta_usd(self) -> float:
        return round(self.head_usd - self.base_usd, 2)


@dataclass
class CostDiff:
    """The change of every priced resource and of the total."""

    base_file: str
    base_stack: str
    base_total: float
    head_total: float
    changes: list[CostChange] = field(default_factory=list)
    base_price_date: str = ""
    head_price_date: str = ""
    max_usd: Optional[float] = None
    """--max-increase: the largest monthly increase in USD that passes."""
    max_percent: Optional[float] = None
    """--max-increase-percent: the largest monthly increase relative to the base total that passes."""

    @property
    def delta_usd(self) -> float:
        return round(self.head_total - self.base_total, 2)

    @property
    def delta_percent(self) -> Optional[float]:
        """The change relative to the base total; None when the base cost nothing."""
        return round(100 * self.delta_usd / self.base_total, 1) if self.base_total else None

    @property
    def limited(self) -> bool:
        return self.max_usd is not None or self.max_percent is not None

    def over_limit(self) -> str:
        """Why the increase passes a limit, or "" when it does not (or no limit is set)."""
        reasons = []
        if self.max_usd is not None and self.delta_usd > self.max_usd:
            reasons.append(f"the monthly cost rises by {self.delta_usd:.2f} USD, more than --max-increase {self.max_usd:g} USD")
        if self.max_percent is not None and self.delta_usd > 0:
            percent = self.delta_percent
            if percent is None or percent > self.max_percent:
                shown = "from zero" if percent is None else f"by {percent:g} %"
                reasons.append(f"the monthly cost rises {shown}, more than --max-increase-percent {self.max_percent:g} %")
        return "; ".join(reasons)


def resource_key(urn: str) -> str:
    """A URN without its stack: `urn:pulumi:dev::shop::aws:ec2/vpc:Vpc::net` -> `shop::aws:ec2/vpc:Vpc::net`."""
    head, sep, rest = urn.partition("::")
    return rest if sep and head.startswith("urn:pulumi:") else urn


def read_base(path: Path) -> dict[str, Any]:
    """A previous `--format json` report; CompareError names the file and what is wrong with it."""
    try:
        document = json.loads(Path(path).read_text())
    except OSError as error:
        raise CompareError(f"--compare {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CompareError(f"--compare {path}: not a JSON report of awsinaction-check ({error})") from None
    cost = document.get("cost") if isinstance(document, dict) else None
    if not isinstance(cost, dict) or not isinstance(cost.get("items"), list) or not isinstance(document.get("resources"), list):
        raise CompareError(f"--compare {path}: not a JSON report of awsinaction-check (write one with --format json)")
    if cost.get("monthly_usd") is None:
        raise CompareError(f"--compare {path}: the base has no estimate ({cost.get('error') or 'run it without --preview'})")
    return document


def _name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def compare(base: dict[str, Any], result: CheckResult, base_file: str = "") -> CostDiff:
    """Each priced resource's change, most significant first, and the totals."""
    base_items = {resource_key(i["urn"]): i for i in base["cost"]["items"]}
    base_resources = {resource_key(r["urn"]) for r in base["resources"]}
    head_items = {resource_key(i.urn): i for i in result.cost.items}
    head_resources = {resource_key(r.urn) for r in result.resources}
    changes = []
    for key in dict.fromkeys([*head_items, *base_items]):
        before, after = base_items.get(key), head_items.get(key)
        base_usd = float(before["monthly_usd"]) if before else 0.0
        head_usd = after.monthly_usd if after else 0.0
        if abs(head_usd - base_usd) < CENT:
            continue
        status = "added" if key not in base_resources else "removed" if key not in head_resources else "changed"
        name = after.name if after else before.get("name") or _name_of(before["urn"])  # type: ignore[union-attr]
        token = after.type if after else before["type"]  # type: ignore[index]
        changes.append(CostChange(key, name, token, status, round(base_usd, 2), round(head_usd, 2)))
    changes.sort(key=lambda c: (-abs(c.delta_usd), c.name))
    return CostDiff(
        base_file=base_file,
        base_stack=str(base.get("stack", "")),
        base_total=round(float(base["cost"]["monthly_usd"]), 2),
        head_total=round(result.cost.monthly_usd or 0.0, 2),
        changes=changes,
        base_price_date=str((base["cost"].get("prices") or {}).get("date", "")),
        head_price_date=str(result.cost.prices.get("date", "")),
    )
