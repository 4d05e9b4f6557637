"""The package schema other Pulumi languages see, computed offline, and the rules for changing it.

    python -m provider.schema            print the schema computed from ALL_COMPONENTS
    python -m provider.schema --check    exit 1 when schema/awsinaction.json is stale or a rule is broken
    python -m provider.schema --write    regenerate schema/awsinaction.json (refused while a rule is broken)

Rules (tests/test_schema.py runs the same checks): every component, input, output, enum and enum
value has a type and a description; the committed file equals the computed schema; the version in
components/__init__.py is the top entry of CHANGELOG.md; a released version (git tag v<version>)
never changes its schema, so a changed schema needs a new version first.
"""

import json
import re
import subprocess
import sys
from typing import Any, Iterator, Mapping, Optional

from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

from .package import PACKAGE, REPO, load_package

SCHEMA_FILE = REPO / "schema" / f"{PACKAGE}.json"
"""The reviewed, committed schema."""
CHANGELOG = REPO / "CHANGELOG.md"
SCHEMA_PATH_IN_GIT = SCHEMA_FILE.relative_to(REPO).as_posix()
UNTYPED_REF = "pulumi.json#/Any"
"""What the analyzer emits for `Any`: other languages then get an untyped value."""
_VERSION_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\]", re.MULTILINE)


def compute() -> dict[str, Any]:
    """Analyze every component of ALL_COMPONENTS as the plugin does and return the schema as JSON data."""
    package = load_package()
    result = Analyzer(PACKAGE).analyze(list(package.ALL_COMPONENTS))
    schema = generate_schema(
        PACKAGE,
        package.__version__,
        None,
        result["component_definitions"],
        result["type_definitions"],
        result["dependencies"],
    )
    return schema.to_json()


def render(schema: Mapping[str, Any]) -> str:
    """Deterministic text of a schema: sorted keys, two-space indent, final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _property_problems(where: str, prop: Mapping[str, Any], described: bool = True) -> Iterator[str]:
    if "type" not in prop and "$ref" not in prop:
        yield f"{where}: has no type"
    if prop.get("$ref") == UNTYPED_REF:
        yield f"{where}: is typed Any; use a concrete type"
    if described and not str(prop.get("description") or "").strip():
        yield f"{where}: has no description (write a docstring right below the field)"
    for nested in ("items", "additionalProperties"):
        if nested in prop:
            yield from _property_problems(f"{where}.{nested}", prop[nested], described=False)


def undocumented(schema: Mapping[str, Any]) -> list[str]:
    """Every component, input, output, type, enum value or nested property lacking a type or a description."""
    problems: list[str] = []
    for token, resource in sorted(schema.get("resources", {}).items()):
        if not str(resource.get("description") or "").strip():
            problems.append(f"{token}: has no description (write the class docstring)")
        for kind in ("inputProperties", "properties"):
            for name, prop in sorted(resource.get(kind, {}).items()):
                problems.extend(_property_problems(f"{token} {kind}.{name}", prop))
    for token, type_ in sorted(schema.get("types", {}).items()):
        if not str(type_.get("description") or "").strip():
            problems.append(f"{token}: has no description (write the class docstring)")
        for value in type_.get("enum", []):
            if not str(value.get("description") or "").strip():
                problems.append(f"{token} value {value.get('value')!r}: has no description (write a docstring below the member)")
        for name, prop in sorted(type_.get("properties", {}).items()):
            problems.extend(_property_problems(f"{token} properties.{name}", prop))
    return problems


def changelog_versions(text: str) -> list[str]:
    """Versions of the CHANGELOG's `## [X.Y.Z]` entries, newest (top) first; `[Unreleased]` is skipped."""
    return _VERSION_HEADING.findall(text)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def release_problems(version: str, schema_text: str, changelog_text: str, released: Mapping[str, Optional[str]]) -> list[str]:
    """Why `schema_text` at `version` may not be committed, given the CHANGELOG and the released schemas.

    `released` maps each released version (a git tag v<version>) to its committed schema text, or
    None when that release had no schema file yet.
    """
    problems = []
    entries = changelog_versions(changelog_text)
    if not entries or entries[0] != version:
        top = entries[0] if entries else "none"
        problems.append(f"CHANGELOG.md: the top entry is {top}, but the package version is {version}; add `## [{version}] - <date>`")
    newer = [v for v in released if re.fullmatch(r"\d+\.\d+\.\d+", v) and _version_key(v) > _version_key(version)]
    if newer:
        problems.append(f"version {version} is older than the released {max(newer, key=_version_key)}")
    if released.get(version) not in (None, schema_text):
        problems.append(
            f"the schema differs from the released v{version}: a release never changes; bump __version__ in "
            "components/__init__.py (major for a breaking change), add the CHANGELOG entry, then regenerate"
        )
    return problems


def released_schemas() -> dict[str, Optional[str]]:
    """{version: schema text} for every git tag v<version> of this repository ({} outside a git checkout)."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)

    try:
        tags = git("tag", "--list", "v*")
    except OSError:
        return {}
    if tags.returncode != 0:
        return {}
    released: dict[str, Optional[str]] = {}
    for tag in tags.stdout.split():
        shown = git("show", f"{tag}:{SCHEMA_PATH_IN_GIT}")
        released[tag[1:]] = shown.stdout if shown.returncode == 0 else None
    return released


def stale_message() -> str:
    """The problem reported when the committed file is not the computed schema (the only one --write fixes)."""
    return f"{SCHEMA_FILE.relative_to(REPO)} is not the computed schema; review the change and run `python -m provider.schema --write`"


def check() -> list[str]:
    """Every problem with the computed schema and the committed file, as the tests see them."""
    schema = compute()
    text = render(schema)
    changelog = CHANGELOG.read_text() if CHANGELOG.is_file() else ""
    problems = undocumented(schema) + release_problems(schema["version"], text, changelog, released_schemas())
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.is_file() else ""
    if committed != text:
        problems.append(stale_message())
    return problems


def main(argv: list[str]) -> int:
    """Print, check or write the schema; see the module docstring."""
    if not argv:
        sys.stdout.write(render(compute()))
        return 0
    if argv not in (["--check"], ["--write"]):
        print(__doc__, file=sys.stderr)
        return 2
    problems = check()
    if argv == ["--write"]:
        problems = [p for p in problems if p != stale_message()]
        if not problems:
            SCHEMA_FILE.parent.mkdir(exist_ok=True)
            SCHEMA_FILE.write_text(render(compute()))
            print(f"wrote {SCHEMA_FILE.relative_to(REPO)}")
            return 0
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{SCHEMA_FILE.relative_to(REPO)} is current ({json.loads(SCHEMA_FILE.read_text()).get('version', '?')})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
