// What the running process has: BLAS build and kernel, SIMD features detected at runtime.
#pragma once
#include <string>
#include <vector>

namespace cohort {

struct SysInfo {
  std::string blas;                // OpenBLAS config string + the core kernel it selected
  std::vector<std::string> simd;   // runtime-detected x86 features relevant to our kernels
};
SysInfo sysInfo();

// Achieved GFLOP/s of `iters` fp32 GEMMs [m,k]x[k,n]^T through the linked BLAS (the benchmark's
// peak reference: same library, same kernel, same threads as training).
double sgemmGflops(int m, int n, int k, int iters);

}  // namespace cohort
