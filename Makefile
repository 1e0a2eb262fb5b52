# `make run` and `make test` set everything up on a machine with only Python 3.11:
# they create .venv, install the project with its dev tools, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test coverage test-slow test-all lint format bench clean browser dashboard notebooks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

RESULTS ?= results/policy_comparison

run: $(STAMP)  ## the main job: every scenario on korea_2024 in 32 plausible worlds x 4 seeds, then the report
	$(BIN)/alliancesim sweep=policy_comparison hydra/launcher=joblib hydra.sweep.dir=$(RESULTS)
	$(BIN)/alliancesim-report $(RESULTS)

# The dashboard's browser test drives Debian's chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "warning: chromium could not be installed; the browser test will be skipped"

# Coverage of sim/, agents/ and scenarios/ by the tests make test runs; make coverage fails
# below it.
COVERAGE_FLOOR ?= 89

# Tests run on every core (pytest-xdist); each test is independent of the others.
PYTEST := $(BIN)/python -m pytest -q -n auto

test: lint browser  ## lint, then the test suite (slow tests excluded)
	$(PYTEST) -m "not slow"

# Coverage tracing doubles the suite's time (3 min 18 s without, 6 min 26 s with, measured
# 2026-12-02 on an idle 2-core machine), so it is a target of its own, which CI runs.
coverage: $(STAMP) browser  ## the tests make test runs, with a coverage report and floor
	$(PYTEST) -m "not slow" --cov --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR)

test-slow: $(STAMP) browser  ## only the tests marked slow (over about 20 s each); CI runs them
	$(PYTEST) -m slow

test-all: lint browser  ## every test, including those marked slow
	$(PYTEST)

lint: $(STAMP)  ## style, types, and the import layers (docs/architecture.md)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

dashboard: $(STAMP)  ## the interactive dashboard (Mesa SolaraViz); prints its URL
	$(BIN)/alliancesim-dashboard

# JupyterLab and nbconvert (the `notebooks` extra), installed into .venv on first use.
# Solara's Jupyter server extension (installed with solara, for the dashboard) makes
# JupyterLab refuse its own token (403 Forbidden on every API call), so it is off here.
NOTEBOOKS_STAMP := $(VENV)/.notebooks
NOTEBOOK_PORT ?= 8888
NO_SOLARA := --ServerApp.jpserver_extensions="{'solara.server.jupyter.server_extension': False}"

$(NOTEBOOKS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	touch $(NOTEBOOKS_STAMP)

notebooks: $(NOTEBOOKS_STAMP)  ## JupyterLab on notebooks/ (prints its URL; Ctrl-C stops it)
	@echo "JupyterLab on notebooks/: open the http://127.0.0.1:$(NOTEBOOK_PORT)/lab?token=... URL printed below"
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(NOTEBOOK_PORT) \
		--ServerApp.root_dir=notebooks $(NO_SOLARA) $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)  ## engine speed and memory (prints figures; not a test)
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
