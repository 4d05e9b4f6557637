"""The check's report formats, one module each: text for people, JSON for tools, SARIF for code scanning,
JUnit XML for CI servers, Markdown for a pull-request comment, HTML to open and look at."""

import importlib
from typing import Optional

from ..check import CheckResult
from ..cost_diff import CostDiff

MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
    "html": "html",
}
"""Format name -> module of this package with its `render(result, diff)`; imported on use (HTML needs Jinja2)."""
FORMATS = tuple(MODULES)


def render(format_name: str, result: CheckResult, diff: Optional[CostDiff] = None) -> str:
    """The report in one format, with the cost change against a base report when there is one."""
    module = importlib.import_module(f"{__name__}.{MODULES[format_name]}")
    return module.render(result, diff)
