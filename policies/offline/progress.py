"""Progress of a check on a terminal: one line per step on stderr; silent in CI, in pipes and in files."""

import os
import sys
import time
from typing import Mapping, Optional, TextIO


class Progress:
    """Callable with each step's name; prints it with the time elapsed, only for a person watching a terminal."""

    def __init__(self, stream: Optional[TextIO] = None, environ: Optional[Mapping[str, str]] = None) -> None:
        self.stream = stream or sys.stderr
        environ = os.environ if environ is None else environ
        # CI servers set CI (GitHub, GitLab, CircleCI, Travis, Buildkite...): their logs want no chatter.
        self.enabled = self.stream.isatty() and not environ.get("CI")
        self.started = time.perf_counter()

    def __call__(self, step: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.started:5.1f}s] {step} ...", file=self.stream, flush=True)
