#!/usr/bin/env bash
# Starts the embedded PostgreSQL (Debian's cluster) and creates the project's role and databases.
# Skipped when DATABASE_URL was set before setup (your own server is used).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

if [ "$COHORT_PG_EMBEDDED" != 1 ]; then
  log "postgres: using external server from DATABASE_URL"; exit 0
fi

apt_ensure postgresql
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
cluster=main
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c' | grep -q .; then
  log "postgres: creating cluster $version/$cluster"
  pg_createcluster "$version" "$cluster" --port "$COHORT_PG_PORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1==v && $2==c && $4=="online"' | grep -q .; then
  log "postgres: starting cluster $version/$cluster on 127.0.0.1:$COHORT_PG_PORT"
  pg_ctlcluster "$version" "$cluster" start || die "postgres failed to start: see /var/log/postgresql/"
fi
wait_for 30 pg_isready -q -h 127.0.0.1 -p "$COHORT_PG_PORT" || die "postgres is not accepting connections"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sudo -u postgres bash -c "$*"; fi; }
psql_admin() { as_postgres "psql -p $COHORT_PG_PORT -qtAX -v ON_ERROR_STOP=1 -c \"$1\""; }

# Password auth on 127.0.0.1 is Debian's default (scram-sha-256); the role just needs a password.
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='cohort'")" != 1 ]; then
  psql_admin "CREATE ROLE cohort LOGIN CREATEDB PASSWORD 'cohort'"
fi
for db in cohort cohort_test; do
  if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
    log "postgres: creating database $db"
    psql_admin "CREATE DATABASE $db OWNER cohort"
  fi
done
log "postgres: ready at 127.0.0.1:$COHORT_PG_PORT (databases cohort, cohort_test)"
