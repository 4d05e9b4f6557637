"""The HTML report in a real headless Chromium: the tree, the violations and the chart are visible; no network."""

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from policies.offline.analyze import Diagnostic
from policies.offline.check import CheckResult, run_check
from policies.offline.formats import render
from tests.browser import missing_reason, page

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "located_program"


@pytest.fixture(scope="module")
def located() -> CheckResult:
    return run_check(FIXTURE, "test")


def test_the_report_is_self_contained(located: CheckResult) -> None:
    html = render("html", located)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no resource from the network"
    assert "<script" not in html and "default-src 'none'" in html


def test_the_report_escapes_what_programs_and_policies_wrote(located: CheckResult) -> None:
    evil = Diagnostic("some-pack", "some-policy", "advisory", "", "<script>alert(1)</script>")
    packs = [replace(located.packs[0], diagnostics=[*located.packs[0].diagnostics, evil]), *located.packs[1:]]
    html = render("html", replace(located, packs=packs))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_chromium_shows_the_tree_the_violations_and_the_chart(located: CheckResult, tmp_path: Path) -> None:
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    report = tmp_path / "report.html"
    report.write_text(render("html", located))
    requests: list[str] = []
    with page() as tab:
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(report.as_uri())
        assert tab.title() == "Policy check of stack test: FAIL"
        tree = tab.locator("#tree")
        assert tree.get_by_text("assets", exact=True).is_visible()
        child = tree.locator("code", has_text="assets-files")
        assert child.is_visible(), "a component with violations is unfolded"
        tree.locator("summary", has_text="assets").first.click()
        assert not child.is_visible(), "clicking the component folds it"
        violations = tab.locator("#violations .policy")
        assert violations.count() == len({(d.pack, d.policy) for d in located.violations})
        assert tab.locator("#violations .fix", has_text="Set encrypted=True.").first.is_visible()
        bars = tab.locator("#cost svg rect")
        assert bars.count() >= 2 and bars.first.is_visible() and bars.first.bounding_box()["width"] > 50
        tab.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert [url for url in requests if not url.startswith("file://")] == []
