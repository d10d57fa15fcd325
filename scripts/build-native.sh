#!/usr/bin/env bash
# Builds Cohort's native addons with CMake in Release mode (idempotent: re-running only rebuilds
# what changed). Needs build-essential, cmake, libopenblas-openmp-dev.
#   libs/model/native/build/cohort_model.node   the GPT-NeoX engine (CPU backend, + CUDA backend)
#   libs/data/native/build/cohort_data.node     memory-mapped reads of token datasets
# CUDA: COHORT_CUDA=AUTO (default) installs the pinned CUDA wheels once into the user's cache
# (scripts/lib/cuda-toolkit.sh; no GPU needed) and compiles the CUDA backend, or builds CPU-only
# when they cannot be installed; COHORT_CUDA=ON fails instead; COHORT_CUDA=OFF skips CUDA.
# Extra CMake flags go to the engine, e.g. `bash scripts/build-native.sh -DCOHORT_ARCH=native`
# or `-DCMAKE_CUDA_ARCHITECTURES="90-real"`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-native: '$tool' not found (apt-get install build-essential cmake libopenblas-openmp-dev)" >&2; exit 1; }
done

cuda_mode="${COHORT_CUDA:-AUTO}"
cuda_flags=(-DCOHORT_CUDA="$cuda_mode")
cuda_root=""
case "$cuda_mode" in
  OFF) ;;
  AUTO|ON)
    if [[ -n "${CUDACXX:-}" ]]; then
      cuda_root="$(cd "$(dirname "$CUDACXX")/.." && pwd)"
    elif cuda_root="$(bash "$root/scripts/lib/cuda-toolkit.sh")"; then
      :
    elif [[ "$cuda_mode" == ON ]]; then
      echo "build-native: COHORT_CUDA=ON but the CUDA toolkit could not be installed" >&2
      exit 1
    else
      echo "build-native: CUDA toolkit unavailable; building the CPU backend only" >&2
      cuda_root=""
      cuda_flags=(-DCOHORT_CUDA=OFF)
    fi
    [[ -n "$cuda_root" ]] && cuda_flags+=(-DCMAKE_CUDA_COMPILER="$cuda_root/bin/nvcc")
    ;;
  *) echo "build-native: COHORT_CUDA must be AUTO, ON or OFF (got '$cuda_mode')" >&2; exit 1 ;;
esac

build() { # source-dir output-name [cmake flags...]
  local src="$root/$1" out=$2; shift 2
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$src/build" -j2
  echo "build-native: $src/build/$out"
}

build libs/model/native cohort_model.node "${cuda_flags[@]}" "$@"
build libs/data/native cohort_data.node

node_file="$root/libs/model/native/build/cohort_model.node"
if [[ -n "$cuda_root" && -x "$cuda_root/bin/cuobjdump" ]] && elf="$("$cuda_root/bin/cuobjdump" --list-elf --list-ptx "$node_file" 2>/dev/null)" && [[ -n "$elf" ]]; then
  sass="$(grep -o 'sm_[0-9a-z]*\.cubin' <<<"$elf" | sed 's/\.cubin//' | sort -uV | tr '\n' ' ')"
  ptx="$(grep -o 'sm_[0-9a-z]*\.ptx' <<<"$elf" | sed 's/\.ptx//' | sort -uV | tr '\n' ' ')"
  echo "build-native: CUDA code in cohort_model.node (cuobjdump --list-elf --list-ptx): SASS ${sass:-none}; PTX ${ptx:-none}"
elif [[ "$cuda_mode" != OFF ]]; then
  echo "build-native: built without CUDA (CPU backend only)"
fi
