#!/usr/bin/env bash
# Builds (once per machine, cached) and starts the embedded Kubernetes control plane: etcd,
# kube-apiserver (token auth + RBAC), kube-controller-manager and kube-scheduler on 127.0.0.1, and
# kwok playing the fake GPU nodes of each pool (tools/kube-control-plane/fake-nodes.yaml), so the
# real scheduler places Pods and kwok runs their lifecycle. No kubelet or container runtime can run
# on the project's machines, so containers never start; objects, scheduling and controllers are real.
# The binaries (and kubectl) come from the Go module proxy through tools/kube-control-plane.
# Skipped when KUBECONFIG was set before setup (your own cluster is used).
#   usage: kubernetes.sh [start|stop|build]
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"

KUBE_VERSION=v1.37.2
KWOK_VERSION=v0.8.0
BIN="$COHORT_CACHE/kube-control-plane-$KUBE_VERSION-kwok-$KWOK_VERSION"
MODULE="$COHORT_ROOT/tools/kube-control-plane"
state="$COHORT_STATE/kubernetes"
ETCD_PORT="${COHORT_ETCD_PORT:-2379}"
ETCD_PEER_PORT="${COHORT_ETCD_PEER_PORT:-2380}"
API_PORT="${COHORT_KUBE_API_PORT:-6443}"
# The stop order: kwok, scheduler and controller-manager first, etcd last (an apiserver that loses
# etcd first takes ~15 s to exit instead of ~3 s).
COMPONENTS=(kwok kube-scheduler kube-controller-manager kube-apiserver etcd)

build() {
  [ -x "$BIN/kwok" ] && return 0
  command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || apt_ensure golang-go
  export PATH="$PATH:/usr/local/go/bin" GOTOOLCHAIN=local GOFLAGS=-mod=readonly
  local tmp="$BIN.tmp" started=$SECONDS
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "kubernetes: building etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION and kwok $KWOK_VERSION from the Go module proxy (once per machine: ~12 min on 2 cores with empty Go caches)"
  # Without these, /version reports the source default v0.0.0-master.
  local pkg ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$KUBE_VERSION") -X $pkg.gitTreeState=clean"
  done
  (cd "$MODULE" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3) \
    || die "could not build the control plane (is the Go module proxy reachable?)"
  mv "$tmp/server" "$tmp/etcd" # with -o dir/, etcd's main package is named after its folder
  # kwok pins its own k8s.io versions, so it is built on its own rather than in the wrapper module.
  GOBIN="$tmp" GOFLAGS= go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" \
    || die "could not build kwok $KWOK_VERSION"
  # kwok needs its stage definitions (Pod and Node lifecycles); they ship inside its module.
  "$tmp/kubectl" kustomize "$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage/fast" >"$tmp/kwok-stages.yaml"
  mv "$tmp" "$BIN"
  log "kubernetes: built in $((SECONDS - started)) s ($BIN)"
}

kubectl_() { "$BIN/kubectl" --kubeconfig "$state/admin.kubeconfig" --cache-dir "$state/kubectl-cache" "$@"; }
alive() { local pid; pid="$(cat "$state/$1.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null; }
all_alive() { local name; for name in "${COMPONENTS[@]}"; do alive "$name" || return 1; done; }
ready() { curl -skf -H "Authorization: Bearer $(token)" "https://127.0.0.1:$API_PORT/readyz" >/dev/null; }
token() { cut -d, -f1 "$state/tokens.csv"; }

