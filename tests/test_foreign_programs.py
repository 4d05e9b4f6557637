"""Foreign programs: the offline check on Pulumi programs written the way other teams write them.

Each folder under tests/foreign/ is a complete Pulumi Python program in someone else's style, with an
expected.yaml that says what the check must report (`must`: policy and resource) and which policies
must stay silent (`must_not`: a policy, or a policy on some resources). Every program runs in update
and in preview mode, in-process, once per mode and test process.

"Reports" means a mandatory violation: pulumi-policy's advisory "can't run policy ... during
preview" (and any advisory "cannot judge") is neither a `must` finding nor a `must_not` breach.
"""

import fnmatch
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from policies.offline.analyze import Diagnostic
from policies.offline.check import CheckResult, run_check
from policies.offline.packs import load_packs

FOREIGN = Path(__file__).resolve().parent / "foreign"
PROGRAMS = sorted(p.name for p in FOREIGN.iterdir() if (p / "Pulumi.yaml").is_file() and not p.name.startswith("_"))
MODES = ("update", "preview")
STACK = "test"

# What today's check does with each program, so the lead sees them turn green. Keyed by (program, mode);
# a missing key means the program is expected to pass in that mode.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Finding:
    """One expected finding: a policy on a resource whose logical name matches one of the patterns."""

    policy: str
    resources: tuple[str, ...] = ("*",)
    type: Optional[str] = None
    modes: tuple[str, ...] = MODES

    def matches(self, diagnostic: Diagnostic) -> bool:
        name, token = resource_of(diagnostic.urn)
        return (
            diagnostic.policy == self.policy
            and any(fnmatch.fnmatchcase(name, pattern) for pattern in self.resources)
            and self.type in (None, token)
        )

    def __str__(self) -> str:
        where = " or ".join(self.resources)
        return f"{self.policy} on {where}" + (f" ({self.type})" if self.type else "")


@dataclass(frozen=True)
class Expected:
    """A program's expected.yaml."""

    must: list[Finding]
    must_not: list[Finding]
    notes: str = ""


def resource_of(urn: str) -> tuple[str, str]:
    """(logical name, type token) of a URN; a stack-level diagnostic has neither."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "", ""
    return parts[-1], parts[-2].split("$")[-1]


def _finding(entry: Any) -> Finding:
    if isinstance(entry, str):
        return Finding(entry)
    resource = entry.get("resource", "*")
    resources = tuple(resource) if isinstance(resource, list) else (resource,)
    return Finding(entry["policy"], resources, entry.get("type"), tuple(entry.get("modes", MODES)))


@functools.cache
def expected(program: str) -> Expected:
    document = yaml.safe_load((FOREIGN / program / "expected.yaml").read_text())
    return Expected(
        must=[_finding(e) for e in document.get("must") or []],
        must_not=[_finding(e) for e in document.get("must_not") or []],
        notes=document.get("notes", ""),
    )


@dataclass(frozen=True)
class Outcome:
    """What one run of the check gave: its result, or the exception that stopped it."""

    result: Optional[CheckResult]
    error: Optional[BaseException]


@functools.cache
def outcome(program: str, mode: str) -> Outcome:
    """Run the check once per program and mode in this process (runs cost 0.1-0.5 s each)."""
    try:
        return Outcome(run_check(FOREIGN / program, STACK, preview=mode == "preview"), None)
    except Exception as error:  # the assertion reports it; the cache keeps it for the other tests
        return Outcome(None, error)


@functools.cache
def policy_names() -> frozenset[str]:
    return frozenset(policy.name for pack in load_packs() for policy in pack.policies)


def _cases() -> list[Any]:
    cases = []
    for program in PROGRAMS:
        for mode in MODES:
            reason = KNOWN_FAILURES.get((program, mode))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(program, mode, id=f"{program}-{mode}", marks=marks))
    return cases


def test_the_corpus_has_the_programs_issue_13_asks_for() -> None:
    assert len(PROGRAMS) >= 12, PROGRAMS
    for program in PROGRAMS:
        folder = FOREIGN / program
        for required in ("Pulumi.yaml", f"Pulumi.{STACK}.yaml", "__main__.py", "expected.yaml"):
            assert (folder / required).is_file(), f"{program} lacks {required}"
        docstring = (folder / "__main__.py").read_text().split('"""')
        assert len(docstring) >= 3 and "style" in docstring[1], f"{program}: the docstring must say whose style it imitates"
        assert "aws:region" in yaml.safe_load((folder / f"Pulumi.{STACK}.yaml").read_text())["config"]


@pytest.mark.parametrize("program", PROGRAMS)
def test_expected_names_real_policies(program: str) -> None:
    """A typo in expected.yaml would make a must_not pass for nothing."""
    wanted = expected(program)
    for finding in wanted.must + wanted.must_not:
        assert finding.policy in policy_names(), f"{program}: no policy named {finding.policy}"
        assert set(finding.modes) <= set(MODES), f"{program}: {finding} has unknown modes {finding.modes}"
    assert set(yaml.safe_load((FOREIGN / program / "expected.yaml").read_text())) <= {"must", "must_not", "notes"}
    assert wanted.notes.strip(), f"{program}: expected.yaml must explain its entries"


@pytest.mark.parametrize(("program", "mode"), _cases())
def test_foreign_program(program: str, mode: str) -> None:
    ran = outcome(program, mode)
    if ran.error is not None:
        last_line = (str(ran.error).strip().splitlines() or [""])[-1]
        pytest.fail(f"the check stopped with {type(ran.error).__name__}: {last_line}", pytrace=False)
    assert ran.result is not None
    reported = ran.result.mandatory
    wanted = expected(program)
    missing = [str(f) for f in wanted.must if mode in f.modes and not any(f.matches(d) for d in reported)]
    false_positives = [
        f"{d.policy} on {resource_of(d.urn)[0] or 'the stack'}: {d.detail.splitlines()[0][:160]}"
        for f in wanted.must_not
        for d in reported
        if f.matches(d)
    ]
    assert not missing and not false_positives, f"missing: {missing}; reported but must not be: {false_positives}"


def test_a_second_run_registers_the_same_resources() -> None:
    """`pulumi up` starts a fresh process each time; the in-process check runs a program twice (update,
    then preview) and must register the same resources both times, including those a helper module
    declares when it is imported, as Pulumi's aws-py-eks example does."""
    program = FOREIGN / "_helper-module"
    first = run_check(program, STACK)
    second = run_check(program, STACK)
    assert sorted(r.urn for r in second.resources) == sorted(r.urn for r in first.resources)
