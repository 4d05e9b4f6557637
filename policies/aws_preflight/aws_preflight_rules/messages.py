"""How a finding names the argument the user wrote and shows the value."""

import json
import re
from typing import Any, Sequence, Union

VALUE_WIDTH = 60
"""Longest value a message shows."""


def snake(name: str) -> str:
    """A camelCase property name as the Python SDK spells the argument (httpTokens -> http_tokens)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def argument(path: Sequence[Union[str, int]], inside: Sequence[Union[str, int]] = ()) -> str:
    """('metadataOptions', 'httpTokens') -> metadata_options.http_tokens; list indexes as [0].

    `inside` continues the path into a value mapped as a whole (a map's keys are the user's own: ["AWS_REGION"]).
    """
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{snake(step)}" if text else snake(step))
    for step in inside:
        text += f"[{step}]" if isinstance(step, int) else f"[{json.dumps(step)}]"
    return text


def shorten(text: str, width: int = VALUE_WIDTH) -> str:
    """The text cut to `width` characters, marked with ... when cut."""
    return text if len(text) <= width else text[: width - 3] + "..."


def show(value: Any, sensitive: bool = False) -> str:
    """A value as a message shows it: JSON-like, cut to VALUE_WIDTH; never a sensitive one."""
    if sensitive:
        return "(value not shown)"
    if isinstance(value, str):
        return shorten(json.dumps(value, ensure_ascii=False))
    return shorten(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))


def without_value(message: str, value: Any) -> str:
    """cfn-lint's message without the value it starts with (the finding shows the value already)."""
    for prefix in (repr(value), json.dumps(value, ensure_ascii=False, default=str)):
        if message.startswith(prefix + " "):
            return message[len(prefix) + 1 :]
    return message
