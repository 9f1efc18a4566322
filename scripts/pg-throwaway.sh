#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1:$PGPORT and print its DATABASE_URL base; stop with "stop DIR".
# Used by .ci/run and `make bench`. Runs the server as the postgres user (initdb refuses root).
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ "${1:-}" = "stop" ]; then
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$2" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$2"
  exit 0
fi
PGPORT=${PGPORT:-55432}
PGDATA=$(mktemp -d /tmp/minsheng-pg.XXXXXX)
chown postgres:postgres "$PGDATA"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
echo "$PGDATA postgres://postgres@127.0.0.1:$PGPORT"
