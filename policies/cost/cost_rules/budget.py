"""The monthly budget: the stack's estimated cost must stay within it."""

from typing import Any, Iterable, Mapping, Optional

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs, StackValidationPolicy

from ._props import StackIndex, get, number, policy_config
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


def stack_estimate(config: Mapping[str, Any], resources: Iterable[Any]) -> Estimate:
    """The estimate with this policy's usage overrides."""
    return estimate(resources, load_prices(), load_usage(overrides=config.get("usage") or {}))


def validate_monthly_budget(args: StackValidationArgs, report: ReportViolation) -> None:
    cfg = policy_config(args, DEFAULTS)
    budget, source = monthly_budget(cfg, args.resources)
    if budget is None:
        args.not_applicable("no monthly budget: set budgetUsd in the pack config or declare an aws.budgets.Budget")
    result = stack_estimate(cfg, args.resources)
    prices = load_prices()
    if result.missing:
        report(
            f"the estimate is incomplete, {len(result.missing)} resource(s) have no list price: {'; '.join(result.missing)}. "
            "Fix: add the prices to prices.json (python -m policies.pricing regenerates it) or use a priced size."
        )
    if result.total > budget:
        top = int(number(cfg["topResources"], 5))
        costly = ", ".join(f"{item.name} ${item.monthly_usd:.2f}" for item in result.items[:top])
        report(
            f"estimated ${result.total:.2f}/month exceeds the budget of ${budget:.2f} ({source}); "
            f"{prices['region']} list prices of {prices['date']}, {prices['hoursPerMonth']} h/month. Most expensive: {costly}. "
            "Fix: smaller or fewer instances, a single NAT, no Multi-AZ outside production, "
            "or a larger budget (stack config awsinaction:monthlyBudgetUsd)."
        )


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
                "usage": {
                    "type": "object",
                    "default": {},
                    "description": "Overrides of usage.yaml keys; 'resources' maps a resource name to its own overrides.",
                },
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
]
