#!/usr/bin/env bash
# README command 1 (after npm ci): installs the Debian servers the lab runs (Postfix, slapd, snmpd; see
# scripts/system-packages.txt), builds, starts the demo lab on loopback, scans it, writes reports to ./out.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npx turbo run build --output-logs=errors-only >/dev/null
node examples/demo-lab/demo.mjs "$@"