# Starts one component in the background unless it is running; its pid goes to $state/NAME.pid.
launch() {
  local name=$1; shift
  alive "$name" && return 0
  setsid nohup "$BIN/$name" "$@" >"$COHORT_STATE/logs/kube-$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

# Waits for a readiness check while the component's process is alive.
await() {
  local name=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$((seconds * 2))"); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || die "$name exited; see $COHORT_STATE/logs/kube-$name.log"
    sleep 0.5
  done
  die "$name did not become ready in ${seconds} s; see $COHORT_STATE/logs/kube-$name.log"
}

credentials() {
  mkdir -p "$state/pki"
  [ -f "$state/sa.key" ] || openssl genrsa -out "$state/sa.key" 2048 2>/dev/null
  [ -f "$state/tokens.csv" ] || (umask 077; echo "$(openssl rand -hex 16),admin,admin,system:masters" >"$state/tokens.csv")
}

# The apiserver writes its self-signed serving cert (leaf + CA) on first start; the kubeconfig
# trusts that CA, so clients verify TLS.
kubeconfig() {
  awk '/BEGIN CERT/{n++} n==2' "$state/pki/apiserver.crt" >"$state/pki/ca.crt"
  kubectl_ config set-cluster cohort-local --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$state/pki/ca.crt" --embed-certs=true >/dev/null
  kubectl_ config set-credentials cohort-admin --token="$(token)" >/dev/null
  kubectl_ config set-context cohort-local --cluster=cohort-local --user=cohort-admin >/dev/null
  kubectl_ config use-context cohort-local >/dev/null
}

start() {
  if [ "$COHORT_KUBE_EMBEDDED" != 1 ]; then
    log "kubernetes: using your cluster (KUBECONFIG=$KUBECONFIG); nothing started"; exit 0
  fi
  build
  mkdir -p "$state"
  # A stable path to kubectl (and the rest) for tests and docs, whichever cache built it.
  ln -sfn "$BIN" "$state/bin"
  if all_alive && ready; then log "kubernetes: already serving at https://127.0.0.1:$API_PORT"; return 0; fi
  credentials
  launch etcd --name cohort --data-dir "$state/etcd" --log-level warn \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "cohort=http://127.0.0.1:$ETCD_PEER_PORT"
  await etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  # --endpoint-reconciler-type=none: the default reconciler refuses a loopback advertise address.
  launch kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --endpoint-reconciler-type=none --cert-dir="$state/pki" \
    --token-auth-file="$state/tokens.csv" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$state/sa.key" --service-account-signing-key-file="$state/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16
  await kube-apiserver 60 ready
  kubeconfig
  # The CA-only root file: with the leaf+CA bundle the ClusterTrustBundle publisher loops on errors.
  launch kube-controller-manager --kubeconfig="$state/admin.kubeconfig" --leader-elect=false \
    --bind-address=127.0.0.1 --root-ca-file="$state/pki/ca.crt" \
    --service-account-private-key-file="$state/sa.key"
  launch kube-scheduler --kubeconfig="$state/admin.kubeconfig" --leader-elect=false --bind-address=127.0.0.1
  launch kwok --kubeconfig="$state/admin.kubeconfig" --config="$BIN/kwok-stages.yaml" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake --cidr=10.244.0.0/16 --node-ip=10.244.0.1
  await kube-controller-manager 30 curl -skf https://127.0.0.1:10257/healthz
  await kube-scheduler 30 curl -skf https://127.0.0.1:10259/healthz
  kubectl_ apply --server-side --field-manager=cohort-setup -f "$MODULE/fake-nodes.yaml" >/dev/null
  await kwok 30 nodes_ready
  log "kubernetes: ready at https://127.0.0.1:$API_PORT (KUBECONFIG=$state/admin.kubeconfig)"
}

nodes_ready() {
  local want have
  want=$(grep -c '^kind: Node' "$MODULE/fake-nodes.yaml")
  have=$(kubectl_ get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
  [ "$have" -ge "$want" ]
}

stop() {
  local name pid
  for name in "${COMPONENTS[@]}"; do
    alive "$name" || continue
    pid="$(cat "$state/$name.pid")"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    rm -f "$state/$name.pid"
  done
  log "kubernetes: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  build) build ;;
  *) die "usage: $0 [start|stop|build]" ;;
esac
