#!/usr/bin/env bash
# The CUDA backend's GPU check, for a session that has a GPU machine lent (H100/H200), as ONE
# prepared run (< 8 minutes): build the addon there with the image's nvcc (COHORT_CUDA=ON), run the
# CUDA tests (node scripts/run-tests.mjs cuda) and the model suite on that addon, then
# bench/train-gpu. Logs go to $OUT (fallback ./.cohort/device-out).
#
# The GPU image has nvcc, cuBLAS and PyTorch but no Node.js or OpenBLAS and no network, so they
# travel in a bundle made here first:
#   1. here:   npx tsc -b libs/model && bash scripts/build-native.sh && bash scripts/device-check.sh pack
#   2. device: run(command="bash scripts/device-check.sh", timeout_s=540,
#                  carry=[".cohort/device-bundle", "libs/model/dist"])
# When the build there fails, the addon built here (bundle/prebuilt, cudart static, SASS for
# sm_80/sm_90) is used instead, with the image's libcublas found by path; the log says which.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$root/.cohort/device-bundle"

if [[ "${1:-}" == pack ]]; then
  set -e
  rm -rf "$bundle" && mkdir -p "$bundle"/{lib,include/node,include/napi,include/cblas,prebuilt}
  xz -T2 -3 -c "$(readlink -f "$(command -v node)")" >"$bundle/node.xz"
  cp -L /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0 "$bundle/lib/"
  for l in libgfortran.so.5 libquadmath.so.0 libgomp.so.1; do cp -L "/lib/x86_64-linux-gnu/$l" "$bundle/lib/"; done
  xz -T2 -3 "$bundle/lib/libopenblas.so.0"
  cp /usr/include/node/node_api*.h /usr/include/node/js_native_api*.h "$bundle/include/node/"
  cp "$root"/node_modules/node-addon-api/napi*.h "$bundle/include/napi/"
  cp /usr/include/x86_64-linux-gnu/openblas-openmp/*.h "$bundle/include/cblas/"
  cp "$root/libs/model/native/build/cohort_model.node" "$bundle/prebuilt/"
  du -sh "$bundle"
  exit 0
fi

out="${OUT:-$root/.cohort/device-out}"
mkdir -p "$out"
log="$out/device-check.log"
exec > >(tee "$log") 2>&1
step() { echo; echo "== $* ($(date -u +%H:%M:%S))"; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | head -3
[[ -d "$bundle" ]] || { echo "no $bundle: run 'bash scripts/device-check.sh pack' here and carry it"; exit 1; }
mkdir -p /tmp/cohort-node/bin
command -v node >/dev/null || { xz -dc "$bundle/node.xz" >/tmp/cohort-node/bin/node && chmod +x /tmp/cohort-node/bin/node; }
export PATH="/tmp/cohort-node/bin:$PATH"
[[ -f /tmp/cohort-node/lib/libopenblas.so.0 ]] || { mkdir -p /tmp/cohort-node/lib && cp "$bundle"/lib/* /tmp/cohort-node/lib/ && xz -d /tmp/cohort-node/lib/libopenblas.so.0.xz; }
nvcc_bin="$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null | head -1)"
cublas="$(ls /usr/local/cuda/lib64/libcublas.so.1[0-9]* 2>/dev/null | head -1)"
[[ -n "$cublas" ]] || cublas="$(python3 -c 'import nvidia.cu13, os; print(os.path.join(list(nvidia.cu13.__path__)[0], "lib", "libcublas.so.13"))' 2>/dev/null)"
export LD_LIBRARY_PATH="/tmp/cohort-node/lib:$(dirname "${cublas:-/nonexistent/x}"):${LD_LIBRARY_PATH:-}"
echo "node $(node --version); nvcc ${nvcc_bin:-none}; cublas ${cublas:-none}"

step "build (COHORT_CUDA=ON, the image's nvcc)"
bdir="$root/.cohort/build-device"
addon="$bdir/cohort_model.node"
if [[ -n "$nvcc_bin" ]] && timeout 60 cmake -S "$root/libs/model/native" -B "$bdir" \
    -DCMAKE_BUILD_TYPE=Release -DCOHORT_CUDA=ON -DCMAKE_CUDA_COMPILER="$nvcc_bin" \
    -DNODE_INCLUDE_DIR="$bundle/include/node" -DNAPI_INCLUDE_DIR="$bundle/include/napi" \
    -DOPENBLAS_LIB=/tmp/cohort-node/lib/libopenblas.so.0 -DCBLAS_INCLUDE_DIR="$bundle/include/cblas" \
  && timeout 150 cmake --build "$bdir" -j16; then
  echo "built $addon"
  echo "SASS in it: $(cuobjdump --list-elf "$addon" 2>&1 | grep -o 'sm_[0-9a-z]*' | sort -u | tr '\n' ' ')"
else
  echo "BUILD FAILED there: using the addon built on the dev machine"
  addon="$bundle/prebuilt/cohort_model.node"
fi
export COHORT_MODEL_ADDON="$addon"
node -e "console.log(JSON.stringify(require(process.env.COHORT_MODEL_ADDON).backendInfo(), null, 1))"

step "CUDA tests"
timeout 120 node "$root/scripts/run-tests.mjs" cuda 2>&1 | tee "$out/cuda-tests.log" | grep -Ev '^\s+(---|\.\.\.|duration_ms)' | tail -60

step "model suite on the CUDA-built addon"
timeout 60 node "$root/scripts/run-tests.mjs" libs/model 2>&1 | tail -4

step "HF from_pretrained of CUDA-trained checkpoints (the same logits)"
timeout 90 python3 "$root/tools/golden/check_export.py" cuda 2>&1 | tail -6

step "bench/train-gpu"
left=$((470 - SECONDS)); echo "bench gets ${left} s (the whole check stays under 8 minutes)"
COHORT_BENCH_TORCH_TIMEOUT=90 timeout "$left" node "$root/bench/train-gpu/run.mjs" --steps 3 2>&1 | tee "$out/bench.log"
step "done in ${SECONDS} s"
