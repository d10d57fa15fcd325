#!/usr/bin/env bash
# Builds the dashboard's static page (apps/dashboard/dist) with Vite, only when its sources or the
# chart builders it shares with the analyses changed since the last build.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$COHORT_ROOT"
stamp=apps/dashboard/dist/.source-hash
hash="$(find apps/dashboard -path apps/dashboard/dist -prune -o -path apps/dashboard/node_modules -prune -o -type f -print \
  | LC_ALL=C sort | xargs cat libs/analysis/src/*.ts package-lock.json | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then exit 0; fi
log "building the dashboard (vite)"
npm run build -w @cohort/dashboard --silent
echo "$hash" > "$stamp"
