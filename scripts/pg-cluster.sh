#!/usr/bin/env bash
# pg-cluster.sh start DIR [PORT] | stop DIR
# A private PostgreSQL 15 cluster from Debian's binaries: the dev stack keeps it under .local/,
# the test suite makes a throwaway one. initdb refuses to run as root, so as root it runs as
# the `postgres` user. Prints DATABASE_ADMIN_URL=... on start.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: pg-cluster.sh start|stop DIR [PORT]}
DIR=${2:?usage: pg-cluster.sh start|stop DIR [PORT]}
RUN=()
if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi

case "$cmd" in
  start)
    PORT=${3:-$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')}
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; chmod 0755 "$DIR"; fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      "${RUN[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    fi
    if ! "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null
    else
      PORT=$(sed -n '4p' "$DIR/data/postmaster.pid")
    fi
    echo "DATABASE_ADMIN_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    if [ -f "$DIR/data/postmaster.pid" ]; then
      "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    fi
    ;;
  *) echo "usage: pg-cluster.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
