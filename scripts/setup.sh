#!/usr/bin/env bash
# Sets Cohort up on this machine, idempotently: system packages, npm dependencies, the native
# engine, the TypeScript build, the embedded PostgreSQL and Temporal servers, and migrations.
# Safe to run any number of times; a second run changes nothing.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$COHORT_ROOT"
started=$SECONDS

# System packages: a C++ toolchain, CMake and OpenBLAS (its OpenMP build: one thread pool shared
# with the engine's own kernels) for the native engine; PostgreSQL; Chromium for the dashboard's
# browser tests (driven by playwright-core, which downloads no browser of its own).
apt_ensure build-essential cmake libopenblas-openmp-dev postgresql chromium
# 20.19: @kubernetes/client-node is an ES module loaded with require().
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null \
  || die "Node.js >= 20.19 is required (found $(node --version 2>/dev/null || echo none))"

# npm dependencies: reinstalled only when the lockfile changed since the last install.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.cohort-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.cohort-lock-hash
fi

# The Prisma client, generated offline (see scripts/lib/prisma-env.sh).
source scripts/lib/prisma-env.sh
log "generating the Prisma client"
node_modules/.bin/prisma generate >/dev/null

# With its CUDA backend, compiled from PyPI wheels (no GPU needed): a CUDA compile error fails
# setup, so it cannot land. COHORT_CUDA=AUTO builds CPU-only where the wheels cannot be fetched.
log "building the native engine"
COHORT_CUDA="${COHORT_CUDA:-ON}" bash scripts/build-native.sh
log "building TypeScript"
node_modules/.bin/tsc -b tsconfig.json
bash scripts/build-dashboard.sh

bash scripts/services/postgres.sh
bash scripts/services/temporal.sh
bash scripts/services/kubernetes.sh
node libs/lineage/dist/src/migrate-cli.js "$DATABASE_URL" "$TEST_DATABASE_URL"
# The first admin API token, straight into the database (kept while it stays valid); the CLI and
# the demo read it from this 0600 file. Its path is logged, never the token.
node libs/lineage/dist/src/token-cli.js ensure-admin "$DATABASE_URL" "$COHORT_STATE/admin-token"

log "setup done in $((SECONDS - started)) s"
