#!/usr/bin/env bash
# A throwaway Citus cluster (a coordinator and two workers) as local PostgreSQL 15 clusters
# with Citus built from source (docker/citus/NOTES.md), then the test files given as
# arguments (default: tenant isolation and the booking race) against it: the harness
# bootstraps every node, migrates through the coordinator (the migrations distribute the
# tables) and runs pgBouncer in front of the coordinator. Everything is removed at the end.
#
#   bash docker/citus/run-local.sh [test files…]
#   KEEP=1 bash docker/citus/run-local.sh   # leaves the cluster running and prints its URLs
set -euo pipefail
cd "$(dirname "$0")/../.."

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -f "$("$PGBIN/pg_config" --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)/citus.so" ] ||
  [ -f /usr/lib/postgresql/15/lib/citus.so ] || {
  echo "Citus is not installed for PostgreSQL 15: see docker/citus/NOTES.md" >&2
  exit 1
}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test/integration/tenant-door.test.ts test/e2e/booking-race.test.ts)

base=$(mktemp -d /tmp/vetlane-citus-XXXXXX)
chmod 755 "$base"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

nodes=(coordinator worker1 worker2)
declare -A port
stop_all() {
  for n in "${nodes[@]}"; do
    [ -f "$base/$n/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$base/$n" -m fast stop >/dev/null || true
  done
  rm -rf "$base"
}
[ -n "${KEEP:-}" ] || trap stop_all EXIT

for n in "${nodes[@]}"; do
  port[$n]=$(free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$base"
  as_pg "$PGBIN/initdb" -D "$base/$n" -U postgres --auth=trust >/dev/null
  cat >>"$base/$n/postgresql.conf" <<CONF
shared_preload_libraries = 'citus'
listen_addresses = '127.0.0.1'
port = ${port[$n]}
unix_socket_directories = '$base'
max_connections = 300
max_prepared_transactions = 100
fsync = off
synchronous_commit = off
CONF
  as_pg "$PGBIN/pg_ctl" -D "$base/$n" -l "$base/$n.log" -w start >/dev/null
  echo "$n on 127.0.0.1:${port[$n]}"
done

export PG_ADMIN_URL="postgres://postgres@127.0.0.1:${port[coordinator]}/postgres"
export CITUS_WORKER_ADMIN_URLS="postgres://postgres@127.0.0.1:${port[worker1]}/postgres,postgres://postgres@127.0.0.1:${port[worker2]}/postgres"
if [ -n "${KEEP:-}" ]; then
  echo "PG_ADMIN_URL=$PG_ADMIN_URL"
  echo "CITUS_WORKER_ADMIN_URLS=$CITUS_WORKER_ADMIN_URLS"
  echo "stop with: for n in ${nodes[*]}; do runuser -u postgres -- $PGBIN/pg_ctl -D $base/\$n stop; done"
fi
NODE_OPTIONS='--experimental-vm-modules --no-warnings' npx jest --runInBand "${tests[@]}"
