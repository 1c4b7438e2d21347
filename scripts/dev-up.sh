#!/usr/bin/env bash
# `npm run dev`: brings ETL Monitor up on this machine with sample data, in the foreground.
#   system packages (root/sudo) -> npm deps -> Firebird 3 + employee -> PostgreSQL under .local/pg
#   -> build -> migrate -> seed (idempotent) -> control plane in local mode with the dev IdP.
# Everything it creates lives in .local/ and is reused by the next run. Ctrl-C stops the server
# and its runs; PostgreSQL keeps running (stop it: bash scripts/pg-cluster.sh stop .local/pg).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PG_PORT=${ETL_DEV_PG_PORT:-55432}
export PORT=${PORT:-8080}
STATE="$ROOT/.local"
CLI=(node dist/services/api/src/entrypoints/cli/main.js)

step() { printf '\n==> %s\n' "$*"; }

step "System packages"
bash scripts/install-system-deps.sh
step "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  echo "node_modules is up to date"
fi
step "Firebird 3 with the employee database"
bash scripts/firebird-up.sh
step "PostgreSQL (.local/pg, port $PG_PORT)"
mkdir -p "$STATE"
admin_url=$(bash scripts/pg-cluster.sh start "$STATE/pg" "$PG_PORT" | sed -n 's/^DATABASE_ADMIN_URL=//p')
pg_base=${admin_url%/postgres}
for db in etl_monitor etl_demo; do
  if ! psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "$admin_url" -q -c "CREATE DATABASE $db"
    echo "created database $db"
  fi
done
export DATABASE_URL="$pg_base/etl_monitor"

step "Build"
npm run build
step "Migrate"
"${CLI[@]}" migrate

# Local settings, generated once and kept (mode 0600) so sessions survive restarts.
if [ ! -s "$STATE/session-secret" ]; then
  (umask 077 && openssl rand -hex 32 >"$STATE/session-secret")
fi
export SESSION_SECRET
SESSION_SECRET=$(cat "$STATE/session-secret")
export NODE_ENV=development ETL_RUNTIME=local ETL_DEV_IDP=true ETL_HOME="$STATE"

step "Sample data"
ETL_DEMO_FIREBIRD_PASSWORD=${APP_PASSWORD:-etl-reader-dev} ETL_DEMO_DESTINATION_URL="$pg_base/etl_demo" "${CLI[@]}" seed-demo

step "ETL Monitor"
cat <<INFO
  URL:        http://127.0.0.1:$PORT/
  Sign in:    admin@example.com (admin), operator@example.com (operator), viewer@example.com (viewer)
              (development identity provider: type the email or just "admin"; any password)
  Data:       the schedule "EMPLOYEE every minute" loads Firebird employee -> $pg_base/etl_demo (table public.employee)
  Stop:       Ctrl-C
INFO
exec "${CLI[@]}" serve
