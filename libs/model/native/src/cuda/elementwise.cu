// Elementwise kernels: bias broadcast, GELU (exact erf and tanh approximation, with their
// derivatives), partial rotary embedding (HF's half-split on the first `dims` of q and k), adds.
#include "common.cuh"

namespace cohort::cuda {

__global__ void fill_rows_kernel(float* y, const float* b, int64_t N, int64_t O) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < N * O) y[i] = b[i % O];
}

void fillRows(float* y, const float* b, int64_t N, int64_t O, cudaStream_t s) {
  fill_rows_kernel<<<blocksFor(N * O, 256), 256, 0, s>>>(y, b, N, O);
  CUDA_CHECK_LAUNCH("fill_rows_kernel");
}

constexpr float kSqrt2OverPi = 0.7978845608028654f, kGeluC = 0.044715f;
constexpr float kInvSqrt2 = 0.7071067811865476f, kInvSqrt2Pi = 0.3989422804014327f;

__global__ void gelu_forward_kernel(const float* x, float* y, int64_t n, bool tanhApprox) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float v = x[i];
  y[i] = tanhApprox ? 0.5f * v * (1.f + tanhf(kSqrt2OverPi * (v + kGeluC * v * v * v)))
                    : 0.5f * v * (1.f + erff(v * kInvSqrt2));
}

__global__ void gelu_backward_kernel(const float* x, float* g, int64_t n, bool tanhApprox) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float v = x[i];
  float dydx;
  if (tanhApprox) {
    const float t = tanhf(kSqrt2OverPi * (v + kGeluC * v * v * v));
    const float du = kSqrt2OverPi * (1.f + 3.f * kGeluC * v * v);
    dydx = 0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * du;
  } else {
    dydx = 0.5f * (1.f + erff(v * kInvSqrt2)) + v * kInvSqrt2Pi * expf(-0.5f * v * v);
  }
  g[i] *= dydx;
}

void geluForward(const float* x, float* y, int64_t n, bool tanhApprox, cudaStream_t s) {
  gelu_forward_kernel<<<blocksFor(n, 256), 256, 0, s>>>(x, y, n, tanhApprox);
  CUDA_CHECK_LAUNCH("gelu_forward_kernel");
}

void geluBackward(const float* x, float* g, int64_t n, bool tanhApprox, cudaStream_t s) {
  gelu_backward_kernel<<<blocksFor(n, 256), 256, 0, s>>>(x, g, n, tanhApprox);
  CUDA_CHECK_LAUNCH("gelu_backward_kernel");
}

// One thread per (row, head, q|k, j < dims/2): rotates the pair (x[j], x[j + dims/2]).
// inverse = the transpose (sin negated), which maps output gradients to input gradients.
__global__ void rope_kernel(const float* cosT, const float* sinT, int64_t half, float* qkv, int64_t T,
                            int64_t pos0, int64_t H, int64_t hd, float sgn, int64_t total) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= total) return;
  const int64_t j = i % half, part = (i / half) % 2, h = (i / (2 * half)) % H, bt = i / (2 * half * H);
  const int64_t pos = pos0 + bt % T;
  const float c = cosT[pos * half + j], sn = sgn * sinT[pos * half + j];
  float* x = qkv + bt * 3 * H * hd + h * 3 * hd + part * hd;
  const float a = x[j], b = x[j + half];
  x[j] = a * c - b * sn;
  x[j + half] = b * c + a * sn;
}

void ropeApply(const float* cosT, const float* sinT, int64_t dims, float* qkv, int64_t B, int64_t T, int64_t pos0,
               int64_t H, int64_t hd, bool inverse, cudaStream_t s) {
  const int64_t half = dims / 2, total = B * T * H * 2 * half;
  if (half == 0) return;
  rope_kernel<<<blocksFor(total, 256), 256, 0, s>>>(cosT, sinT, half, qkv, T, pos0, H, hd, inverse ? -1.f : 1.f,
                                                    total);
  CUDA_CHECK_LAUNCH("rope_kernel");
}

__global__ void add_kernel(const float* a, const float* b, float* y, int64_t n) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a[i] + b[i];
}

__global__ void add3_kernel(const float* a, const float* b, const float* c, float* y, int64_t n) {
  const int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] = (a[i] + b[i]) + c[i];
}

void add(const float* a, const float* b, float* y, int64_t n, cudaStream_t s) {
  add_kernel<<<blocksFor(n, 256), 256, 0, s>>>(a, b, y, n);
  CUDA_CHECK_LAUNCH("add_kernel");
}

void add3(const float* a, const float* b, const float* c, float* y, int64_t n, cudaStream_t s) {
  add3_kernel<<<blocksFor(n, 256), 256, 0, s>>>(a, b, c, y, n);
  CUDA_CHECK_LAUNCH("add3_kernel");
}

}  // namespace cohort::cuda
