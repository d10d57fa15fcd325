#!/usr/bin/env bash
# Installs (once) the CUDA compiler, runtime, cuBLAS and CCCL from NVIDIA's PyPI wheels into a venv
# in the user's cache dir and prints the toolkit root (the folder with bin/nvcc, include/, lib/).
# No GPU or driver is needed to compile. Idempotent: a stamp file naming the pinned versions skips
# pip on later runs. Versions: see shared notes "cuda-build" (nvvm and crt pinned to nvcc's version,
# or ptxas rejects the PTX).
#   bash scripts/lib/cuda-toolkit.sh          -> prints e.g. ~/.cache/cohort/cuda-13.5.37/.../nvidia/cu13
# Exit 0 with the root on stdout; exit 1 (message on stderr) when it cannot be installed
# (pip unreachable, no python3 venv). Callers decide whether that fails the build (COHORT_CUDA=ON).
set -euo pipefail

CUDA_VERSION="${COHORT_CUDA_VERSION:-13.5.37}"
CUBLAS_VERSION="${COHORT_CUBLAS_VERSION:-13.10.0.20}"
CCCL_VERSION="${COHORT_CCCL_VERSION:-13.3.5.0.6}"
WHEELS=(
  "nvidia-cuda-nvcc==$CUDA_VERSION" "nvidia-nvvm==$CUDA_VERSION" "nvidia-cuda-crt==$CUDA_VERSION"
  "nvidia-cuda-runtime==$CUDA_VERSION" "nvidia-cuda-nvrtc==$CUDA_VERSION" "nvidia-cuda-cuobjdump==$CUDA_VERSION"
  "nvidia-cublas==$CUBLAS_VERSION" "nvidia-cuda-cccl==$CCCL_VERSION"
)
venv="${XDG_CACHE_HOME:-$HOME/.cache}/cohort/cuda-$CUDA_VERSION"
stamp="$venv/.cohort-installed"
want="${WHEELS[*]}"

log() { echo "cuda-toolkit: $*" >&2; }

root_of() {
  "$venv/bin/python" -c "import nvidia,os; print(os.path.join(list(nvidia.__path__)[0],'cu13'))" 2>/dev/null
}

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  root="$(root_of || true)"
  if [[ -n "$root" && -x "$root/bin/nvcc" ]]; then
    echo "$root"
    exit 0
  fi
fi

command -v python3 >/dev/null || { log "python3 not found"; exit 1; }
mkdir -p "$(dirname "$venv")"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv" >&2 || { log "python3 -m venv failed"; exit 1; }
fi
log "installing ${#WHEELS[@]} wheels (~630 MB) into $venv"
if ! "$venv/bin/pip" install -q --disable-pip-version-check --timeout 60 --retries 2 "${WHEELS[@]}" >&2; then
  log "pip install failed (registry unreachable?)"
  exit 1
fi
root="$(root_of || true)"
if [[ -z "$root" || ! -x "$root/bin/nvcc" ]]; then
  log "nvcc missing after install"
  exit 1
fi
echo "$want" >"$stamp"
echo "$root"
