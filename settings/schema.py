"""Declaration of a stack config key: type, default, description and its check.

Pulumi.yaml declares the same keys; tests/test_settings.py keeps the two identical.
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

CONFIG_TYPES = ("string", "integer", "boolean", "array")
"""The types Pulumi.yaml project config accepts."""

Check = Callable[[Any, str], None]
"""A check takes the parsed value and the config key, and raises ValueError naming the key."""


class ConfigError(Exception):
    """A stack config value that is malformed or not allowed; the message is one line naming the key."""


@dataclass(frozen=True)
class Key:
    """One project config key."""

    name: str
    type: str
    default: Any
    description: str
    check: Optional[Check] = None

    def parse(self, raw: Any, full_key: str) -> Any:
        """Turn the raw config value (a string from the CLI, or already typed) into this key's type."""
        if self.type == "string":
            if not isinstance(raw, str):
                raise ConfigError(f"{full_key}: {raw!r} is not a string")
            return raw
        if self.type == "integer":
            if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and re.fullmatch(r"-?\d+", raw.strip()))):
                raise ConfigError(f"{full_key}: {raw!r} is not a whole number")
            return int(raw)
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
                return raw.strip().lower() == "true"
            raise ConfigError(f"{full_key}: {raw!r} is not a boolean; use true or false")
        value = raw
        if isinstance(raw, str):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                raise ConfigError(f"{full_key}: {raw!r} is not a list; set it as a YAML list of strings") from None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{full_key}: {raw!r} is not a list of strings")
        return value


def one_of(*allowed: str) -> Check:
    """A check that the value is one of `allowed`."""

    def check(value: Any, key: str) -> None:
        if value not in allowed:
            raise ValueError(f"{key}: {value!r} is not allowed; use one of {', '.join(allowed)}")

    return check


def in_range(low: int, high: int) -> Check:
    """A check that an integer lies in low..high."""

    def check(value: int, key: str) -> None:
        if not low <= value <= high:
            raise ValueError(f"{key}: {value} is outside the allowed range {low}..{high}")

    return check


def matches(pattern: str, example: str, empty_ok: bool = True) -> Check:
    """A check that a string matches a regular expression (or is empty when `empty_ok`)."""

    def check(value: str, key: str) -> None:
        if empty_ok and value == "":
            return
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{key}: {value!r} is malformed (expected e.g. {example})")

    return check
