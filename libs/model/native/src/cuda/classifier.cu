// The classifier's row kernels, one block per row of a [R, V] logits block (the engine produces
// the block with a GEMM, chunk by chunk, so [B*T, V] logits never exist): fused softmax
// cross-entropy + its gradient in place, target log-probs with the greedy flag, argmax.
#include <climits>

#include "common.cuh"

namespace cohort::cuda {

constexpr int kRowThreads = 256;

__global__ void gather_rows_kernel(const float* src, const int64_t* idx, float* dst, int64_t d) {
  const int64_t r = blockIdx.x;
  const float* s = src + idx[r] * d;
  for (int64_t c = threadIdx.x; c < d; c += blockDim.x) dst[r * d + c] = s[c];
}

void gatherRows(const float* src, const int64_t* idx, float* dst, int64_t R, int64_t d, cudaStream_t s) {
  if (R == 0) return;
  gather_rows_kernel<<<unsigned(R), 256, 0, s>>>(src, idx, dst, d);
  CUDA_CHECK_LAUNCH("gather_rows_kernel");
}

__device__ float rowMax(const float* z, int64_t V, float* shared) {
  float mx = -INFINITY;
  for (int64_t j = threadIdx.x; j < V; j += blockDim.x) mx = fmaxf(mx, z[j]);
  return blockReduce(mx, MaxOp{}, shared);
}

__device__ float rowExpSum(const float* z, int64_t V, float mx, float* shared) {
  float s = 0.f;
  for (int64_t j = threadIdx.x; j < V; j += blockDim.x) s += expf(z[j] - mx);
  return blockReduce(s, SumOp{}, shared);
}

__global__ void cross_entropy_kernel(float* logits, const int32_t* targets, int64_t V, float scale, double* loss) {
  __shared__ float shared[32];
  const int64_t r = blockIdx.x;
  float* z = logits + r * V;
  const int32_t t = targets[r];
  if (t < 0) {
    for (int64_t j = threadIdx.x; j < V; j += blockDim.x) z[j] = 0.f;
    if (threadIdx.x == 0) loss[r] = 0;
    return;
  }
  const float mx = rowMax(z, V, shared);
  const float zt = z[t] - mx;                   // read by every thread before any write below
  const float sum = rowExpSum(z, V, mx, shared);  // (its barriers order those reads first)
  const float k = scale / sum;
  for (int64_t j = threadIdx.x; j < V; j += blockDim.x) z[j] = expf(z[j] - mx) * k;
  __syncthreads();
  if (threadIdx.x == 0) {
    z[t] -= scale;
    loss[r] = log(double(sum)) - double(zt);
  }
}

void crossEntropyBackward(float* logits, const int32_t* targets, int64_t R, int64_t V, float scale, double* loss,
                          cudaStream_t s) {
  if (R == 0) return;
  cross_entropy_kernel<<<unsigned(R), kRowThreads, 0, s>>>(logits, targets, V, scale, loss);
  CUDA_CHECK_LAUNCH("cross_entropy_kernel");
}

__global__ void target_logprob_kernel(const float* logits, const int32_t* targets, int64_t V, float* logprob,
                                      uint8_t* greedy) {
  __shared__ float shared[32];
  __shared__ int64_t sharedIdx[32];
  const int64_t r = blockIdx.x;
  const int32_t t = targets[r];
  if (t < 0) return;
  const float* z = logits + r * V;
  const float mx = rowMax(z, V, shared);
  int64_t first = INT64_MAX;  // first index holding the maximum (torch.argmax's tie rule)
  for (int64_t j = threadIdx.x; j < V && first == INT64_MAX; j += blockDim.x)
    if (z[j] == mx) first = j;
  first = blockReduce(first, MinOp{}, sharedIdx);
  const float sum = rowExpSum(z, V, mx, shared);
  if (threadIdx.x == 0) {
    logprob[r] = float(double(z[t] - mx) - log(double(sum)));
    greedy[r] = first == t;
  }
}

void targetLogProbs(const float* logits, const int32_t* targets, int64_t R, int64_t V, float* logprob,
                    uint8_t* greedy, cudaStream_t s) {
  if (R == 0) return;
  target_logprob_kernel<<<unsigned(R), kRowThreads, 0, s>>>(logits, targets, V, logprob, greedy);
  CUDA_CHECK_LAUNCH("target_logprob_kernel");
}

// Thread k scans j = k, k+256, ... keeping its first strict maximum; thread 0 then merges the
// 256 candidates in thread order with the lower index winning ties. NaN never compares greater.
__global__ void argmax_kernel(const float* logits, int64_t V, int32_t* out) {
  __shared__ float val[kRowThreads];
  __shared__ int64_t idx[kRowThreads];
  const float* z = logits + int64_t(blockIdx.x) * V;
  float best = -INFINITY;
  int64_t at = INT64_MAX;
  for (int64_t j = threadIdx.x; j < V; j += blockDim.x)
    if (z[j] > best) best = z[j], at = j;
  val[threadIdx.x] = best;
  idx[threadIdx.x] = at;
  __syncthreads();
  if (threadIdx.x != 0) return;
  for (int k = 1; k < kRowThreads; k++)
    if (idx[k] != INT64_MAX && (at == INT64_MAX || val[k] > best || (val[k] == best && idx[k] < at)))
      best = val[k], at = idx[k];
  out[blockIdx.x] = at == INT64_MAX ? 0 : int32_t(at);
}

void argmaxRows(const float* logits, int64_t R, int64_t V, int32_t* out, cudaStream_t s) {
  if (R == 0) return;
  argmax_kernel<<<unsigned(R), kRowThreads, 0, s>>>(logits, V, out);
  CUDA_CHECK_LAUNCH("argmax_kernel");
}

}  // namespace cohort::cuda
