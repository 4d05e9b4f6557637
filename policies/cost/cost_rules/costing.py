"""What every cost model shares: the price table and usage assumptions of one estimate, and how a model says
that a price is missing."""

from dataclasses import dataclass
from typing import Any, Mapping

from ._props import StackIndex, number

Cost = tuple[float, str]
"""A resource's monthly cost in USD and how it was reached (shown in the report)."""


class MissingPriceError(KeyError):
    """The price table has no entry for something the stack uses."""


@dataclass
class Context:
    """The stack, the price table and the usage assumptions one estimate works with."""

    stack: StackIndex
    prices: Mapping[str, Any]
    usage: Mapping[str, Any]

    @property
    def hours(self) -> float:
        return number(self.prices.get("hoursPerMonth"), 730.0)

    def price(self, *path: str) -> float:
        """A price from the table; MissingPriceError naming the path when the table lacks it."""
        value: Any = self.prices
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                raise MissingPriceError(".".join(str(p) for p in path))
            value = value[key]
        return float(value)

    def use(self, resource: Any, key: str) -> float:
        """A usage assumption, the resource's own override (by logical name) first."""
        own = (self.usage.get("resources") or {}).get(resource.name) or {}
        return number(own.get(key, self.usage.get(key)), 0.0)
