#!/usr/bin/env bash
# Builds Cohort's native addons with CMake in Release mode (idempotent: re-running only rebuilds
# what changed). Needs build-essential, cmake, libopenblas-openmp-dev.
#   libs/model/native/build/cohort_model.node   the GPT-NeoX engine (CPU backend)
#   libs/data/native/build/cohort_data.node     memory-mapped reads of token datasets
# Extra CMake flags go to the engine, e.g. `bash scripts/build-native.sh -DCOHORT_ARCH=native`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-native: '$tool' not found (apt-get install build-essential cmake libopenblas-openmp-dev)" >&2; exit 1; }
done

build() { # source-dir output-name [cmake flags...]
  local src="$root/$1" out=$2; shift 2
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$src/build" -j2
  echo "build-native: $src/build/$out"
}

build libs/model/native cohort_model.node "$@"
build libs/data/native cohort_data.node
