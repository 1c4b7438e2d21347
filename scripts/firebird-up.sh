#!/usr/bin/env bash
# Makes sure the local Firebird 3 server (Debian packages) is installed, configured and running
# with the employee example database. Runs the full setup only when something is missing, so a
# second run takes a fraction of a second. Needs root (or sudo) the first time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export FB_PASSWORD=${FB_PASSWORD:-masterkey} APP_USER=${APP_USER:-ETL_READER} APP_PASSWORD=${APP_PASSWORD:-etl-reader-dev}
probe() {
  command -v isql-fb >/dev/null 2>&1 || return 1
  printf 'select count(*) from employee;\n' | ISC_USER=SYSDBA ISC_PASSWORD="$FB_PASSWORD" timeout 20 isql-fb -q 127.0.0.1:employee 2>/dev/null | grep -q '42'
}
if probe; then echo "firebird-up: Firebird 3 is running with the employee database"; exit 0; fi
SUDO=(); [ "$(id -u)" = 0 ] || SUDO=(sudo -E)
# A server that is installed but stopped only needs a start.
if command -v isql-fb >/dev/null 2>&1 && [ -f /var/lib/firebird/3.0/data/employee.fdb ]; then
  "${SUDO[@]}" /etc/init.d/firebird3.0 start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do probe && { echo "firebird-up: started Firebird 3"; exit 0; }; sleep 0.5; done
fi
"${SUDO[@]}" env FB_PASSWORD="$FB_PASSWORD" APP_USER="$APP_USER" APP_PASSWORD="$APP_PASSWORD" sh "$ROOT/scripts/firebird-setup.sh"
probe || { echo "firebird-up: Firebird does not answer after setup (see /var/log/firebird/firebird3.0.log)" >&2; exit 1; }
