// LayerNorm forward and backward, one warp per row (two-pass biased variance, as torch); the
// weight/bias gradients are column sums done in two fixed-order stages (no atomics).
#include "common.cuh"

namespace cohort::cuda {

constexpr int kRowsPerBlock = 8;  // warps per block, one row each

__global__ void layernorm_forward_kernel(const float* x, const float* w, const float* b, float* y, float* mean,
                                         float* rstd, int64_t N, int64_t d, float eps) {
  const int64_t r = int64_t(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (r >= N) return;
  const float* xr = x + r * d;
  float s = 0.f;
  for (int64_t i = lane; i < d; i += kWarp) s += xr[i];
  const float mu = warpSum(s) / float(d);
  float v = 0.f;
  for (int64_t i = lane; i < d; i += kWarp) v += (xr[i] - mu) * (xr[i] - mu);
  const float rs = 1.f / sqrtf(warpSum(v) / float(d) + eps);
  float* yr = y + r * d;
  for (int64_t i = lane; i < d; i += kWarp) yr[i] = (xr[i] - mu) * rs * w[i] + b[i];
  if (lane == 0) {
    mean[r] = mu;
    rstd[r] = rs;
  }
}

void layerNormForward(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd,
                      int64_t N, int64_t d, float eps, cudaStream_t s) {
  layernorm_forward_kernel<<<blocksFor(N, kRowsPerBlock), kRowsPerBlock * kWarp, 0, s>>>(x, w, b, y, mean, rstd, N,
                                                                                         d, eps);
  CUDA_CHECK_LAUNCH("layernorm_forward_kernel");
}

// dx += rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * w.
__global__ void layernorm_backward_dx_kernel(const float* dy, const float* x, const float* w, const float* mean,
                                             const float* rstd, float* dx, int64_t N, int64_t d) {
  const int64_t r = int64_t(blockIdx.x) * kRowsPerBlock + threadIdx.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  if (r >= N) return;
  const float *dyr = dy + r * d, *xr = x + r * d;
  const float mu = mean[r], rs = rstd[r];
  float sg = 0.f, sgx = 0.f;
  for (int64_t i = lane; i < d; i += kWarp) {
    const float g = dyr[i] * w[i];
    sg += g;
    sgx += g * (xr[i] - mu) * rs;
  }
  sg = warpSum(sg) / float(d);
  sgx = warpSum(sgx) / float(d);
  float* dxr = dx + r * d;
  for (int64_t i = lane; i < d; i += kWarp) dxr[i] += rs * (dyr[i] * w[i] - sg - (xr[i] - mu) * rs * sgx);
}

// Stage 1 of dw/db: chunk k of kColSumRows rows, column c (one thread), rows in order.
__global__ void layernorm_param_partials_kernel(const float* dy, const float* x, const float* mean,
                                                const float* rstd, float* pw, float* pb, int64_t N, int64_t d) {
  const int64_t c = int64_t(blockIdx.y) * blockDim.x + threadIdx.x, k = blockIdx.x;
  if (c >= d) return;
  const int64_t r0 = k * kColSumRows, r1 = r0 + kColSumRows < N ? r0 + kColSumRows : N;
  float sw = 0.f, sb = 0.f;
  for (int64_t r = r0; r < r1; r++) {
    const float g = dy[r * d + c];
    sw += g * (x[r * d + c] - mean[r]) * rstd[r];
    sb += g;
  }
  pw[k * d + c] = sw;
  pb[k * d + c] = sb;
}

void layerNormBackward(const float* dy, const float* x, const float* w, const float* mean, const float* rstd,
                       float* dx, float* dw, float* db, float* partial, int64_t N, int64_t d, cudaStream_t s) {
  layernorm_backward_dx_kernel<<<blocksFor(N, kRowsPerBlock), kRowsPerBlock * kWarp, 0, s>>>(dy, x, w, mean, rstd,
                                                                                             dx, N, d);
  CUDA_CHECK_LAUNCH("layernorm_backward_dx_kernel");
  const int64_t chunks = (N + kColSumRows - 1) / kColSumRows;
  float *pw = partial, *pb = partial + chunks * d;
  layernorm_param_partials_kernel<<<dim3(unsigned(chunks), blocksFor(d, 128)), 128, 0, s>>>(dy, x, mean, rstd, pw,
                                                                                           pb, N, d);
  CUDA_CHECK_LAUNCH("layernorm_param_partials_kernel");
  addPartials(pw, chunks, d, dw, s);
  addPartials(pb, chunks, d, db, s);
}

}  // namespace cohort::cuda
