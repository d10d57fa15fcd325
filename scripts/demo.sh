#!/usr/bin/env bash
# The README's main command: sets everything up (idempotent), starts the orchestrator and a CPU
# gpu-worker, runs the tiny demo suite end to end and prints where to look at the results.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$COHORT_ROOT"
bash scripts/setup.sh
bash scripts/services/apps.sh start
export COHORT_API_URL="http://127.0.0.1:${PORT:-3000}"
node apps/orchestrator/dist/src/cli/main.js suite launch "${1:-examples/tiny-suite.yaml}" --wait
cat <<INFO

Where to look:
  REST      $COHORT_API_URL/suites        (OpenAPI: $COHORT_API_URL/docs)
  GraphQL   $COHORT_API_URL/graphql
  Temporal  http://127.0.0.1:${TEMPORAL_UI_PORT:-8233}   (Web UI; embedded server only)
  CLI       node apps/orchestrator/dist/src/cli/main.js suite list
  logs      $COHORT_STATE/logs/
The orchestrator and gpu-worker keep running; stop them with: bash scripts/services/apps.sh stop
INFO
