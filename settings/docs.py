"""Keep README.md's config table equal to the declared keys and the committed stacks.

`python -m settings.docs --write` rewrites the table between the markers; the tests fail when it is stale.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from . import SECTIONS

START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"
REPO = Path(__file__).resolve().parent.parent


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "`" + json.dumps(value) + "`" if value else "`[]`"
    return f"`{value}`" if value != "" else '`""`'


def stack_values(repo: Path) -> dict[str, dict[str, Any]]:
    """Short key -> value of each committed stack file, by stack name."""
    stacks = {}
    for path in sorted(repo.glob("Pulumi.*.yaml")):
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        stacks[path.name[len("Pulumi.") : -len(".yaml")]] = {
            k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("awsinaction:")
        }
    return stacks


def config_table(repo: Path = REPO) -> str:
    """The Markdown table of every config key: section, type, default, value in each stack, description."""
    stacks = stack_values(repo)
    names = list(stacks)
    lines = [
        "| Key | Section | Type | Default | " + " | ".join(names) + " | Description |",
        "|---|---|---|---|" + "---|" * len(names) + "---|",
    ]
    for section, module in SECTIONS.items():
        for key in module.KEYS:
            values = " | ".join(_cell(stacks[s].get(key.name)) for s in names)
            lines.append(f"| `{key.name}` | {section} | {key.type} | {_cell(key.default)} | {values} | {key.description} |")
    return "\n".join(lines)


def render_readme(readme: str, repo: Path = REPO) -> str:
    """README text with the table between the markers replaced by the current one."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{config_table(repo)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m settings.docs")
    parser.add_argument("--write", action="store_true", help="rewrite README.md in place")
    args = parser.parse_args(argv)
    readme_path = REPO / "README.md"
    updated = render_readme(readme_path.read_text())
    if args.write:
        readme_path.write_text(updated)
    else:
        print(config_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
