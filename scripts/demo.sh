#!/usr/bin/env bash
# The README's main command: sets everything up (idempotent), starts the orchestrator and a CPU
# gpu-worker, runs the tiny demo suite end to end and prints where to look at the results.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$COHORT_ROOT"
bash scripts/setup.sh
bash scripts/services/apps.sh start
export COHORT_API_URL="http://127.0.0.1:${PORT:-3000}"
# The admin token setup made (the CLI would find it there anyway; named here so the demo says so).
export COHORT_TOKEN_FILE="$COHORT_STATE/admin-token"
spec="${1:-examples/tiny-suite.yaml}"
shared="${COHORT_SHARED_DATA:-$COHORT_ROOT/../shared/data}"
if [ ! -d "$shared" ]; then
  # Without the benchmark files only the synthetic-corpus probes can run: drop the public tasks.
  log "no benchmark data at $shared: the demo evaluates the synthetic probes only"
  spec_dir="$COHORT_STATE/demo"; mkdir -p "$spec_dir"
  node -e 'const y = require("yaml"), fs = require("fs"); const s = y.parse(fs.readFileSync(process.argv[1], "utf8"));
    s.evals.tasks = s.evals.tasks.filter((t) => String(t.task ?? t).startsWith("synthetic_"));
    fs.writeFileSync(process.argv[2], y.stringify(s));' "$spec" "$spec_dir/spec.yaml"
  spec="$spec_dir/spec.yaml"
fi
node apps/orchestrator/dist/src/cli/main.js suite launch "$spec" --wait
cat <<INFO

Where to look:
  REST      $COHORT_API_URL/suites        (OpenAPI: $COHORT_API_URL/docs)
  GraphQL   $COHORT_API_URL/graphql
  Temporal  http://127.0.0.1:${TEMPORAL_UI_PORT:-8233}   (Web UI; embedded server only)
  CLI       node apps/orchestrator/dist/src/cli/main.js suite list
  logs      $COHORT_STATE/logs/
The orchestrator and gpu-worker keep running; stop them with: bash scripts/services/apps.sh stop

Dashboard: http://127.0.0.1:${DASHBOARD_PORT:-3001}/  (sign in with a token: the admin one is in
  $COHORT_TOKEN_FILE; make a read-only one with: cohort token create --name NAME --role viewer)
INFO
log "demo done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
