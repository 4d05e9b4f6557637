"""Stack config of the web fleet: load balancer and auto-scaling group."""

from dataclasses import dataclass
from typing import Any, Mapping

from .schema import Key

KEYS: list[Key] = []


@dataclass(frozen=True)
class WebSettings:
    """Typed settings of this section."""


def build(values: Mapping[str, Any], key: Any) -> WebSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    return WebSettings()
