#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops and deletes it.
# The command sees TEST_DATABASE_URL. PostgreSQL refuses to run as root, so the server runs as
# the `postgres` user when the script is root.
#   scripts/with-postgres.sh swift test --no-parallel --filter Storage
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PORT=${PGPORT_TEST:-55432}
DIR=$(mktemp -d /tmp/crm-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" >/dev/null
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE crm_test" >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/crm_test" "$@"
