"""Declaration of a stack config key: type, default, description, example and its check.

Pulumi.yaml declares the same keys; tests/test_settings.py keeps the two identical.
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

CONFIG_TYPES = ("string", "integer", "boolean", "array")
"""The types Pulumi.yaml project config accepts."""
MAX_MESSAGE = 200
"""Longest refusal line: a huge value must not flood the terminal."""
PLACEHOLDER_KEYS_ENV = "AWSINACTION_SECRET_PLACEHOLDERS"
"""Environment variable the offline check sets to a JSON list of the config keys whose values are placeholders for
secrets it cannot decrypt (policies/offline/stack_config.py; a test keeps both names equal)."""
_LEADING_VALUE = re.compile(r"""^(\S+: )('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\[[^\]]*\])""")
"""The value a refusal quotes right after its key (a string's or a list's repr), which may be huge."""
_INTEGER = re.compile(r"[-+]?[0-9]+")
"""An integer as the Pulumi CLI accepts one for a key Pulumi.yaml declares `integer` (Go's strconv.Atoi)."""

Check = Callable[[Any, str], None]
"""A check takes the parsed value and the config key, and raises ValueError naming the key."""


class ConfigError(Exception):
    """A stack config value that is malformed or not allowed; the message is one line naming the key."""

    def __init__(self, message: str) -> None:
        flat = " ".join(str(message).split())
        value = _LEADING_VALUE.match(flat)
        if len(flat) > MAX_MESSAGE and value and len(value.group(2)) > 40:  # shorten the value, keep the reason
            quoted = value.group(2)
            flat = f"{value.group(1)}{quoted[:24]}…{quoted[-1]} ({len(quoted) - 2} chars){flat[value.end():]}"
        super().__init__(flat if len(flat) <= MAX_MESSAGE else flat[: MAX_MESSAGE - 1] + "…")


@dataclass(frozen=True)
class Key:
    """One project config key."""

    name: str
    type: str
    default: Any
    description: str
    check: Optional[Check] = None
    example: Any = None
    """A valid value that stands in for a secret the offline check cannot decrypt (None: the default)."""

    @property
    def stand_in(self) -> Any:
        """The value used when the stack sets this key as a secret and only a placeholder is known."""
        return self.default if self.example is None else self.example

    def parse(self, raw: Any, full_key: str) -> Any:
        """Type the value the CLI passes (always a string; already typed values pass through) by the CLI's rules."""
        if self.type == "string":
            if not isinstance(raw, str):
                raise ConfigError(f"{full_key}: {raw!r} is not a string")
            return raw
        if self.type == "integer":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            if not (isinstance(raw, str) and _INTEGER.fullmatch(raw)):
                raise ConfigError(f"{full_key}: {raw!r} is not a whole number")
            return int(raw)
        if self.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):
                return raw == "true"
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


def matches(pattern: str, example: str, empty_ok: bool = True) -> Check:
    """A check that a string matches a regular expression (or is empty when `empty_ok`)."""

    def check(value: str, key: str) -> None:
        if empty_ok and value == "":
            return
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{key}: {value!r} is malformed (expected e.g. {example})")

    return check
