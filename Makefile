# briefing: `make run` sets up and runs the pipeline on the samples; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.DEFAULT_GOAL := help
.PHONY: help install run serve test test-fast lint format bench clean browser

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install briefing with its dev tools

run: $(STAMP) ## Set up, then run the whole pipeline once on the samples (and data/inbox)
	$(BIN)/briefing run

serve: $(STAMP) ## Serve the scheduled deployments (starts a local Prefect server)
	$(BIN)/briefing serve

browser: ## Install Debian's headless Chromium for the browser test (root only; skipped otherwise)
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: the browser test will be skipped"; }

test: $(STAMP) browser ## Set up, then run the whole test suite
	$(BIN)/pytest -q

test-fast: $(STAMP) ## Run the tests that start no server or browser
	$(BIN)/pytest -q -m "not slow"

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP) ## Format and fix imports with ruff
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

bench: $(STAMP) ## Benchmarks: extraction throughput, quantulum3, end-to-end on 10k articles
	$(BIN)/python benchmarks/run.py

clean: ## Remove generated state under data/ (keeps samples and inbox files)
	rm -rf data/warehouse.duckdb* data/briefings data/.prefect data/data_docs data/quarantine data/.briefing.lock
