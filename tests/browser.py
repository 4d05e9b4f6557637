"""Open a report in a real headless Chromium (Debian's, driven by Playwright) and take its picture.

Also regenerates the README's picture of the HTML report:
`.venv/bin/python -m tests.browser` writes docs/images/html-report.png from the prod stack compared with dev.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium package (apt-get install chromium); Playwright never downloads a browser here."""
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # without these it reaches for the internet at start
    "--disable-component-update",
    "--disable-sync",
]


def missing_reason() -> Optional[str]:
    """Why no browser test can run on this machine, or None when it can."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[dev]')"
    return None


@contextmanager
def page(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A page of a fresh headless Chromium with its own empty profile."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS, viewport={"width": width, "height": height}
        )
        try:
            yield context.new_page()
        finally:
            context.close()


def screenshot(html: Path, png: Path, full_page: bool = False) -> None:
    with page() as tab:
        tab.goto(html.resolve().as_uri())
        tab.screenshot(path=str(png), full_page=full_page)


def _readme_picture() -> None:
    import json

    from policies.offline.check import run_check
    from policies.offline.cost_diff import compare
    from policies.offline.formats import render
    from policies.offline.formats.json_report import to_json

    repo = Path(__file__).resolve().parent.parent
    dev, prod = run_check(repo, "dev"), run_check(repo, "prod")
    diff = compare(json.loads(json.dumps(to_json(dev))), prod, "dev.json")
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "prod.html"
        html.write_text(render("html", prod, diff))
        target = repo / "docs" / "images" / "html-report.png"
        target.parent.mkdir(exist_ok=True)
        screenshot(html, target, full_page=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    os.environ.setdefault("CI", "true")  # no progress lines
    _readme_picture()
