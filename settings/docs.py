"""Keep Pulumi.yaml's config declarations and README.md's config table equal to the declared keys.

`python -m settings.docs --write` rewrites Pulumi.yaml's config section and the README table between the
markers; the tests fail when either is stale.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from . import SECTIONS
from .schema import Key

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
    """Short key -> value of each committed stack file, by stack name (what the stack file itself sets)."""
    stacks = {}
    for path in sorted(repo.glob("Pulumi.*.yaml")):
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        stacks[path.name[len("Pulumi.") : -len(".yaml")]] = {
            k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("awsinaction:")
        }
    return stacks


def declaration(key: Key) -> dict[str, Any]:
    """A key's declaration in Pulumi.yaml, which the Pulumi CLI checks stack values against."""
    declared: dict[str, Any] = {"type": key.type, "description": key.description, "default": key.default}
    if key.type == "array":
        declared["items"] = {"type": "string"}
    return declared


def project_file(repo: Path = REPO) -> str:
    """Pulumi.yaml with its config section rebuilt from the declared keys (the rest kept)."""
    project = yaml.safe_load((repo / "Pulumi.yaml").read_text())
    project["config"] = {key.name: declaration(key) for module in SECTIONS.values() for key in module.KEYS}
    return yaml.safe_dump(project, sort_keys=False, width=1000, allow_unicode=True)


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
    parser.add_argument("--write", action="store_true", help="rewrite Pulumi.yaml's config and README.md's table in place")
    args = parser.parse_args(argv)
    readme_path = REPO / "README.md"
    updated = render_readme(readme_path.read_text())
    if args.write:
        readme_path.write_text(updated)
        (REPO / "Pulumi.yaml").write_text(project_file())
    else:
        print(config_table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
