#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops and deletes it.
# The command sees TEST_DATABASE_URL. PostgreSQL refuses to run as root, so the server runs as
# the `postgres` user when the script is root. fsync is off unless PG_FSYNC=on (the benchmark).
#   scripts/with-postgres.sh swift test --no-parallel --filter Storage
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# Below the kernel's ephemeral range (32768 and up), so no client socket can be holding it.
PORT=${PGPORT_TEST:-25432}
DIR=$(mktemp -d /tmp/crm-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# If the port is taken (another run, another program), try the next few.
for attempt in 1 2 3 4 5 6 7 8; do
  if as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w start -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=${PG_FSYNC:-off}" >/dev/null; then
    break
  fi
  if [ "$attempt" = 8 ]; then
    echo "PostgreSQL did not start; its log:" >&2
    cat "$DIR/log" >&2
    exit 1
  fi
  PORT=$((PORT + 1))
done
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE crm_test" >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
# TEST_PG_STOP and TEST_PG_START let a test take the server away for a while (database outages).
export TEST_PG_STOP="$(if [ "$(id -u)" = 0 ]; then echo "runuser -u postgres --"; fi) $PGBIN/pg_ctl -D $DIR/data -m fast -w stop"
export TEST_PG_START="$(if [ "$(id -u)" = 0 ]; then echo "runuser -u postgres --"; fi) $PGBIN/pg_ctl -D $DIR/data -l $DIR/log -w start -o '-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=${PG_FSYNC:-off}'"
TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/crm_test" "$@"
