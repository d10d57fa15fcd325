// AdamW, elementwise, with the CPU backend's fp32 arithmetic (scalars from cpu::adamwScalars,
// computed in double on the host as torch does): grad scaled by the clip coefficient, decoupled
// decay, lerp-form first moment, bias corrections folded into stepSize and bc2Sqrt.
#include "common.cuh"

namespace cohort::cuda {

__global__ void adamw_kernel(float* p, const float* g, float* m, float* v, int64_t n, AdamWArgs a) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float gi = g[i] * a.gradMul;
  const float pi = p[i] * a.decayMul;
  const float mi = m[i] + a.oneMinusBeta1 * (gi - m[i]);
  const float vi = v[i] * a.beta2 + a.oneMinusBeta2 * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = pi - a.stepSize * (mi / (sqrtf(vi) / a.bc2Sqrt + a.eps));
}

void adamwUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamWArgs& a, cudaStream_t s) {
  adamw_kernel<<<blocksFor(n, 256), 256, 0, s>>>(p, g, m, v, n, a);
  CUDA_CHECK_LAUNCH("adamw_kernel");
}

}  // namespace cohort::cuda
