"""When the checked program fails under mocks, say why in words that point at the cause.

A failure inside an `apply` is traced to the resource output it ran on; a failure after an invoke names the
invoke; a missing import names the interpreter to install into. The message is one line, followed by the
program's own frame (file, line, code), and never blames a policy: no policy has run yet.
"""

import linecache
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import pulumi

HINT = "give the value it needs with --mocks module:Class, or leave computed values unknown with --preview"
"""What a user can do when a mocked value does not suit the program."""


class ProgramError(Exception):
    """The program stopped under mocks (a refused argument, a failed apply, a missing package): one line for the user."""


@dataclass
class ApplyFailure:
    """An exception raised by a callback given to Output.apply, with the Output it was applied to."""

    output: Any
    error: BaseException
    frames: list[traceback.FrameSummary]
    """The traceback when the callback raised (asyncio later keeps only where the error was re-raised)."""


@contextmanager
def watch_applies(failures: list[ApplyFailure]) -> Iterator[None]:
    """Record every failing `apply` callback (with its Output) while the program runs."""
    original = pulumi.Output.apply

    def apply(self: Any, func: Any, run_with_unknowns: bool = False) -> Any:
        def watched(value: Any) -> Any:
            try:
                return func(value)
            except Exception as error:
                failures.append(ApplyFailure(self, error, traceback.extract_tb(error.__traceback__)))
                raise

        return original(self, watched, run_with_unknowns)

    pulumi.Output.apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi.Output.apply = original  # type: ignore[method-assign]


def program_frame(
    error: BaseException, project_dir: Path, frames: Optional[list[traceback.FrameSummary]] = None
) -> Optional[traceback.FrameSummary]:
    """The deepest frame of the traceback that lies in the program's own files."""
    root = str(Path(project_dir).resolve())
    found = [f for f in frames or traceback.extract_tb(error.__traceback__) if str(Path(f.filename).resolve()).startswith(root + "/")]
    return found[-1] if found else None


def _where(frame: Optional[traceback.FrameSummary], project_dir: Path) -> str:
    if frame is None:
        return ""
    relative = Path(frame.filename).resolve().relative_to(Path(project_dir).resolve())
    code = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
    return f"\n  at {relative}:{frame.lineno}: {code}"


def _source_of(failure: ApplyFailure) -> str:
    """'<resource> (<type>) output <name>' for the Output an apply ran on, as far as it can be told."""
    data = getattr(failure.output, "_data", None)
    resources = data.result().resources if data is not None and data.done() and not data.exception() else set()
    for resource in resources:
        for attribute, value in vars(resource).items():
            if value is failure.output:
                return f"{resource._name} ({resource._type}) output {attribute}"
    names = sorted(f"{r._name} ({r._type})" for r in resources if hasattr(r, "_name"))
    return f"outputs of {', '.join(names[:3])}" if names else "a value"


def _summary(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


def describe(error: BaseException, project_dir: Path, failures: list[ApplyFailure], invokes: list[str]) -> str:
    """One line saying what failed and what to do, plus the program's own frame."""
    frame = program_frame(error, project_dir)
    if isinstance(error, ModuleNotFoundError):
        return (
            f"the program imports {error.name}, which is not installed for {sys.executable}: install the program's "
            "requirements into the interpreter that runs the check (or install the check into the program's virtualenv)"
            + _where(frame, project_dir)
        )
    if isinstance(error, SyntaxError):
        where = Path(error.filename or "").name or "the program"
        return f"the program has a syntax error in {where} line {error.lineno}: {error.msg}" + (
            f"\n  {(error.text or '').strip()}" if error.text else ""
        )
    if isinstance(error, SystemExit):
        message = f"the program called sys.exit({error.code!r}) before it finished; a Pulumi program must not exit"
        return message + _where(frame, project_dir)
    failure = next((f for f in failures if program_frame(f.error, project_dir, f.frames)), None)
    if failure is not None:
        return (
            f"the program failed in an apply on {_source_of(failure)} with {_summary(failure.error)}; {HINT}"
            + _where(program_frame(failure.error, project_dir, failure.frames), project_dir)
        )
    if isinstance(error, ValueError):
        # A component or the program refused its arguments: the message names them; the line says which call.
        return " ".join(str(error).split())[:300] + _where(frame, project_dir)
    if invokes:  # a mocked answer may be what the program could not use
        return f"the program failed with {_summary(error)} (its last invoke: {invokes[-1]}); {HINT}" + _where(frame, project_dir)
    return f"the program failed with {_summary(error)}" + _where(frame, project_dir)
