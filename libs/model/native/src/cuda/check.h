// Error checks for the CUDA runtime: every call's status is checked and a failure becomes a
// std::runtime_error naming the call, its location and the runtime's message (the addon turns it
// into a JS Error; nothing aborts).
#pragma once
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace cohort::cuda {

[[noreturn]] inline void throwCuda(cudaError_t e, const char* what, const char* file, int line) {
  throw std::runtime_error(std::string("cuda: ") + what + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ")");
}

}  // namespace cohort::cuda

#define CUDA_CHECK(call)                                                            \
  do {                                                                              \
    const cudaError_t cohort_e_ = (call);                                           \
    if (cohort_e_ != cudaSuccess) ::cohort::cuda::throwCuda(cohort_e_, #call, __FILE__, __LINE__); \
  } while (0)

// After a kernel launch: launch-configuration errors show up here (execution errors at the next sync).
#define CUDA_CHECK_LAUNCH(name)                                                             \
  do {                                                                                      \
    const cudaError_t cohort_e_ = cudaGetLastError();                                       \
    if (cohort_e_ != cudaSuccess) ::cohort::cuda::throwCuda(cohort_e_, "launch of " name, __FILE__, __LINE__); \
  } while (0)
