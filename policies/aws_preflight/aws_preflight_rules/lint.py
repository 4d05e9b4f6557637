"""Run cfn-lint's value checks on a template, once per stack and region.

cfn-lint rebuilds its ~330 rules on every `cfnlint.api.lint` call; here only the rules that judge values
(and the schema rules that dispatch to them) are imported, once per process, and run through
`run_template_by_data`. Rules about missing properties, unknown properties or ID formats are never
loaded: the templates hold only what the program wrote, so those would report the mapping, not the program.
"""

import functools
import importlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, Iterable

VALUE_RULES: dict[str, str] = {
    "E3030": "Use one of the values AWS lists for this property.",
    "E3031": "Change the value to match the pattern; in free text, drop the characters it does not allow (such as apostrophes).",
    "E3032": "Use an allowed number of items.",
    "E3033": "Shorten (or lengthen) the value to the allowed length.",
    "E3034": "Use a number within the allowed range.",
    "E3037": "Remove the duplicate items.",
    "E1153": "Security group names may not start with sg-.",
    "E1155": "Log group names are 1-512 characters: letters, digits, _ - / . #.",
    "E1161": "Bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.",
    "E1164": "KMS alias names start with alias/ and hold letters, digits, / _ -.",
    "E2531": "Move to a runtime Lambda still creates (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).",
    "E3025": "Choose a DB instance class RDS offers in this region (aws rds describe-orderable-db-instance-options).",
    "E3027": "Write rate(N unit) or cron(min hour day-of-month month day-of-week year).",
    "E3047": "Use a CPU and memory combination Fargate supports.",
    "E3062": "Choose an instance class this engine and version support (aws rds describe-orderable-db-instance-options).",
    "E3501": "A FIFO queue's name ends in .fifo; a standard queue's does not.",
    "E3504": "Keep at least 90 days between the move to cold storage and the deletion.",
    "E3615": "Use a period of 10, 20, 30 or a multiple of 60 seconds.",
    "E3628": "Choose an instance type offered in this region (aws ec2 describe-instance-type-offerings).",
    "E3647": "Choose a node type ElastiCache offers in this region.",
    "E3663": "Rename the variable: Lambda reserves it.",
    "E3671": "Give the block device a combination of type, IOPS and throughput EBS accepts.",
    "E3690": "Use an engine version RDS offers (aws rds describe-db-engine-versions --engine ENGINE).",
    "E3691": "Use an engine version RDS offers (aws rds describe-db-engine-versions --engine ENGINE).",
    "E3694": "Choose a DB cluster instance class RDS offers in this region.",
    "E3695": "Use an engine version ElastiCache offers (aws elasticache describe-cache-engine-versions).",
    "E3697": "Keep the environment under 4 KB; move large values to SSM Parameter Store or Secrets Manager.",
    "E3706": "Make max_size at least min_size.",
}
"""The cfn-lint rules whose findings the pack reports, with how to fix each."""
REGIONAL_RULES = frozenset({"E3025", "E3628", "E3647", "E3694"})
"""Rules that need cfn-lint to know the region."""
_DISPATCH_RULES = ("E1001", "E1101", "E1103", "E3001", "E3002", "E3011")
"""Schema rules that walk the template and hand each value to the rules above."""
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One cfn-lint finding on a value of a template."""

    rule: str
    path: tuple[Any, ...]
    message: str


def _rule_classes(wanted: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Rule id -> (module, class) for the wanted ids, found in cfn-lint's rule sources without importing them all."""
    import cfnlint.rules

    wanted = set(wanted)
    root = FilePath(cfnlint.rules.__file__).parent
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if not any(f'"{rule}"' in text for rule in wanted):
            continue
        module = ".".join(("cfnlint", "rules", *path.relative_to(root).with_suffix("").parts))
        current = ""
        for match in re.finditer(r'^class (\w+)|^\s+id = "([EWI]\d{4})"', text, re.M):
            if match.group(1):
                current = match.group(1)
            elif match.group(2) in wanted and current:
                found.setdefault(match.group(2), (module, current))
    return found


@functools.cache
def rules() -> Any:
    """cfn-lint's value rules and their dispatchers, loaded once per process."""
    from cfnlint.rules import Rules

    wanted = (*_DISPATCH_RULES, *VALUE_RULES)
    collection = Rules()
    classes = _rule_classes(wanted)
    try:
        for rule_id in wanted:
            module, name = classes[rule_id]
            collection.register(getattr(importlib.import_module(module), name)())
        return collection
    except (KeyError, ImportError, AttributeError) as error:
        # A cfn-lint release moved a rule: fall back on its own (slower) full loading and keep the same subset.
        _LOG.debug("loading every cfn-lint rule: %s", error)
        from cfnlint.config import ConfigMixIn
        from cfnlint.runner import Runner

        every = Runner(ConfigMixIn(regions=["us-east-1"])).rules
        return Rules({rule_id: every[rule_id] for rule_id in wanted if rule_id in every})


def known_region(region: str) -> bool:
    """Whether cfn-lint has data for the region."""
    from cfnlint.helpers import REGIONS

    return region in REGIONS


def lint(template: dict[str, Any], region: str, skip: Iterable[str] = ()) -> list[Finding]:
    """cfn-lint's findings on the template's values; regional rules only for a region cfn-lint knows."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import run_template_by_data

    ignored = set(skip)
    if not known_region(region):
        ignored |= REGIONAL_RULES
        region = "us-east-1"
    config = ConfigMixIn(regions=[region])
    # A .cfnlintrc in the home or working folder must not switch a mandatory pack's checks off.
    config.file_args = {}
    findings = []
    for match in run_template_by_data(template, config, rules()):
        rule_id = match.rule.id
        if rule_id in VALUE_RULES and rule_id not in ignored:
            findings.append(Finding(rule_id, tuple(match.path or ()), match.message))
    return findings
