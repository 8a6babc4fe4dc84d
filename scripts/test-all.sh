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

# The suites that judge dates run again with the process clock two years ahead (libfaketime; every
# server the tests start inherits it). They must pass unchanged: no verdict may depend on today's date.
mapfile -t dated < <(grep -vE '^\s*(#|$)' scripts/dated-suites.txt)
echo "dated suites with the clock two years ahead: ${dated[*]}"
# The library is preloaded directly: the `faketime` wrapper would add a per-run named semaphore.
faketime_library=$(node -e 'import("./tools/testkit/pinned-clock.mjs").then((clock) => console.log(clock.libfaketimePath()))')
LD_PRELOAD="$faketime_library" FAKETIME='+730d' FAKETIME_DONT_FAKE_MONOTONIC=1 HARDCHECK_EXPECT_CLOCK_SHIFT_DAYS=730 \
  npx vitest run "${dated[@]}" --reporter=dot --reporter=json --outputFile.json=out/test-results-two-years-ahead.json || status=$?

node scripts/test-summary.mjs today=out/test-results.json two-years-ahead=out/test-results-two-years-ahead.json || status=1
exit $status
