// Device helpers shared by the kernel files: warp and block reductions with a fixed combination
// order (so every launch of the same shape gives the same bits), launch sizing.
#pragma once
#include <cuda_runtime.h>

#include <cfloat>
#include <cstdint>

#include "check.h"
#include "launch.h"

namespace cohort::cuda {

constexpr int kWarp = 32;

inline unsigned blocksFor(int64_t n, int threads) { return unsigned((n + threads - 1) / threads); }

// Butterfly reductions: every lane ends with the same value (each step adds x and its partner's
// x, and a + b == b + a exactly).
__device__ __forceinline__ float warpSum(float x) {
  for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
  return x;
}
__device__ __forceinline__ double warpSumD(double x) {
  for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
  return x;
}
__device__ __forceinline__ float warpMax(float x) {
  for (int o = 16; o > 0; o >>= 1) x = fmaxf(x, __shfl_xor_sync(0xffffffffu, x, o));
  return x;
}

// Block-wide reductions over blockDim.x (a multiple of 32, <= 1024) threads; all threads get the
// result. `shared` holds 32 values. Safe to call repeatedly (syncs before reusing `shared`).
template <typename T, typename Op>
__device__ T blockReduce(T x, Op op, T* shared) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp, warps = blockDim.x / kWarp;
  for (int o = 16; o > 0; o >>= 1) x = op(x, __shfl_xor_sync(0xffffffffu, x, o));
  __syncthreads();  // previous use of `shared` is finished
  if (lane == 0) shared[warp] = x;
  __syncthreads();
  T y = shared[0];
  for (int w = 1; w < warps; w++) y = op(y, shared[w]);  // fixed order, same in every thread
  return y;
}

struct SumOp {
  template <typename T>
  __device__ T operator()(T a, T b) const { return a + b; }
};
struct MaxOp {
  __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct MinOp {
  __device__ int64_t operator()(int64_t a, int64_t b) const { return a < b ? a : b; }
};

}  // namespace cohort::cuda
