"""Website health check (book ch. 7.2): GET a page and fail when the expected text is missing.

Configured by environment variables, as in the book: `site` (the URL), `expected` (text that must
appear in the page) and `timeout` (seconds for the whole request, default 10). A failed check
raises, so it shows in the function's Errors metric, and the alarm on that metric notifies.
Every outcome is one JSON log line ("Check passed!" / "Check failed!") that Logs Insights can query.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, NamedTuple

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_BODY_BYTES = 5 * 1024 * 1024
"""Read at most this much of the page: enough for any HTML page, bounded for memory."""
CHUNK_BYTES = 64 * 1024
USER_AGENT = "awsinaction-website-health-check/1.0"


class HealthCheckError(Exception):
    """The site is down, slow, or does not contain the expected text."""


class CheckSettings(NamedTuple):
    """What to check, read from the environment."""

    site: str
    expected: str
    timeout: float


def log(level: str, message: str, **fields: Any) -> None:
    """Write one structured log line (CloudWatch Logs keeps stdout lines as they are)."""
    print(json.dumps({"level": level, "message": message, **fields}, default=str), flush=True)


def read_settings(environ: Mapping[str, str]) -> CheckSettings:
    """Read and validate `site`, `expected` and `timeout`; raise HealthCheckError naming the bad variable."""
    site = environ.get("site", "").strip()
    parsed = urllib.parse.urlsplit(site)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise HealthCheckError(f"site: {site!r} is not an http(s) URL")
    expected = environ.get("expected", "")
    if not expected:
        raise HealthCheckError("expected: is empty; set the text the page must contain")
    raw_timeout = environ.get("timeout", str(DEFAULT_TIMEOUT_SECONDS))
    try:
        timeout = float(raw_timeout)
    except ValueError:
        raise HealthCheckError(f"timeout: {raw_timeout!r} is not a number of seconds") from None
    if not 0 < timeout <= 900:
        raise HealthCheckError(f"timeout: {raw_timeout!r} is outside 0..900 seconds")
    return CheckSettings(site, expected, timeout)


def fetch(site: str, timeout: float) -> tuple[int, str]:
    """GET `site` and return (status, body); the whole exchange must finish within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(site, headers={"User-Agent": USER_AGENT})
    # The socket timeout bounds each blocking step; the deadline bounds a server that trickles bytes.
    with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked in read_settings
        chunks: list[bytes] = []
        size = 0
        while size < MAX_BODY_BYTES:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete response within {timeout:g} s")
            # read1 returns what has arrived; read(n) would wait for all n bytes and ignore the deadline.
            chunk = response.read1(min(CHUNK_BYTES, MAX_BODY_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        charset = response.headers.get_content_charset() or "utf-8"
        return response.status, b"".join(chunks).decode(charset, errors="replace")


def check(settings: CheckSettings) -> dict[str, Any]:
    """Run one check; return its result or raise HealthCheckError after logging why."""
    started = time.monotonic()

    def elapsed_ms() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        status, body = fetch(settings.site, settings.timeout)
    except urllib.error.HTTPError as error:
        error.close()
        log("ERROR", "Check failed!", site=settings.site, reason="http-status", status=error.code, elapsedMs=elapsed_ms())
        raise HealthCheckError(f"{settings.site} answered HTTP {error.code}") from None
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        reason = "timeout" if _is_timeout(error) else "unreachable"
        log("ERROR", "Check failed!", site=settings.site, reason=reason, error=str(error), elapsedMs=elapsed_ms())
        raise HealthCheckError(f"{settings.site} {reason}: {error}") from None
    if settings.expected not in body:
        log("ERROR", "Check failed!", site=settings.site, reason="expected-text-missing", expected=settings.expected,
            status=status, elapsedMs=elapsed_ms())
        raise HealthCheckError(f"{settings.site} does not contain {settings.expected!r}")
    result = {"site": settings.site, "status": status, "elapsedMs": elapsed_ms()}
    log("INFO", "Check passed!", **result)
    return result


def _is_timeout(error: BaseException) -> bool:
    return isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point, invoked by the schedule rule."""
    try:
        settings = read_settings(os.environ)
    except HealthCheckError as error:
        log("ERROR", "Check failed!", reason="configuration", error=str(error))
        raise
    return check(settings)
