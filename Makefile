# srok: `make demo` runs the main job, `make test` the tests. Both set up .venv first.
# `make help` lists every target.

PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DO_NOT_TRACK := 1
BENCH_ACCOUNTS ?= 100000
BENCH_AUDIT ?= 1000000
# BENCH_LARGE=1: the sweep on the issue's 300,000 accounts rather than BENCH_ACCOUNTS.
SWEEP_ACCOUNTS := $(if $(BENCH_LARGE),300000,$(BENCH_ACCOUNTS))
BENCH_COMMENTS ?= 100000

.PHONY: help demo test check lint bench serve clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

# srok itself is reinstalled on every sync: its editable install lists the packages it had
# when installed, so a package added since (networks/, moderation/) would not import.
$(VENV)/.synced: pyproject.toml uv.lock
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(UV) sync --frozen --inexact --compile-bytecode --quiet --reinstall-package srok
	@touch $@

demo: $(VENV)/.synced ## Build the demo city in var/demo and print its deadlines
	SROK_HOME=var/demo $(VENV)/bin/srok demo --reset

# axe-core, pinned by package-lock.json, checks the pages in the browser tests.
# Without npm those checks skip (with the reason in pytest's summary) instead of failing.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "no npm: the axe-core checks will be skipped"; fi

test: $(VENV)/.synced $(AXE) ## Run the tests (PostgreSQL ones too when SROK_TEST_DATABASE_URL is set)
	$(VENV)/bin/pytest -q

check: $(VENV)/.synced ## Lint, format check, type check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy domain moderation services models cli notifications flows publication citysite directory web networks

bench: $(VENV)/.synced ## Run the benchmarks (ratios against a baseline measured in the same run)
	$(VENV)/bin/python benchmarks/calendar_bench.py
	$(VENV)/bin/python benchmarks/sweep_bench.py $(SWEEP_ACCOUNTS)
	$(VENV)/bin/python benchmarks/flow_bench.py
	$(VENV)/bin/python benchmarks/status_bench.py $(BENCH_ACCOUNTS)
	$(VENV)/bin/python benchmarks/audit_bench.py $(BENCH_AUDIT)
	$(VENV)/bin/python benchmarks/delivery_bench.py
	$(VENV)/bin/python benchmarks/web_bench.py $(BENCH_ACCOUNTS)
	$(VENV)/bin/python benchmarks/rules_bench.py
	$(VENV)/bin/python benchmarks/moderation_bench.py $(BENCH_COMMENTS)

serve: $(VENV)/.synced ## The web app on 127.0.0.1:8608 beside a Prefect server (4200), its deployments and a worker
	scripts/serve.sh

clean: ## Remove the virtualenv, node_modules and local data
	rm -rf $(VENV) node_modules var
