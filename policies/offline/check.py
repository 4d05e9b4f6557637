"""The offline check: run a stack's program under mocks, then both policy packs through pulumi-policy's analyzer.

Update mode by default: the mocks return every computed output (IDs, ARNs, the JSON of policies built
from ARNs), as `pulumi up` knows them when it analyzes a resource, so every policy can run. With
`preview=True` values computed by AWS stay unknown, and policies that read them turn into the advisory
"can't run policy during preview", as in `pulumi preview`.
"""

import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pulumi_policy.proxy import UnknownValueError

from .analyze import (
    Diagnostic,
    PackResult,
    analyze_request,
    analyzer_info,
    check_names,
    policy_resources,
    read_pack_config,
    reconcile,
    run_pack,
    stack_request,
)
from .mocks import RecordedResource
from .packs import load_packs
from .runner import run_project
from .stack_config import load_stack_config

BUDGET_POLICY = "monthly-budget"


class ProgramError(Exception):
    """The program refused its arguments (a component's ValueError): a config problem, reported in one line."""


@dataclass
class CostReport:
    """The stack's estimate as the monthly-budget policy computes it."""

    monthly_usd: Optional[float]
    budget_usd: Optional[float]
    budget_source: str
    items: list[Any] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_estimated: list[str] = field(default_factory=list)
    prices: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass
class CheckResult:
    """Everything one check found for a stack."""

    stack: str
    project_dir: Path
    config_file: Optional[Path]
    preview: bool
    resources: list[RecordedResource]
    packs: list[PackResult]
    cost: CostReport
    unchecked: list[str] = field(default_factory=list)
    """Config the offline check could not read (secrets, Pulumi ESC environments), one line each."""
    seconds: float = 0.0
    """Wall-clock time of the check (program under mocks, both packs, cost)."""
    cpu_seconds: float = 0.0
    """CPU time of the same, which other processes on the machine do not inflate."""

    @property
    def pack_config_note(self) -> str:
        """Which pack config applied, said plainly when the stack has none of its own."""
        if self.config_file is not None:
            return f"pack config: {self.config_file}"
        return (
            f"pack config: none (no policies/config/{self.stack}.json), so every policy runs with its defaults, the strict "
            "production ones; copy policies/config/dev.json for a throw-away stack"
        )

    @property
    def violations(self) -> list[Diagnostic]:
        return [d for pack in self.packs for d in pack.diagnostics]

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.violations if d.level == "mandatory"]


def default_config_file(project_dir: Path, stack: str) -> Optional[Path]:
    """DIR/policies/config/STACK.json when it exists (else every policy runs with its defaults)."""
    path = Path(project_dir) / "policies" / "config" / f"{stack}.json"
    return path if path.is_file() else None


def _cost(stack: Any, config: dict[str, Any]) -> CostReport:
    budget_module = importlib.import_module("cost_rules.budget")
    resources = policy_resources(stack)
    properties = config.get(BUDGET_POLICY, {}).get("properties", {})
    try:
        budget, source = budget_module.monthly_budget(properties, resources)
        estimate = budget_module.stack_estimate(properties, resources)
    except UnknownValueError as error:
        return CostReport(None, None, "unknown", error=f"the estimate needs values unknown during preview ({error.message})")
    prices = importlib.import_module("cost_rules.estimate").load_prices()
    return CostReport(estimate.total, budget, source, estimate.items, estimate.missing, estimate.not_estimated, prices)


def run_check(project_dir: Path, stack: str, *, preview: bool = False, config_file: Optional[Path] = None) -> CheckResult:
    """Check one stack; raises StackConfigError, PackConfigError, ProgramError, pulumi.RunError or FileNotFoundError for bad input."""
    started, cpu_started = time.perf_counter(), time.process_time()
    project_dir = Path(project_dir).resolve()
    unchecked = load_stack_config(project_dir, stack).unchecked  # a bad stack file stops here, in one line, first
    config_file = config_file or default_config_file(project_dir, stack)
    packs = load_packs()
    file_config = read_pack_config(config_file) if config_file else {}
    source = str(config_file) if config_file else "defaults"
    infos = [analyzer_info(pack.servicer()) for pack in packs]
    check_names(file_config, infos, source)
    configs = [reconcile(pack, info, file_config, source) for pack, info in zip(packs, infos, strict=True)]
    try:
        run = run_project(project_dir, stack, preview=preview)
    except ValueError as error:
        raise ProgramError(str(error)) from error
    requests = [analyze_request(resource) for resource in run.resources]
    stack_message = stack_request(run.resources)
    results = [run_pack(pack, config, requests, stack_message) for pack, config in zip(packs, configs, strict=True)]
    cost_config = next((c for c in configs if BUDGET_POLICY in c), {})
    cost = _cost(stack_message, cost_config)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return CheckResult(stack, project_dir, config_file, preview, run.resources, results, cost, unchecked, seconds, cpu_seconds)
