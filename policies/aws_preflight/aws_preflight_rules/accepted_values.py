"""The stack policy that runs cfn-lint once over every known value of the stack."""

import ast
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import policy_config
from .exemptions import exempt
from .lint import REGIONAL_RULES, VALUE_RULES, Finding, lint
from .messages import argument, shorten, show, without_value
from .template import Source, Template, build_templates

DEFAULTS = {"region": "us-east-1", "skipRules": []}
"""Config defaults (the CLI fills them in from the schema; other callers may not)."""
PROBLEM_WIDTH = 160
"""Longest cfn-lint explanation a message keeps."""
COMBINATION_RULES = {"E3047": (("Memory",), ("Cpu",))}
"""Rules that judge several properties together and point at the resource: the property a message names instead."""


def _value_at(value: Any, below: tuple[Any, ...]) -> Any:
    for step in below:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _listed(text: str) -> tuple[str, list[str]]:
    """cfn-lint's "is not one of [...]" split into the text before the list and the listed values."""
    head, separator, rest = text.partition("is not one of ")
    if not separator or not rest.startswith("[") or "]" not in rest:
        return text, []
    try:
        values = ast.literal_eval(rest[: rest.rindex("]") + 1])
    except (ValueError, SyntaxError):
        return text, []
    return head, [str(v) for v in values] if isinstance(values, list) else []


def _problem(finding: Finding, value: Any, region: str) -> str:
    """cfn-lint's explanation without the value; a long list of allowed values becomes its closest entries."""
    text = without_value(finding.message, value)
    head, allowed = _listed(text)
    if len(allowed) > 8:
        closest = difflib.get_close_matches(str(value), allowed, n=3, cutoff=0.5)
        where = f" in {region}" if finding.rule in REGIONAL_RULES else ""
        text = f"{head}is not one of the {len(allowed)} values AWS accepts{where}"
        text += f" (closest: {', '.join(closest)})" if closest else ""
    return shorten(text, PROBLEM_WIDTH)


@dataclass
class _Judged:
    """A value the program wrote and cfn-lint's findings on it."""

    source: Source
    below: tuple[Any, ...]
    """Where inside the mapped value the findings point (for values mapped as a whole object)."""
    cfn_type: str
    cfn_path: tuple[Any, ...]
    findings: list[Finding] = field(default_factory=list)

    def message(self, region: str) -> str:
        value = _value_at(self.source.value, self.below)
        where = argument(self.source.pulumi_path, self.below)
        problems = "; ".join(dict.fromkeys(_problem(f, value, region) for f in self.findings))
        rules = ", ".join(dict.fromkeys(f.rule for f in self.findings))
        cfn_property = re.sub(r"\.(\d+)", r"[\1]", ".".join(str(step) for step in self.cfn_path))
        return (
            f"{where} = {show(value, self.source.sensitive)}: {problems} "
            f"(cfn-lint {rules} on {self.cfn_type} {cfn_property}). Fix: {VALUE_RULES[self.findings[0].rule]}"
        )


def judge(template: Template, findings: list[Finding]) -> list[_Judged]:
    """Findings on values the program wrote, one entry per value; findings about anything else are dropped."""
    judged: dict[tuple[str, str, tuple[Any, ...]], _Judged] = {}
    for finding in findings:
        if len(finding.path) < 3 or finding.path[0] != "Resources" or finding.path[2] != "Properties":
            continue
        logical_id, cfn_path = str(finding.path[1]), tuple(finding.path[3:])
        if not cfn_path:
            mapped = {path for sources in template.sources.get(logical_id, []) for path in sources}
            cfn_path = next((p for p in COMBINATION_RULES.get(finding.rule, ()) if p in mapped), ())
        cfn_type = template.resources[logical_id]["Type"]
        for source, below in template.sources_of(logical_id, cfn_path) if cfn_path else []:
            if exempt(finding.rule, cfn_type, cfn_path, _value_at(source.value, below), finding.message):
                continue
            entry = judged.setdefault((source.resource.urn, logical_id, cfn_path), _Judged(source, below, cfn_type, cfn_path))
            entry.findings.append(finding)
    return list(judged.values())


def validate_accepted_values(args: StackValidationArgs, report: ReportViolation) -> None:
    config = policy_config(args, DEFAULTS)
    for template in build_templates(list(args.resources), str(config["region"])):
        for value in judge(template, lint(template.body(), template.region, config["skipRules"])):
            report(value.message(template.region), value.source.resource.urn)


POLICIES = [
    StackValidationPolicy(
        name="aws-accepted-values",
        description=(
            "Every known value is one AWS accepts: the patterns, allowed values, lengths and ranges of the CloudFormation "
            "registry schemas, instance types per region, Lambda runtimes still created, engine versions, FIFO names (cfn-lint)."
        ),
        validate=validate_accepted_values,
        config_schema=PolicyConfigSchema(
            properties={
                "region": {
                    "type": "string",
                    "pattern": "^[a-z]{2,4}(-[a-z]+)+-[0-9]+$",
                    "default": DEFAULTS["region"],
                    "description": "Region assumed when no resource of the stack names one (by itself, its provider or its ARN).",
                },
                "skipRules": {
                    "type": "array",
                    "items": {"type": "string", "enum": sorted(VALUE_RULES)},
                    "default": DEFAULTS["skipRules"],
                    "description": "cfn-lint rules not to apply to this stack (for example E2531 while an old runtime is migrated).",
                },
            }
        ),
        remediation_steps="Change the value to one AWS accepts; each message names the argument, the rule and the fix.",
    ),
]
