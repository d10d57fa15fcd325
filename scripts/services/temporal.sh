#!/usr/bin/env bash
# Builds (once per machine, cached) and starts the embedded Temporal server: the Temporal CLI's
# dev server (`temporal server start-dev`), a real Temporal server with SQLite persistence and the
# Web UI. Temporal's download site is unreachable here, so the CLI is built from the Go module proxy.
# Skipped when TEMPORAL_ADDRESS was set before setup (your own server is used).
# One partition per task queue: with a handful of pollers, several partitions make a task wait up
# to a second for a poller on its partition, between every training segment.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

TEMPORAL_CLI_VERSION=v1.5.1
TEMPORAL_BIN="$COHORT_CACHE/temporal-cli-$TEMPORAL_CLI_VERSION/temporal"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
state="$COHORT_STATE/temporal"
pidfile="$state/server.pid"

healthy() { "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING; }

if [ "$COHORT_TEMPORAL_EMBEDDED" != 1 ]; then
  log "temporal: using existing server at $TEMPORAL_ADDRESS"; exit 0
fi

if [ ! -x "$TEMPORAL_BIN" ]; then
  command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || apt_ensure golang-go
  export PATH="$PATH:/usr/local/go/bin"
  log "temporal: building the Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (once per machine, ~3 min)"
  GOBIN="$(dirname "$TEMPORAL_BIN").tmp" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" \
    || die "could not build the Temporal CLI (is the Go module proxy reachable?)"
  mv "$(dirname "$TEMPORAL_BIN").tmp" "$(dirname "$TEMPORAL_BIN")"
fi

if healthy; then log "temporal: already serving at $TEMPORAL_ADDRESS"; exit 0; fi

mkdir -p "$state"
host="${TEMPORAL_ADDRESS%:*}"; port="${TEMPORAL_ADDRESS##*:}"
log "temporal: starting dev server on $TEMPORAL_ADDRESS (Web UI http://$host:$TEMPORAL_UI_PORT, db $state/temporal.db)"
setsid nohup "$TEMPORAL_BIN" server start-dev \
  --ip "$host" --port "$port" --ui-port "$TEMPORAL_UI_PORT" \
  --db-filename "$state/temporal.db" --namespace "$TEMPORAL_NAMESPACE" --log-level warn \
  --dynamic-config-value matching.numTaskqueueReadPartitions=1 \
  --dynamic-config-value matching.numTaskqueueWritePartitions=1 \
  >"$COHORT_STATE/logs/temporal.log" 2>&1 < /dev/null &
echo $! >"$pidfile"
wait_for 60 healthy || die "temporal did not become healthy; see $COHORT_STATE/logs/temporal.log"
log "temporal: ready"
