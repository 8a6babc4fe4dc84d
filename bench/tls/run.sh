#!/usr/bin/env bash
# TLS bench: hardcheck vs testssl.sh, sslscan and nmap on the same lab servers.
# Installs the peer tools if missing (they are bench-only, not test dependencies), bundles the bench,
# then runs it inside a private network namespace with only loopback, so testssl.sh's name lookups
# and update checks go nowhere and every connection stays on this machine.
# Environment: BENCH_RUNS (default 5), TESTSSL_RUNS (default 1: a full testssl.sh run takes about a minute),
# BENCH_TOOLS (comma list of hardcheck, hardcheck-cli, node-start, node-floor, testssl.sh, sslscan, nmap; e.g.
# hardcheck-cli,node-start,node-floor,sslscan). node-start and node-floor are lower bounds for any Node.js program:
# Node.js starting and exiting, and Node.js opening as many connections as hardcheck did, one ClientHello each.
# hardcheck is the scan as one bundle; hardcheck-cli the built command as users run it.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"

missing=()
for pair in testssl:testssl.sh sslscan:sslscan nmap:nmap /usr/bin/time:time unshare:util-linux ip:iproute2 gnutls-serv:gnutls-bin openssl:openssl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
if ((${#missing[@]} > 0)); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# The bench imports hardcheck's sources directly; core must be built.
[ -f "$root/packages/core/dist/index.js" ] || (cd "$root" && npx turbo run build --filter=@hardcheck/core --output-logs=errors-only)
# The hardcheck-cli tool runs the built command itself.
[ -f "$root/packages/cli/dist/command/bin.js" ] || (cd "$root" && npx turbo run build --filter=hardcheck... --output-logs=errors-only)
esbuild="$root/node_modules/.bin/esbuild"
"$esbuild" bench.ts --bundle --platform=node --format=esm --packages=external --log-level=warning --outfile=.build/bench.mjs
# hardcheck is measured as one self-contained bundle, as a command-line build would ship it: resolving and
# loading some hundred separate modules costs Node about 200 ms more at startup than the scan itself.
# Code splitting keeps what a module loads with import() (mssql, nodemailer, ldapts, ssh2, net-snmp) in chunks of
# its own, read only by a scan that reaches those probes: a TLS scan never compiles them. The setting file parsers
# (XML, INI, properties), loaded with createRequire, stay in node_modules; a TLS scan never reads them either.
rm -rf .build/hardcheck
"$esbuild" hardcheck-assess.ts --bundle --splitting --minify --platform=node --format=esm --log-level=warning --outdir=.build/hardcheck \
  --out-extension:.js=.mjs --chunk-names=chunks/[name]-[hash] \
  --banner:js="import { createRequire as hardcheckCreateRequire } from 'node:module'; const require = hardcheckCreateRequire(import.meta.url);"

exec unshare --net bash -c 'ip link set lo up && exec node .build/bench.mjs'
