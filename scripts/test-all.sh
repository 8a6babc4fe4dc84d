#!/usr/bin/env bash
# README command 2: installs everything the tests need (Debian and npm packages), builds, lints,
# type-checks and runs every test. Ends with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# A failure before the tests still ends with the closing line CI reads.
trap 'code=$?; if [ $code -ne 0 ] && [ -z "${tests_ran:-}" ]; then echo "setup, build or lint failed (exit $code)"; echo "0 passed, 1 failed"; fi' EXIT

bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npx turbo run build typecheck --output-logs=errors-only
npx typedoc --emit none --logLevel Error
npx biome ci .

mkdir -p out
status=0
tests_ran=1
npx vitest run --reporter=default --reporter=json --outputFile.json=out/test-results.json || status=$?
node scripts/test-summary.mjs out/test-results.json || status=1
exit $status
