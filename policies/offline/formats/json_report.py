"""The JSON report for tools: one document with the resources, violations, cost (explained) and the cost change."""

import json
from dataclasses import asdict
from typing import Any, Mapping, Optional

from pulumi.output import Unknown
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from ..check import CheckResult
from ..cost_diff import CostDiff

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


def _cost(result: CheckResult) -> dict[str, Any]:
    cost = result.cost
    prices = cost.prices
    return {
        "monthly_usd": cost.monthly_usd,
        "budget_usd": cost.budget_usd,
        "budget_source": cost.budget_source,
        "items": [{"urn": i.urn, "type": i.type, "name": i.name, "monthly_usd": i.monthly_usd, "detail": i.detail} for i in cost.items],
        "missing": list(cost.missing),
        "not_estimated": list(cost.not_estimated),
        "prices": {
            "date": prices.get("date"),
            "source": prices.get("source"),
            "region": prices.get("region"),
            "currency": prices.get("currency", "USD"),
            "hours_per_month": prices.get("hoursPerMonth"),
        },
        "error": cost.error,
    }


def _diff(diff: CostDiff) -> dict[str, Any]:
    return {
        "base_file": diff.base_file,
        "base_stack": diff.base_stack,
        "base_monthly_usd": diff.base_total,
        "monthly_usd": diff.head_total,
        "delta_usd": diff.delta_usd,
        "delta_percent": diff.delta_percent,
        "base_price_date": diff.base_price_date,
        "price_date": diff.head_price_date,
        "changes": [{**asdict(c), "delta_usd": c.delta_usd} for c in diff.changes],
        "max_increase_usd": diff.max_usd,
        "max_increase_percent": diff.max_percent,
        "over_limit": diff.over_limit(),
    }


def to_json(result: CheckResult, diff: Optional[CostDiff] = None) -> dict[str, Any]:
    """The documented JSON shape: stack, resources, violations, cost, and cost_diff with --compare."""
    document: dict[str, Any] = {
        "stack": result.stack,
        "pack_config": str(result.config_file) if result.config_file else None,
        "not_checked": list(result.unchecked),
        "resources": [
            {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "inputs": json_value(r.inputs)} for r in result.resources
        ],
        "violations": [
            {"pack": d.pack, "policy": d.policy, "level": d.level, "urn": d.urn, "message": d.message} for d in result.violations
        ],
        "cost": _cost(result),
    }
    if diff is not None:
        document["cost_diff"] = _diff(diff)
    return document


def render(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    return json.dumps(to_json(result, diff), indent=2)
