"""The monthly budget: the stack's estimated cost must stay within it."""

from typing import Any, Iterable, Mapping, Optional

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import CannotJudgeError, StackIndex, get, number, policy_config
from .estimate import Estimate, estimate, load_prices, load_usage

BUDGET = "aws:budgets/budget:Budget"
DEFAULTS: dict[str, Any] = {"usage": {}, "topResources": 5}



def monthly_budget(config: Mapping[str, Any], resources: Iterable[Any]) -> tuple[Optional[float], str]:
    """(budget in USD, where it comes from): the pack config's budgetUsd, else the stack's monthly COST aws.budgets.Budget."""
    if config.get("budgetUsd") is not None:
        return float(config["budgetUsd"]), "pack config budgetUsd"
    found = []
    for budget in StackIndex(resources).of_type(BUDGET):
        props = budget.props
        if get(props, "budgetType") == "COST" and get(props, "timeUnit") == "MONTHLY" and get(props, "limitUnit", default="USD") == "USD":
            amount = number(get(props, "limitAmount"))
            if amount > 0:
                found.append((amount, f"aws.budgets.Budget {budget.name}"))
    return min(found) if found else (None, "none")


def partial_estimate(config: Mapping[str, Any], resources: Iterable[Any]) -> Estimate:
    """The estimate with this policy's usage overrides; resources with values unknown in a preview are listed, not priced."""
    return estimate(resources, load_prices(), load_usage(overrides=config.get("usage") or {}))


def stack_estimate(config: Mapping[str, Any], resources: Iterable[Any]) -> Estimate:
    """The whole estimate; CannotJudgeError (an UnknownValueError) when a preview leaves some costs unknown."""
    result = partial_estimate(config, resources)
    if result.unknown:
        raise CannotJudgeError(result.unknown)
    return result


def _left_out(result: Estimate) -> str:
    """What the estimate could not price, for a message (empty when it priced everything)."""
    parts = []
    if result.missing:
        parts.append(f"no price for {len(result.missing)} resource(s): {'; '.join(result.missing)}")
    if result.not_estimated:
        parts.append(f"types without a cost model (usage-priced, counted as $0): {', '.join(result.not_estimated)}")
    return ". ".join(parts)


def validate_monthly_budget(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, DEFAULTS)
    budget, source = monthly_budget(cfg, args.resources)
    if budget is None:
        args.not_applicable("no monthly budget: set budgetUsd in the pack config or declare an aws.budgets.Budget")
    result = partial_estimate(cfg, args.resources)
    prices = load_prices()
    # Unknown costs can only add to the total: a known total over budget is already a violation.
    if result.total > budget:
        top = int(number(cfg["topResources"], 5))
        costly = ", ".join(f"{item.name} ${item.monthly_usd:.2f}" for item in result.items[:top])
        left_out = _left_out(result)
        report(
            f"estimated ${result.total:.2f}/month exceeds the budget of ${budget:.2f} ({source}); "
            f"{prices['region']} list prices of {prices['date']}, {prices['hoursPerMonth']} h/month. Most expensive: {costly}. "
            + (f"Not in the estimate: {left_out}. " if left_out else "")
            + "Fix: smaller or fewer instances, a single NAT, no Multi-AZ outside production, "
            "or a larger budget (stack config awsinaction:monthlyBudgetUsd)."
        )
    if result.unknown:
        raise CannotJudgeError(result.unknown)


def validate_estimate_complete(args: StackValidationArgs, report: ReportViolation) -> None:
    result = estimate(args.resources, load_prices(), load_usage())
    if result.missing:
        report(
            f"The monthly estimate is incomplete: {_left_out(result)}. A resource billed by the hour without a price "
            "would let any budget pass. Fix: add the prices to prices.json (python -m policies.pricing regenerates it), "
            "use a priced size, or set this policy to advisory for the stack."
        )
    if result.unknown:
        raise CannotJudgeError(result.unknown)


def usage_schema() -> dict[str, Any]:
    """The JSON schema of usage overrides: only usage.yaml's keys, each a number of at least 0, so a typo is refused."""
    numbers = {key: {"type": "number", "minimum": 0} for key, value in load_usage().items() if isinstance(value, (int, float))}
    per_resource = {"type": "object", "properties": numbers, "additionalProperties": False}
    return {
        "type": "object",
        "default": {},
        "properties": {**numbers, "resources": {"type": "object", "additionalProperties": per_resource}},
        "additionalProperties": False,
        "description": "Overrides of usage.yaml keys; 'resources' maps a resource name to its own overrides.",
    }


POLICIES = [
    StackValidationPolicy(
        name="monthly-budget",
        description="The stack's estimated monthly cost (list prices x 730 h plus usage assumptions) stays within its budget.",
        validate=validate_monthly_budget,
        config_schema=PolicyConfigSchema(
            properties={
                "budgetUsd": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "Monthly budget in USD; when absent, the stack's aws.budgets.Budget limit is used.",
                },
                "usage": usage_schema(),
                "topResources": {
                    "type": "integer",
                    "minimum": 1,
                    "default": 5,
                    "description": "How many of the most expensive resources a violation names.",
                },
            }
        ),
        remediation_steps="Reduce the most expensive resources or raise the budget.",
    ),
    StackValidationPolicy(
        name="cost-estimate-complete",
        description="Every resource billed by the hour (or by a fixed monthly fee) has a price, so the budget check sees the whole bill.",
        validate=validate_estimate_complete,
        remediation_steps="Add the missing prices, use a priced size, or set the policy to advisory for the stack.",
    ),
]
