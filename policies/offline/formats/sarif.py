"""SARIF 2.1.0 for code scanning: one rule per policy, one result per violation at the line that declared the resource.

GitHub code scanning reads `tool.driver.rules` (id, descriptions, help, level) and each result's
`physicalLocation`; `automationDetails.id` keeps each stack's findings in a category of their own.
"""

import hashlib
import json
from pathlib import Path
from typing import Any, Optional

from ..analyze import Diagnostic
from ..check import CheckResult
from ..cost_diff import CostDiff
from .common import Rule, by_urn, one_line, resource_label, rules, source_of

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "awsinaction-check"
SRCROOT = "%SRCROOT%"
LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}
"""Enforcement level -> SARIF level (remediate is reported as mandatory by the analyzer)."""
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
"""A declared policy severity as GitHub's numeric `security-severity` (its critical/high/medium/low bands)."""


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("awsinaction-components")
    except Exception:  # a checkout that was never installed: the tool still reports
        return "0.0.0"


def _rule(rule: Rule) -> dict[str, Any]:
    meta = rule.meta
    scope = "each resource's inputs" if meta.kind == "resource" else "the whole stack's outputs"
    fix = f"Fix: {meta.remediation}" if meta.remediation else "Fix: see the violation's message."
    properties: dict[str, Any] = {"pack": rule.pack, "kind": meta.kind, "enforcementLevel": meta.level, "tags": [rule.pack, meta.kind]}
    if meta.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[meta.severity]
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": meta.description},
        "fullDescription": {"text": f"{meta.description} Policy of the pack {rule.pack}; it judges {scope}."},
        "help": {
            "text": f"{meta.description}\n\n{fix}\n\nEnforcement level for this stack: {meta.level} (set in the pack config).",
            "markdown": f"{meta.description}\n\n**{fix}**\n\nEnforcement level for this stack: `{meta.level}` (set in the pack config).",
        },
        "defaultConfiguration": {"level": LEVELS.get(meta.level, "warning"), "enabled": meta.level != "disabled"},
        "properties": properties,
    }


def fingerprint(policy: str, urn: str, ordinal: int) -> str:
    """Stable across runs while the resource keeps its URN; the ordinal separates several findings on one resource."""
    return hashlib.sha256(f"{policy}\0{urn}\0{ordinal}".encode()).hexdigest()[:32]


def _results(result: CheckResult, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    index = by_urn(result)
    seen: dict[tuple[str, str], int] = {}
    results = []
    for d in result.violations:
        ordinal = seen[(d.policy, d.urn)] = seen.get((d.policy, d.urn), -1) + 1
        path, line = source_of(result, d.urn, index)
        location: dict[str, Any] = {
            "physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": SRCROOT}, "region": {"startLine": line}}
        }
        resource = index.get(d.urn)
        if resource is not None:
            location["logicalLocations"] = [{"name": resource.name, "fullyQualifiedName": resource.urn, "kind": "resource"}]
        entry: dict[str, Any] = {
            "ruleId": d.policy,
            "level": LEVELS[d.level],
            "message": {"text": _message(result, d)},
            "locations": [location],
            "partialFingerprints": {"awsinactionFinding/v1": fingerprint(d.policy, d.urn, ordinal)},
            "properties": {"pack": d.pack, "urn": d.urn, "resourceType": resource.type if resource else ""},
        }
        if d.policy in rule_index:
            entry["ruleIndex"] = rule_index[d.policy]
        results.append(entry)
    return results


def _message(result: CheckResult, d: Diagnostic) -> str:
    return f"{resource_label(result, d.urn)}: {one_line(d.detail)}"


def _cost(result: CheckResult, diff: Optional[CostDiff]) -> dict[str, Any]:
    cost: dict[str, Any] = {"monthlyUsd": result.cost.monthly_usd, "budgetUsd": result.cost.budget_usd}
    if diff is not None:
        cost.update(baseMonthlyUsd=diff.base_total, deltaUsd=diff.delta_usd, deltaPercent=diff.delta_percent, overLimit=diff.over_limit())
    return cost


def to_sarif(result: CheckResult, diff: Optional[CostDiff] = None) -> dict[str, Any]:
    all_rules = rules(result)
    rule_index = {rule.id: i for i, rule in enumerate(all_rules)}
    root = Path(result.project_dir).resolve().as_uri().rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "semanticVersion": _version(), "rules": [_rule(r) for r in all_rules]}},
        "automationDetails": {"id": f"{TOOL_NAME}/{result.stack}/"},
        "originalUriBaseIds": {SRCROOT: {"uri": root}},
        "invocations": [{"executionSuccessful": True}],
        "results": _results(result, rule_index),
        "properties": {"stack": result.stack, "preview": result.preview, "cost": _cost(result, diff)},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    return json.dumps(to_sarif(result, diff), indent=2)
