# Shared helpers for Cohort's setup scripts (sourced, not executed).
# Everything here is idempotent: running a script twice changes nothing the second time.

COHORT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Runtime state (databases, logs, pids) lives in the checkout; heavy builds are cached per machine.
COHORT_STATE="${COHORT_STATE:-$COHORT_ROOT/.cohort}"
COHORT_CACHE="${COHORT_CACHE:-$HOME/.cache/cohort}"
mkdir -p "$COHORT_STATE/logs" "$COHORT_CACHE"

log() { printf '\033[1;34m[cohort]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cohort] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are not installed yet (one apt-get update per run, only if needed).
apt_ensure() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q >/dev/null || die "apt-get update failed (is a Debian mirror reachable?)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} with apt-get"
}

# Waits until a command succeeds, up to $1 seconds.
wait_for() {
  local seconds=$1; shift
  for _ in $(seq 1 "$((seconds * 2))"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

# Defaults for the embedded services. Set DATABASE_URL, TEMPORAL_ADDRESS or KUBECONFIG before running a script
# to use your own server instead: nothing is started for it then. The decision is made once per
# process tree (nested scripts inherit it).
if [ -z "${COHORT_PG_EMBEDDED:-}" ]; then
  if [ -n "${DATABASE_URL:-}" ]; then COHORT_PG_EMBEDDED=0; else COHORT_PG_EMBEDDED=1; fi
fi
if [ -z "${COHORT_TEMPORAL_EMBEDDED:-}" ]; then
  if [ -n "${TEMPORAL_ADDRESS:-}" ]; then COHORT_TEMPORAL_EMBEDDED=0; else COHORT_TEMPORAL_EMBEDDED=1; fi
fi
if [ -z "${COHORT_KUBE_EMBEDDED:-}" ]; then
  if [ -n "${KUBECONFIG:-}" ]; then COHORT_KUBE_EMBEDDED=0; else COHORT_KUBE_EMBEDDED=1; fi
fi
export COHORT_PG_EMBEDDED COHORT_TEMPORAL_EMBEDDED COHORT_KUBE_EMBEDDED
export COHORT_PG_PORT="${COHORT_PG_PORT:-5432}"
export DATABASE_URL="${DATABASE_URL:-postgresql://cohort:cohort@127.0.0.1:${COHORT_PG_PORT}/cohort}"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://cohort:cohort@127.0.0.1:${COHORT_PG_PORT}/cohort_test}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export KUBECONFIG="${KUBECONFIG:-$COHORT_STATE/kubernetes/admin.kubeconfig}"
