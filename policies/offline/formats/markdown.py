"""Markdown for a pull-request comment: the verdict, violations grouped by policy, the cost change and the cost table.

A GitHub comment holds at most 65,536 characters; a long report shows fewer rows per table, says how many
it left out, and points at the full reports.
"""

from typing import Optional

from ..check import CheckResult
from ..cost_diff import CostDiff
from .common import by_urn, grouped, money, one_line, signed, source_of, summary, verdict

COMMENT_LIMIT = 65_536
"""GitHub's limit for an issue or pull-request comment body, in characters."""
ROW_LIMITS = (None, 50, 20, 10, 5, 2, 1)
"""Rows per table tried in turn until the comment fits."""
MARKER = "<!-- awsinaction-check: {stack} -->"
"""First line of the comment, so a workflow can find and update its own comment."""


def cell(text: str) -> str:
    """Table-cell safe: one line, pipes escaped, angle brackets shown rather than read as HTML."""
    return one_line(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _more(left_out: int) -> list[str]:
    return [f"\n_... and {left_out} more, not shown here: see the SARIF, JSON or HTML report._"] if left_out > 0 else []


def _violations(result: CheckResult, rows: Optional[int]) -> list[str]:
    if not result.violations:
        return ["No violations."]
    index = by_urn(result)
    remediation = {(pack.pack, meta.name): meta.remediation for pack in result.packs for meta in pack.policies}
    lines: list[str] = []
    for (level, pack, policy), found in grouped(result.violations).items():
        fix = remediation.get((pack, policy))
        lines += ["", f"**[{level}] `{policy}`** ({pack}): {cell(found[0].description)}" + (f"<br>Fix: {cell(fix)}" if fix else "")]
        lines += ["", "| Resource | Declared at | Finding |", "|---|---|---|"]
        for d in found[:rows]:
            resource = index.get(d.urn)
            name = f"`{resource.name}` ({resource.type})" if resource else "(stack)"
            path, line = source_of(result, d.urn, index)
            lines.append(f"| {cell(name)} | `{path}:{line}` | {cell(d.detail)} |")
        lines += _more(len(found) - len(found[:rows]))
    return lines


def _diff(diff: CostDiff, rows: Optional[int]) -> list[str]:
    percent = "" if diff.delta_percent is None else f" ({diff.delta_percent:+g} %)"
    lines = [
        "",
        f"#### Cost change: {signed(diff.delta_usd)} USD a month{percent}",
        "",
        f"Against `{diff.base_file or 'the base report'}` (stack `{diff.base_stack}`): {money(diff.base_total)} -> "
        f"{money(diff.head_total)} USD a month.",
    ]
    if diff.over_limit():
        lines += ["", f"**Over the limit:** {cell(diff.over_limit())}"]
    if diff.base_price_date != diff.head_price_date:
        lines += [
            "",
            f"Prices changed too ({diff.base_price_date or 'unknown'} -> {diff.head_price_date}); part of the change may be theirs.",
        ]
    if diff.changes:
        lines += ["", "| Change (USD/month) | Resource | Type | Status | Before -> after |", "|---:|---|---|---|---|"]
        for c in diff.changes[:rows]:
            lines.append(
                f"| {signed(c.delta_usd)} | `{cell(c.name)}` | {cell(c.type)} | {c.status} | {money(c.base_usd)} -> {money(c.head_usd)} |"
            )
        lines += _more(len(diff.changes) - len(diff.changes[:rows]))
    return lines


def _cost(result: CheckResult, rows: Optional[int]) -> list[str]:
    cost = result.cost
    if cost.monthly_usd is None:
        return ["", f"Cost: not estimated ({cell(cost.error)})."]
    budget = f"budget {money(cost.budget_usd)} USD ({cell(cost.budget_source)})" if cost.budget_usd is not None else "no budget"
    prices = cost.prices
    lines = [
        "",
        f"<details><summary>Monthly cost: {money(cost.monthly_usd)} USD, {budget}</summary>",
        "",
        "| USD/month | Resource | Type | How |",
        "|---:|---|---|---|",
    ]
    for item in cost.items[:rows]:
        lines.append(f"| {money(item.monthly_usd)} | `{cell(item.name)}` | {cell(item.type)} | {cell(item.detail)} |")
    lines += _more(len(cost.items) - len(cost.items[:rows]))
    lines += ["", f"{prices.get('region')} list prices of {prices.get('date')}, {prices.get('hoursPerMonth')} hours a month."]
    if cost.missing:
        lines.append(f"No price for: {cell(', '.join(cost.missing))}.")
    if cost.not_estimated:
        lines.append(f"Not estimated (usage-priced, no model): {cell(', '.join(cost.not_estimated))}.")
    return [*lines, "", "</details>"]


def _document(result: CheckResult, diff: Optional[CostDiff], rows: Optional[int]) -> str:
    icon = ":x:" if result.mandatory else ":white_check_mark:"
    cost = f" · {money(result.cost.monthly_usd)} USD a month" if result.cost.monthly_usd is not None else ""
    change = f" ({signed(diff.delta_usd)})" if diff is not None else ""
    lines = [
        MARKER.format(stack=result.stack),
        f"### {icon} Policy check of stack `{result.stack}`: {verdict(result, diff)}",
        "",
        f"{summary(result)}{cost}{change}",
        "",
        "#### Violations",
        *_violations(result, rows),
    ]
    if diff is not None:
        lines += _diff(diff, rows)
    lines += _cost(result, rows)
    return "\n".join(lines) + "\n"


def render(result: CheckResult, diff: Optional[CostDiff] = None, limit: int = COMMENT_LIMIT) -> str:
    """The comment, with fewer rows per table until it fits in `limit` characters."""
    for rows in ROW_LIMITS:
        document = _document(result, diff, rows)
        if len(document) <= limit:
            return document
    note = "\n\n_Cut here: the report is longer than a comment allows; see the full reports._\n"
    return document[: limit - len(note)] + note
