// Device discovery. Any non-success from the runtime counts as "no usable CUDA device", with the
// runtime's own message as the reason: without a driver cudaGetDeviceCount answers
// cudaErrorInsufficientDriver (35), not cudaErrorNoDevice (100).
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#include "cuda_api.h"
#include "cuda_engine.h"

namespace cohort {

static std::string runtimeError(const char* call, cudaError_t e) {
  cudaGetLastError();  // clear the sticky-free error state for later calls
  return std::string(call) + ": " + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ", code " +
         std::to_string(int(e)) + ")";
}

// Whether the compiled code runs on compute capability major.minor: SASS for sm_XY runs on X.Z
// with Z >= Y (same major); PTX for compute_XY is JIT-compiled for anything >= XY.
static bool hasCodeFor(int major, int minor, std::string& archs) {
  const int cc = major * 10 + minor;
  bool ok = false;
  for (const std::string& a : cudaCompiledArchs()) {
    archs += (archs.empty() ? "" : ", ") + a;
    const bool ptx = a.rfind("compute_", 0) == 0;
    const int v = std::atoi(a.c_str() + (ptx ? 8 : 3));
    if (ptx ? v <= cc : (v / 10 == major && v % 10 <= minor)) ok = true;
  }
  return ok;
}

CudaDeviceInfo cudaQueryDevice() {
  CudaDeviceInfo info;
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    info.reason = runtimeError("cudaGetDeviceCount", e);
    return info;
  }
  if (n == 0) {
    info.reason = "cudaGetDeviceCount: no CUDA device is visible";
    return info;
  }
  info.count = n;
  cudaDeviceProp p{};
  if ((e = cudaGetDeviceProperties(&p, 0)) != cudaSuccess) {
    info.reason = runtimeError("cudaGetDeviceProperties", e);
    return info;
  }
  info.name = p.name;
  info.major = p.major;
  info.minor = p.minor;
  size_t freeB = 0, totalB = 0;
  if ((e = cudaSetDevice(0)) != cudaSuccess || (e = cudaMemGetInfo(&freeB, &totalB)) != cudaSuccess) {
    info.reason = runtimeError("cudaMemGetInfo", e);
    return info;
  }
  info.freeBytes = int64_t(freeB);
  info.totalBytes = int64_t(totalB);
  std::string archs;
  if (!hasCodeFor(p.major, p.minor, archs)) {
    info.reason = std::string(p.name) + " has compute capability " + std::to_string(p.major) + "." +
                  std::to_string(p.minor) + ", and this addon carries code only for " + archs +
                  " (rebuild with -DCMAKE_CUDA_ARCHITECTURES=...)";
    return info;
  }
  info.usable = true;
  return info;
}

std::unique_ptr<Engine> makeCudaEngine(const Config& cfg, Precision precision) {
  const CudaDeviceInfo info = cudaQueryDevice();
  if (!info.usable) throw UserError("backend 'cuda' is not usable here: " + info.reason);
  return std::make_unique<cuda::CudaEngine>(cfg, precision, info);
}

}  // namespace cohort
