"""The check's report: readable text for people, one JSON document for tools."""

import json
from collections import Counter, defaultdict
from typing import Any, Mapping

from pulumi.output import Unknown
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from .check import CheckResult

UNKNOWN_TEXT = "<unknown>"
"""How an input unknown during a preview appears in the JSON report."""
SECRET_TEXT = "[secret]"
"""How a secret input appears in the JSON report (its value is never printed)."""


def json_value(value: Any) -> Any:
    """An input value for the JSON report: unknowns and secrets masked, assets named, numbers kept as floats."""
    if isinstance(value, Unknown):
        return UNKNOWN_TEXT
    if isinstance(value, Mapping):
        if value.get(_special_sig_key) == _special_secret_sig:
            return SECRET_TEXT
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return f"<{type(value).__name__}>"


def to_json(result: CheckResult) -> dict[str, Any]:
    """The documented JSON shape: stack, resources, violations, cost."""
    return {
        "stack": result.stack,
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "inputs": json_value(r.inputs)} for r in result.resources
        ],
        "violations": [
            {"pack": d.pack, "policy": d.policy, "level": d.level, "urn": d.urn, "message": d.message} for d in result.violations
        ],
        "cost": {
            "monthly_usd": result.cost.monthly_usd,
            "budget_usd": result.cost.budget_usd,
            "items": [{"urn": i.urn, "type": i.type, "monthly_usd": i.monthly_usd} for i in result.cost.items],
        },
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(to_json(result), indent=2)


def _name(result: CheckResult, urn: str) -> str:
    if not urn:
        return "(stack)"
    resource = next((r for r in result.resources if r.urn == urn), None)
    return f"{resource.name} ({resource.type})" if resource else urn


def render_text(result: CheckResult) -> str:
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
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for d in violations:
        grouped[(d.level, d.pack, d.policy)].append(d)
    for (level, pack, policy), found in sorted(grouped.items(), key=lambda kv: (kv[0][0] != "mandatory", kv[0][1], kv[0][2])):
        lines.append(f"  [{level}] {pack}/{policy}: {found[0].description}")
        for d in found:
            lines.append(f"    - {_name(result, d.urn)}: {' '.join(d.detail.split())}")
    for pack in result.packs:
        for policy, reason in pack.not_applicable:
            lines.append(f"  [not applicable] {pack.pack}/{policy}: {reason}")
    lines += ["", *render_cost(result)]
    verdict = "FAIL" if result.mandatory else "PASS"
    lines += ["", f"{verdict}: {len(result.mandatory)} mandatory violation(s) ({result.seconds:.2f} s)"]
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
