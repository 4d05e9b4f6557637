"""Stack config of the data tier: database and shared file system."""

from dataclasses import dataclass
from typing import Any, Mapping

from .schema import Key

KEYS: list[Key] = []


@dataclass(frozen=True)
class DataSettings:
    """Typed settings of this section."""


def build(values: Mapping[str, Any], key: Any) -> DataSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    return DataSettings()
