"""Stack config of operations: Lambda automations and alarm e-mail."""

from dataclasses import dataclass
from typing import Any, Mapping

from .schema import Key

KEYS: list[Key] = []


@dataclass(frozen=True)
class OpsSettings:
    """Typed settings of this section."""


def build(values: Mapping[str, Any], key: Any) -> OpsSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    return OpsSettings()
