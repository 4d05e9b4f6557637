"""The text report for people: resources by type, violations grouped by policy, the cost, the change, the verdict."""

from collections import Counter
from typing import Optional

from ..check import CheckResult
from ..cost_diff import CostDiff
from .common import grouped, one_line, resource_label, signed, verdict


def render(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    """Resources by type, violations grouped by policy, the cost breakdown against the budget, and the verdict."""
    lines = [
        f"Stack {result.stack}: {len(result.resources)} resources ({'preview' if result.preview else 'update'} mode, "
        f"{result.pack_config_note})",
        *(f"Not checked: {item}" for item in result.unchecked),
        "",
        "Resources by type",
    ]
    for token, count in sorted(Counter(r.type for r in result.resources).items()):
        lines.append(f"  {count:4d}  {token}")
    violations = result.violations
    lines += ["", f"Violations: {len(result.mandatory)} mandatory, {len(violations) - len(result.mandatory)} advisory"]
    for (level, pack, policy), found in grouped(violations).items():
        lines.append(f"  [{level}] {pack}/{policy}: {found[0].description}")
        for d in found:
            lines.append(f"    - {resource_label(result, d.urn)}: {one_line(d.detail)}")
    for pack in result.packs:
        for policy, reason in pack.not_applicable:
            lines.append(f"  [not applicable] {pack.pack}/{policy}: {reason}")
    lines += ["", *render_cost(result)]
    if diff is not None:
        lines += ["", *render_diff(diff)]
    over_limit = "; the monthly cost rises more than allowed" if diff is not None and diff.over_limit() else ""
    lines += ["", f"{verdict(result, diff)}: {len(result.mandatory)} mandatory violation(s){over_limit} ({result.seconds:.2f} s)"]
    return "\n".join(lines)


def render_cost(result: CheckResult) -> list[str]:
    cost = result.cost
    if cost.monthly_usd is None:
        return [f"Cost: not estimated: {cost.error}"]
    prices = cost.prices
    lines = [f"Cost per month ({prices.get('region')} list prices of {prices.get('date')}, {prices.get('hoursPerMonth')} h/month)"]
    for item in cost.items:
        lines.append(f"  {item.monthly_usd:9.2f}  {item.name} [{item.type.rsplit(':', 1)[-1]}]  {item.detail}")
    budget = f"{cost.budget_usd:.2f} USD ({cost.budget_source})" if cost.budget_usd is not None else "none (report only)"
    lines.append(f"  {cost.monthly_usd:9.2f}  TOTAL; budget {budget}")
    lines += [f"  no price: {m}" for m in cost.missing]
    if cost.not_estimated:
        lines.append(f"  not estimated (usage-priced, no model): {', '.join(cost.not_estimated)}")
    return lines


def render_diff(diff: CostDiff) -> list[str]:
    """Each resource's monthly change against the base report, and the total's."""
    percent = "" if diff.delta_percent is None else f" ({diff.delta_percent:+g} %)"
    lines = [f"Cost change against {diff.base_file or 'the base'} (stack {diff.base_stack}): {len(diff.changes)} resource(s)"]
    for change in diff.changes:
        lines.append(
            f"  {signed(change.delta_usd):>10}  {change.name} [{change.type.rsplit(':', 1)[-1]}]  {change.status}: "
            f"{change.base_usd:.2f} -> {change.head_usd:.2f}"
        )
    lines.append(f"  {signed(diff.delta_usd):>10}  TOTAL: {diff.base_total:.2f} -> {diff.head_total:.2f} USD a month{percent}")
    if diff.base_price_date != diff.head_price_date:
        lines.append(
            f"  prices changed too: {diff.base_price_date or 'unknown'} -> {diff.head_price_date} (part of the change may be theirs)"
        )
    if diff.over_limit():
        lines.append(f"  OVER THE LIMIT: {diff.over_limit()}")
    return lines
