#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine with Node 20: installs the Debian packages
# the tests need (root or sudo), starts Firebird, installs npm dependencies, type-checks, builds,
# then runs jest (which starts its own throwaway PostgreSQL). Safe to run again and again.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-system-deps.sh
bash scripts/firebird-up.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run typecheck
npm run build
npm run jest -- --ci "$@"
