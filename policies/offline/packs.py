"""Load a policy pack folder the way the Pulumi CLI does, minus the gRPC server.

The CLI starts `python -u -m pulumi.policy <engine> .` inside the pack folder: the folder is on sys.path,
its __main__.py runs and PolicyPack(...) serves an analyzer. Here the same __main__.py runs with
PolicyPack swapped for a recorder, and the recorded arguments build pulumi-policy's own
_PolicyAnalyzerServicer, which is exactly what PolicyPack would serve.
"""

import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi_policy
import yaml
from pulumi_policy import EnforcementLevel, Policy
from pulumi_policy.policy import _PolicyAnalyzerServicer

PACKS_DIR = Path(__file__).resolve().parent.parent
"""policies/: the folder holding the packs."""
PACK_FOLDERS = ("least_privilege", "cost", "aws_preflight")
"""The packs every check runs, in report order."""


class PackError(Exception):
    """A pack folder that the CLI could not run either."""


@dataclass
class LoadedPack:
    """A pack as its __main__.py declared it, with the servicer PolicyPack would have served."""

    folder: Path
    name: str
    version: str
    policies: list[Policy]
    enforcement_level: EnforcementLevel
    initial_config: Optional[dict[str, Any]] = None
    description: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    def servicer(self) -> _PolicyAnalyzerServicer:
        """A fresh analyzer servicer (its Configure state is per instance)."""
        return _PolicyAnalyzerServicer(
            self.name,
            self.version,
            self.policies,
            self.enforcement_level,
            self.initial_config,
            self.description,
            self.extra.get("display_name"),
            self.extra.get("readme"),
            self.extra.get("provider"),
            self.extra.get("tags"),
            self.extra.get("repository"),
        )

    def policy(self, name: str) -> Policy:
        """One of the pack's policies by name."""
        for policy in self.policies:
            if policy.name == name:
                return policy
        raise KeyError(f"{self.name} has no policy {name}")


class _Recorder:
    """Stands in for PolicyPack: keeps the arguments instead of serving them."""

    calls: list[dict[str, Any]] = []

    def __init__(self, name: str, policies: list[Policy], enforcement_level: Optional[EnforcementLevel] = None, **kwargs: Any) -> None:
        _Recorder.calls.append({"name": name, "policies": policies, "enforcement_level": enforcement_level, **kwargs})


_LOADED: dict[Path, LoadedPack] = {}


def load_pack(folder: Path) -> LoadedPack:
    """Run `folder/__main__.py` with the folder first on sys.path, as the CLI does, and return what it declared."""
    folder = Path(folder).resolve()
    if folder in _LOADED:
        return _LOADED[folder]
    manifest = folder / "PulumiPolicy.yaml"
    if not manifest.is_file() or not (folder / "__main__.py").is_file():
        raise PackError(f"{folder} is not a policy pack (needs PulumiPolicy.yaml and __main__.py)")
    meta = yaml.safe_load(manifest.read_text()) or {}
    original, old_path = pulumi_policy.PolicyPack, list(sys.path)
    _Recorder.calls = []
    pulumi_policy.PolicyPack = _Recorder  # type: ignore[misc,assignment]
    sys.path.insert(0, str(folder))
    try:
        runpy.run_path(str(folder / "__main__.py"), run_name="__main__")
    finally:
        pulumi_policy.PolicyPack = original  # type: ignore[misc]
        sys.path[:] = old_path
    if len(_Recorder.calls) != 1:
        raise PackError(f"{folder}/__main__.py must create exactly one PolicyPack, it created {len(_Recorder.calls)}")
    call = dict(_Recorder.calls[0])
    level = call.pop("enforcement_level") or EnforcementLevel.ADVISORY
    pack = LoadedPack(
        folder=folder,
        name=call.pop("name"),
        version=str(meta.get("version", "0.0.1")),
        policies=list(call.pop("policies")),
        enforcement_level=level,
        initial_config=call.pop("initial_config", None),
        description=call.pop("description", None) or meta.get("description"),
        extra=call,
    )
    _LOADED[folder] = pack
    return pack


def load_packs(folders: Optional[list[Path]] = None) -> list[LoadedPack]:
    """The packs of this repository (or the given folders)."""
    return [load_pack(f) for f in (folders or [PACKS_DIR / name for name in PACK_FOLDERS])]
