# The two commands: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv from PATH, or a private copy bootstrapped with pip on a machine that has none.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and the printed demo login point at the address being served.
export ATHANOR_PUBLIC_URL ?= http://$(HOST):$(PORT)

.PHONY: help run test test-fast lint typecheck openapi openapi-check bench clean

help:
	@echo "make run        install, migrate, seed the demo tenant and serve at http://$(HOST):$(PORT)"
	@echo "make test       install and run every check and test suite (SQLite and PostgreSQL)"
	@echo "make test-fast  unit and API tests on SQLite only, for a quick loop"
	@echo "make openapi    regenerate docs/openapi.json"
	@echo "make bench      run every benchmark under bench/"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed

run: .venv/.installed
	$(RUN) athanor migrate
	$(RUN) athanor seed-demo
	@echo "Athanor is starting at http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	$(RUN) athanor serve --host $(HOST) --port $(PORT)

lint: .venv/.installed
	$(RUN) ruff check src tests
	$(RUN) ruff format --check src tests
	$(RUN) lint-imports

typecheck: .venv/.installed
	$(RUN) mypy

openapi: .venv/.installed
	$(RUN) athanor openapi --output docs/openapi.json

test: lint typecheck
	$(RUN) pytest -q -p no:cacheprovider

test-fast: .venv/.installed
	$(RUN) pytest -q -x --db sqlite -m "not slow"

bench: .venv/.installed
	@shopt -s nullglob; found=0; for script in bench/bench_*.py; do found=1; echo "== $$script"; $(RUN) python $$script || exit 1; done; \
	  [ $$found = 1 ] || echo "No benchmarks yet."

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache
