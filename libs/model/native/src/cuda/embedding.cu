// Token embedding: gather forward, and a deterministic backward without atomics: the host groups
// the batch's positions by token (CSR), one block per distinct token sums its positions in order.
#include "common.cuh"

namespace cohort::cuda {

__global__ void embedding_forward_kernel(const int32_t* ids, const float* E, float* x, int64_t d) {
  const int64_t r = blockIdx.x;
  const float* src = E + int64_t(ids[r]) * d;
  float* dst = x + r * d;
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) dst[c] = src[c];
}

void embeddingForward(const int32_t* ids, const float* E, float* x, int64_t N, int64_t d, cudaStream_t s) {
  embedding_forward_kernel<<<unsigned(N), 256, 0, s>>>(ids, E, x, d);
  CUDA_CHECK_LAUNCH("embedding_forward_kernel");
}

// Block u: column c accumulates gE[tok, c] + g[p0, c] + g[p1, c] + ... in position order, the
// order the CPU backend adds them in.
__global__ void embedding_backward_kernel(const int32_t* tokens, const int32_t* start, const int32_t* order,
                                          const float* g, float* gE, int64_t d) {
  const int64_t u = blockIdx.x;
  float* dst = gE + int64_t(tokens[u]) * d;
  const int32_t p0 = start[u], p1 = start[u + 1];
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) {
    float acc = dst[c];
    for (int32_t p = p0; p < p1; p++) acc += g[int64_t(order[p]) * d + c];
    dst[c] = acc;
  }
}

void embeddingBackward(const int32_t* tokens, const int32_t* start, const int32_t* order, int64_t U,
                       const float* g, float* gE, int64_t d, cudaStream_t s) {
  if (U == 0) return;
  embedding_backward_kernel<<<unsigned(U), 256, 0, s>>>(tokens, start, order, g, gE, d);
  CUDA_CHECK_LAUNCH("embedding_backward_kernel");
}

}  // namespace cohort::cuda
