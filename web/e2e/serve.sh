#!/usr/bin/env bash
# The server the browser tests drive: the embedded default (SQLite, in-process limits)
# in a throw-away data directory, seeded with the demo tenant, serving web/dist.
set -euo pipefail
cd "$(dirname "$0")/../.."
data_dir="web/test-results/server"
rm -rf "$data_dir" && mkdir -p "$data_dir"
export ATHANOR_DATA_DIR="$data_dir"
export ATHANOR_ENVIRONMENT=test
export ATHANOR_PUBLIC_URL="http://127.0.0.1:${E2E_PORT}"
export ATHANOR_LOG_LEVEL=INFO
for name in USER TENANT API_KEY ANONYMOUS; do export "ATHANOR_RATE_LIMIT_${name}=100000/minute"; done
# Quiet unless it fails (its progress spinner would fill the test output).
.venv/bin/athanor migrate > "$data_dir/migrate.log" 2>&1 || { cat "$data_dir/migrate.log" >&2; exit 1; }
.venv/bin/athanor seed-demo --json > "$data_dir/demo.json"
# The JSON log lines (mail links included) are what the tests read links from.
exec .venv/bin/athanor serve --port "${E2E_PORT}" 2> "$data_dir/server.log"
