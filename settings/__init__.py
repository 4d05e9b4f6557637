"""The stack's config, read into frozen dataclasses and validated before any resource exists.

Every key is declared once, in the section module that uses it (network.py, web.py, ...),
with its type, default, description and check. `load_settings` refuses unknown keys,
malformed values and inconsistent combinations with a one-line `ConfigError` that names
the key, the value and what is allowed.
"""

import difflib
import json
import os
from dataclasses import dataclass
from typing import Any, Collection, Mapping, Optional

from . import cdn, cost, data, network, ops, web
from .cdn import CdnSettings
from .cost import CostSettings
from .data import DataSettings
from .network import NetworkSettings
from .ops import OpsSettings
from .schema import PLACEHOLDER_KEYS_ENV, ConfigError, Key
from .web import WebSettings

SECTIONS = {"network": network, "web": web, "data": data, "cdn": cdn, "ops": ops, "cost": cost}
"""Section name -> module declaring its KEYS and build()."""

__all__ = ["ConfigError", "Settings", "all_keys", "load_settings", "placeholder_keys", "read_project_config"]


@dataclass(frozen=True)
class Settings:
    """All settings of one stack."""

    project: str
    stack: str
    network: NetworkSettings
    web: WebSettings
    data: DataSettings
    cdn: CdnSettings
    ops: OpsSettings
    cost: CostSettings


def all_keys() -> list[Key]:
    """Every project config key, section by section."""
    return [key for module in SECTIONS.values() for key in module.KEYS]


def read_project_config(project: str) -> dict[str, Any]:
    """Every config value of the project namespace that the engine passed to this program, by short key."""
    import pulumi.runtime.config as runtime_config

    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{project}:"
    return {key[len(prefix) :]: value for key, value in merged.items() if key.startswith(prefix)}


def placeholder_keys(project: str) -> frozenset[str]:
    """Short keys whose values are placeholders for secrets: set by the offline check only (PLACEHOLDER_KEYS_ENV)."""
    try:
        keys = json.loads(os.environ.get(PLACEHOLDER_KEYS_ENV) or "[]")
    except json.JSONDecodeError:
        raise ConfigError(f"{PLACEHOLDER_KEYS_ENV}: is not a JSON list of config keys") from None
    prefix = f"{project}:"
    return frozenset(key[len(prefix) :] for key in keys if isinstance(key, str) and key.startswith(prefix))


def load_settings(
    project: str,
    stack: str,
    raw: Mapping[str, Any],
    available_azs: Optional[int] = None,
    placeholders: Collection[str] = (),
) -> Settings:
    """Parse and validate `raw` (short key -> value) into Settings, or raise ConfigError.

    Keys in `placeholders` hold a stand-in for a secret (see placeholder_keys): their Key's example replaces it,
    so the rest of the stack is still checked.
    """
    keys = {key.name: key for key in all_keys()}

    def full(name: str) -> str:
        return f"{project}:{name}"

    for name in raw:
        if name not in keys:
            close = difflib.get_close_matches(name, keys, n=1) or [k for k in keys if k.lower() == name.lower()]
            hint = f"did you mean {full(close[0])}?" if close else "see the config table in README.md"
            label = full(name) if len(name) <= 60 else f"{full(name[:40])}…({len(name)} chars)"
            raise ConfigError(f"{label}: unknown config key; {hint}")
    values: dict[str, Any] = {}
    for name, key in keys.items():
        if name in placeholders:
            value = key.stand_in
        else:
            value = key.parse(raw[name], full(name)) if name in raw else key.default
        try:
            if key.check:
                key.check(value, full(name))
        except ValueError as error:
            raise ConfigError(str(error)) from None
        values[name] = value
    try:
        if available_azs is not None:
            network.check_az_count(values["azCount"], full("azCount"), available=available_azs)
        sections = {name: module.build(values, full) for name, module in SECTIONS.items()}
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return Settings(project=project, stack=stack, **sections)
