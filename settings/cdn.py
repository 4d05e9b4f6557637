"""Stack config of the web shop front: CloudFront, static bucket, domain."""

from dataclasses import dataclass
from typing import Any, Mapping

from .schema import Key

KEYS: list[Key] = []


@dataclass(frozen=True)
class CdnSettings:
    """Typed settings of this section."""


def build(values: Mapping[str, Any], key: Any) -> CdnSettings:
    """Build the section from parsed values; `key(name)` gives the full config key for messages."""
    return CdnSettings()
