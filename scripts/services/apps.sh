#!/usr/bin/env bash
# Starts or stops Cohort's own processes in the background: the orchestrator (API, dashboard and
# orchestration worker) and one gpu-worker on the `cpu` queue. Usage: apps.sh start|stop.
# Logs: .cohort/logs/.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
cd "$COHORT_ROOT"
export PORT="${PORT:-3000}" DASHBOARD_PORT="${DASHBOARD_PORT:-3001}"
export TEMPORAL_UI_URL="${TEMPORAL_UI_URL:-http://127.0.0.1:${TEMPORAL_UI_PORT:-8233}}"
run="$COHORT_STATE/run"; mkdir -p "$run"

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

start() { # name script ready-pattern
  local name=$1 script=$2 ready=$3 logfile="$COHORT_STATE/logs/$1.log"
  if alive "$name"; then log "$name: already running (pid $(cat "$run/$name.pid"))"; return; fi
  : > "$logfile"
  setsid nohup node "$script" >"$logfile" 2>&1 < /dev/null &
  echo $! > "$run/$name.pid"
  wait_for 90 grep -q "$ready" "$logfile" || die "$name did not start; see $logfile"
  log "$name: started (pid $(cat "$run/$name.pid"), log $logfile)"
}

stop() {
  local name=$1
  alive "$name" || return 0
  kill -TERM "$(cat "$run/$name.pid")"
  wait_for 30 bash -c "! kill -0 $(cat "$run/$name.pid") 2>/dev/null" || kill -KILL "$(cat "$run/$name.pid")"
  rm -f "$run/$name.pid"; log "$name: stopped"
}

case "${1:-}" in
  start)
    start gpu-worker apps/gpu-worker/dist/src/main.js 'polling task queue'
    start orchestrator apps/orchestrator/dist/src/main.js 'polling task queue' ;;
  stop) stop orchestrator; stop gpu-worker ;;
  *) die "usage: $0 start|stop" ;;
esac
