#!/usr/bin/env bash
# README command 1 (after npm ci): installs the Debian servers the lab runs (Postfix, slapd, snmpd; see
# scripts/system-packages.txt), builds, then starts and scans two loopback labs: the demo lab (tls-baseline,
# network-baseline; reports in ./out) and the OpenScape lab (both OpenScape packs; every report in ./out/openscape).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npx turbo run build --output-logs=errors-only >/dev/null
node examples/demo-lab/demo.mjs "$@"
node examples/openscape-lab/lab.mjs --out out/openscape
