#!/usr/bin/env bash
# Writes a new SQL migration: the difference between the schema snapshot of the latest migration
# and prisma/schema.prisma. Usage: scripts/db-diff.sh <name>; review the SQL, commit, run setup.
# Why snapshots: offline, Prisma's diff against a live or shadow database needs the native schema
# engine; a diff between two schema files runs on the bundled WebAssembly engine.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/prisma-env.sh"
cd "$COHORT_ROOT"
name="${1:?usage: scripts/db-diff.sh <migration-name>}"
latest="$(ls -d prisma/migrations/*/ 2>/dev/null | sort | tail -1)"
from=(--from-empty)
[ -n "$latest" ] && from=(--from-schema-datamodel "${latest}schema.prisma")
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir"
node_modules/.bin/prisma migrate diff "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script \
  > "$dir/migration.sql"
cp prisma/schema.prisma "$dir/schema.prisma"
log "wrote $dir/migration.sql"
