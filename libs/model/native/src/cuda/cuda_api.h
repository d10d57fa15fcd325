// What the rest of the addon (engine.cpp, addon.cpp) sees of the CUDA backend: plain C++, no CUDA
// headers, so these files compile the same with or without a toolkit. The functions marked
// "COHORT_WITH_CUDA only" exist only when CMake compiled the CUDA sources.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../engine.h"

#ifndef COHORT_WITH_CUDA
#define COHORT_WITH_CUDA 0
#endif

namespace cohort {

struct CudaDeviceInfo {
  bool usable = false;
  std::string reason;  // why not usable (empty when usable)
  int count = 0;       // CUDA devices visible
  std::string name;    // device 0
  int major = 0, minor = 0;
  int64_t totalBytes = 0, freeBytes = 0;
};

// Bytes the CUDA engine needs for a model of this config: weights, grads and both Adam moments in
// fp32, plus, when B*T > 0, the training activations and scratch of one forward+backward on a
// [B, T] batch (see CudaEngine::prepare; the estimate and the allocation use the same formula).
// Plain arithmetic: available in every build.
int64_t cudaMemoryEstimate(const Config& cfg, int64_t B, int64_t T, Precision precision);
// Same, split: the model part (16 bytes a parameter + the cuBLAS workspace) and the activations.
int64_t cudaModelBytes(const Config& cfg);
int64_t cudaActivationBytes(const Config& cfg, int64_t B, int64_t T, bool training);
// Rows of the [rows, V] logits block the classifier works on at a time (<= 256 MB of fp32).
int64_t cudaClassifierRows(int64_t N, int64_t V);
constexpr int64_t kCublasWorkspaceBytes = int64_t(32) << 20;
constexpr int64_t kColSumRows = 32;  // rows per partial sum of the two-stage column reductions

#if COHORT_WITH_CUDA
// Never throws: any failure of the runtime (no driver, no device, ...) is reported in `reason`.
CudaDeviceInfo cudaQueryDevice();
// Throws UserError when no device is usable or the model does not fit.
std::unique_ptr<Engine> makeCudaEngine(const Config& cfg, Precision precision);
#endif

// Architectures this addon carries code for, e.g. {"sm_80", "sm_90", "sm_100", "compute_100"}
// (empty when built without CUDA). Parsed from the CMAKE_CUDA_ARCHITECTURES string.
std::vector<std::string> cudaCompiledArchs();

}  // namespace cohort
