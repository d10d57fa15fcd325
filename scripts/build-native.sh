#!/usr/bin/env bash
# Builds the @cohort/model native addon (CPU backend) with CMake in Release mode:
#   libs/model/native/build/cohort_model.node
# Idempotent: re-running only rebuilds what changed. Needs build-essential, cmake, libopenblas-dev.
# Extra CMake flags can be passed through, e.g. `bash scripts/build-native.sh -DCOHORT_ARCH=native`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/libs/model/native"
build="$src/build"
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-native: '$tool' not found (apt-get install build-essential cmake libopenblas-dev)" >&2; exit 1; }
done
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j2
echo "build-native: $build/cohort_model.node"
