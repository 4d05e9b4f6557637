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
from typing import Any, Callable, Optional

import pulumi
import yaml
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
from .diagnose import ApplyFailure, ProgramError, describe, watch_applies
from .mocks import AwsMocks, RecordedResource
from .packs import load_packs
from .runner import MockRun, run_project
from .stack_config import StackConfig, StackConfigError, load_stack_config
from .user_mocks import MocksError, MocksSpecError, load_mocks

BUDGET_POLICY = "monthly-budget"


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
    """Wall-clock time of the check (program under mocks, every pack, cost)."""
    cpu_seconds: float = 0.0
    """CPU time of the same, which other processes on the machine do not inflate."""

    @property
    def pack_config_note(self) -> str:
        """Which pack config applied, said plainly when the stack has none of its own."""
        if self.config_file is not None:
            shown = self.config_file
            if Path(shown).resolve().is_relative_to(self.project_dir):
                shown = Path(shown).resolve().relative_to(self.project_dir)  # the same text on every machine
            return f"pack config: {shown}"
        example = "copy policies/config/dev.json" if (self.project_dir / "policies" / "config" / "dev.json").is_file() else (
            f"write policies/config/{self.stack}.json (docs/policies.md, Pack config files)"
        )
        return (
            f"pack config: none (no policies/config/{self.stack}.json), so every policy runs with its defaults, the strict "
            f"production ones; {example} for a throw-away stack"
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


def run_program(
    project_dir: Path, stack: str, *, preview: bool = False, mocks_spec: Optional[str] = None, stack_config: Optional[StackConfig] = None
) -> Any:
    """Run the program under mocks; a failure of the program becomes a ProgramError that says where and why.

    pulumi.RunError (the program's own one-line refusal of its config) passes through unchanged.
    """
    factory = load_mocks(mocks_spec, project_dir) if mocks_spec else None
    built: list[Any] = []

    def make(region: str, preview_mode: bool) -> Any:
        built.append(factory(region, preview_mode) if factory else AwsMocks(region=region, preview=preview_mode))
        return built[-1]

    failures: list[ApplyFailure] = []
    try:
        with watch_applies(failures):
            return run_project(project_dir, stack, preview=preview, mocks_factory=make, stack_config=stack_config)
    except (pulumi.RunError, FileNotFoundError, StackConfigError, yaml.YAMLError):  # a refused config or stack file: as it is
        raise
    except MocksError as error:  # the user's --mocks class failed: say so, not "the program" or "the check"
        raise MocksSpecError(f"--mocks {mocks_spec!r}: {error}") from error
    except (Exception, SystemExit) as error:  # SystemExit too: a program that exits must not read as a verdict
        invokes = getattr(built[0], "invokes", []) if built else []
        raise ProgramError(describe(error, project_dir, failures, invokes)) from error


def _silent(step: str) -> None:
    """No progress output (the default)."""


def run_check(
    project_dir: Path,
    stack: str,
    *,
    preview: bool = False,
    config_file: Optional[Path] = None,
    mocks_spec: Optional[str] = None,
    progress: Callable[[str], None] = _silent,
    program_run: Optional[MockRun] = None,
) -> CheckResult:
    """Check one stack; raises StackConfigError, PackConfigError, ProgramError, MocksSpecError, pulumi.RunError or FileNotFoundError.

    `progress` hears each step as it starts; `program_run` is a run of this stack's program already recorded
    under mocks in the same mode (tests reuse one), instead of running it again.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    project_dir = Path(project_dir).resolve()
    stack_config = load_stack_config(project_dir, stack)  # a bad stack file stops here, in one line, first
    config_file = config_file or default_config_file(project_dir, stack)
    packs = load_packs()
    file_config = read_pack_config(config_file) if config_file else {}
    source = str(config_file) if config_file else "defaults"
    infos = [analyzer_info(pack.servicer()) for pack in packs]
    check_names(file_config, infos, source)
    configs = [reconcile(pack, info, file_config, source) for pack, info in zip(packs, infos, strict=True)]
    progress(f"running {project_dir.name}/__main__.py for stack {stack} under mocks")
    run = program_run or run_program(project_dir, stack, preview=preview, mocks_spec=mocks_spec, stack_config=stack_config)
    requests = [analyze_request(resource) for resource in run.resources]
    stack_message = stack_request(run.resources)
    results = []
    for pack, config in zip(packs, configs, strict=True):
        progress(f"policy pack {pack.name}: {len(pack.policies)} policies on {len(requests)} resources")
        results.append(run_pack(pack, config, requests, stack_message))
    progress("pricing the stack")
    cost_config = next((c for c in configs if BUDGET_POLICY in c), {})
    cost = _cost(stack_message, cost_config)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return CheckResult(stack, project_dir, config_file, preview, run.resources, results, cost, stack_config.unchecked, seconds, cpu_seconds)
