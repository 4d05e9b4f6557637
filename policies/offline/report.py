"""The check's report: `render(format, result, diff)`; each format lives in formats/ (text, json, sarif, junit, markdown, html)."""

from typing import Optional

from .check import CheckResult
from .cost_diff import CostDiff
from .formats import FORMATS, render
from .formats.json_report import SECRET_TEXT, UNKNOWN_TEXT, json_value, to_json
from .formats.text import render_cost

__all__ = ["FORMATS", "SECRET_TEXT", "UNKNOWN_TEXT", "json_value", "render", "render_cost", "render_json", "render_text", "to_json"]


def render_text(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    return render("text", result, diff)


def render_json(result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    return render("json", result, diff)
