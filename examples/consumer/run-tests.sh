#!/usr/bin/env bash
# Build the sdist and the wheel from this repository, check their contents (tests/test_packaging.py),
# install the wheel with its `policies` extra into this example's own virtualenv (.venv) and run the
# example's tests against it (the components and the `awsinaction-check` console script), with the
# repository root nowhere on sys.path.
# Usage: bash examples/consumer/run-tests.sh    (PYTHON=python3.12 to pick the venv's interpreter)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
builder="$repo/.venv/bin/python"   # the repository's dev environment has `build` (pyproject dev extra)
[ -x "$builder" ] || builder="${PYTHON:-python3}"

dist="$(mktemp -d)"
trap 'rm -rf "$dist"' EXIT
echo "== build sdist and wheel"
"$builder" -m build --outdir "$dist" "$repo" >"$dist/build.log" 2>&1 || { cat "$dist/build.log"; exit 1; }
wheel="$(ls "$dist"/awsinaction_components-*.whl)"
echo "== check their contents: $(basename "$wheel")"
(cd "$repo" && AWSINACTION_DIST="$dist" "$builder" -m pytest -q tests/test_packaging.py)

echo "== install the wheel into examples/consumer/.venv"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
pip() { "$venv/bin/python" -m pip --quiet --disable-pip-version-check install --no-compile "$@" >"$dist/pip.log" 2>&1 || { cat "$dist/pip.log"; exit 1; }; }
# Dependencies resolve from the wheel's metadata (kept in the pip cache); the wheel itself is always
# reinstalled, because an unchanged version number does not mean unchanged contents.
pip "$wheel[policies]" -r "$here/requirements.txt" "pytest>=8,<10"
pip --no-deps --force-reinstall "$wheel"

echo "== run the consumer's tests against the installed wheel"
cd "$here"
env -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" "$@"
