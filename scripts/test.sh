#!/usr/bin/env bash
# The README's test command: sets everything up (idempotent), then runs every test against the
# real PostgreSQL, the real Temporal server and the real native engine. Ends with
# "N passed, N failed". Optional argument: a substring selecting test files.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$COHORT_ROOT"
bash scripts/setup.sh
# Nothing may print after the runner: its last line is the summary CI reads.
exec node scripts/run-tests.mjs "$@"
