"""Stack config of cost control: the monthly budget."""

from dataclasses import dataclass
from typing import Any, Mapping

from .schema import Key


def _positive(value: int, key: str) -> None:
    if value <= 0:
        raise ValueError(f"{key}: {value} is not allowed; the budget must be a positive number of US dollars")


KEYS = [
    Key("monthlyBudgetUsd", "integer", 100, "Monthly budget in US dollars: an AWS Budgets alert and the cost policy's limit.", _positive),
]


@dataclass(frozen=True)
class CostSettings:
    """Typed cost settings of a stack."""

    monthly_budget_usd: int


def build(values: Mapping[str, Any], key: Any) -> CostSettings:
    """Build the section from parsed values."""
    return CostSettings(monthly_budget_usd=values["monthlyBudgetUsd"])
