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

NPM := $(shell command -v npm 2>/dev/null)
WEB_SOURCES := $(shell find web/src web/public web/index.html web/vite.config.ts web/tsconfig*.json -type f 2>/dev/null)

.PHONY: help install run test test-fast test-web lint typecheck openapi bench clean distclean web browser doc-tools

help:
	@echo "make run        install, migrate, seed the demo tenant and serve at http://$(HOST):$(PORT)"
	@echo "make test       install and run every check and test suite (SQLite and PostgreSQL)"
	@echo "make test-fast  unit and API tests on SQLite only, for a quick loop"
	@echo "make openapi    regenerate docs/openapi.json (and the web client)"
	@echo "make bench      run every benchmark under bench/"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

# The UI is built when node/npm are present and the build is missing or stale.
web:
ifeq ($(NPM),)
	@echo "npm not found: serving the API only (install Node.js 20+ and npm for the web UI)."
else ifneq ($(wildcard web/package.json),)
	@$(MAKE) --no-print-directory web/dist/index.html
endif

# Debian's Chromium for the browser tests; no test tool downloads a browser.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# epubcheck from Debian validates the EPUB exports in the tests (it brings a Java runtime).
doc-tools:
	@test -f /usr/share/java/epubcheck.jar || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq epubcheck; }

run: .venv/.installed web
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
	@if [ -f web/package.json ]; then cd web && npm run client:generate; fi

test: lint typecheck doc-tools test-web
	$(RUN) pytest -q -p no:cacheprovider

# Front-end checks: generated client up to date, unit tests, build, JavaScript budget; then the
# browser tests (Playwright on Debian's Chromium) against a server they start on the build.
test-web: .venv/.installed browser
ifneq ($(wildcard web/package.json),)
	@$(MAKE) --no-print-directory web/node_modules/.installed
	cd web && npm run check
	cd web && npm run e2e
endif

test-fast: .venv/.installed
	$(RUN) pytest -q -x --db sqlite -m "not slow"

bench: .venv/.installed
	@shopt -s nullglob; found=0; for script in bench/bench_*.py; do found=1; echo "== $$script"; $(RUN) python $$script || exit 1; done; \
	  [ $$found = 1 ] || echo "No benchmarks yet."

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache web/node_modules web/dist web/test-results

# Also the embedded database, local files and development secrets in ./var.
distclean: clean
	rm -rf var
