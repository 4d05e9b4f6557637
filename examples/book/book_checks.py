"""Checks every chapter program must pass: each program's test module imports the test_* functions (pytest collects them there)."""

from pathlib import Path
from typing import Any, Mapping

import pulumi
import pytest
import readme_table

from policies.offline.check import CheckResult
from policies.offline.runner import MockRun, run_project


def test_passes_the_policy_packs(checked: CheckResult) -> None:
    """0 mandatory violations with the program's own pack config, and a cost within its budget."""
    assert [f"{d.policy}: {d.message}" for d in checked.mandatory] == []
    assert checked.config_file is not None and checked.cost.budget_usd is not None


def test_preview_registers_the_same_resources(checked: CheckResult, previewed: MockRun) -> None:
    """`pulumi preview` (unknown computed values) builds the very same resources as `pulumi up`."""
    assert sorted(r.urn for r in previewed.resources) == sorted(r.urn for r in checked.resources)


def test_readme_shows_the_estimate(program: Path, checked: CheckResult) -> None:
    """The README's row for this chapter carries the estimate the cost pack makes now."""
    [chapter] = [c for c in readme_table.CHAPTERS if c.folder == program.name]
    assert readme_table.row(chapter, checked.cost) in readme_table.README.read_text(), (
        "run `python examples/book/readme_table.py --write`"
    )


def _tag_keys(tags: Any) -> set[str]:
    """Tag keys of a map, or of an auto-scaling group's list of {key, value, propagateAtLaunch}."""
    return {t["key"] for t in tags} if isinstance(tags, list) else set(tags or {})


def test_every_resource_is_tagged(checked: CheckResult) -> None:
    """Taggable resources carry the standard tags (Project, Stack, Component)."""
    untagged = [r.name for r in checked.resources if r.custom and "tags" in r.inputs
                and not {"Project", "Stack", "Component"} <= _tag_keys(r.inputs["tags"])]
    assert untagged == []


def assert_bad_config_is_one_line(program: Path, overrides: Mapping[str, Any], message: str) -> None:
    """A bad config value stops the program with one line naming the key, before any resource is registered."""
    with pytest.raises(pulumi.RunError, match=message) as error:
        run_project(program, "dev", overrides=overrides)
    assert "\n" not in str(error.value)
    assert error.value.registered == []  # type: ignore[attr-defined]
