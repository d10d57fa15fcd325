// Fixed-order reductions: column sums (bias gradients) in two stages, and the global sum of
// squares behind the gradient norm. No atomics, so the bits never depend on scheduling.
#include "common.cuh"

namespace cohort::cuda {

__global__ void column_partials_kernel(const float* a, float* partial, int64_t N, int64_t C) {
  const int64_t c = int64_t(blockIdx.y) * blockDim.x + threadIdx.x, k = blockIdx.x;
  if (c >= C) return;
  const int64_t r0 = k * kColSumRows, r1 = r0 + kColSumRows < N ? r0 + kColSumRows : N;
  float s = 0.f;
  for (int64_t r = r0; r < r1; r++) s += a[r * C + c];
  partial[k * C + c] = s;
}

__global__ void add_partials_kernel(const float* partial, int64_t chunks, int64_t C, float* out) {
  const int64_t c = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= C) return;
  float acc = out[c];
  for (int64_t k = 0; k < chunks; k++) acc += partial[k * C + c];
  out[c] = acc;
}

void addPartials(const float* partial, int64_t chunks, int64_t C, float* out, cudaStream_t s) {
  add_partials_kernel<<<blocksFor(C, 256), 256, 0, s>>>(partial, chunks, C, out);
  CUDA_CHECK_LAUNCH("add_partials_kernel");
}

void columnSumAdd(const float* a, float* out, float* partial, int64_t N, int64_t C, cudaStream_t s) {
  const int64_t chunks = (N + kColSumRows - 1) / kColSumRows;
  column_partials_kernel<<<dim3(unsigned(chunks), blocksFor(C, 128)), 128, 0, s>>>(a, partial, N, C);
  CUDA_CHECK_LAUNCH("column_partials_kernel");
  addPartials(partial, chunks, C, out, s);
}

// Block b sums x[i]^2 over i = b*256 + t + k*(kSumSqBlocks*256): a fixed assignment of elements to
// threads and a fixed tree, whatever the GPU.
__global__ void sumsq_partials_kernel(const float* x, int64_t n, double* partial) {
  __shared__ double shared[32];
  double s = 0;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) s += double(x[i]) * double(x[i]);
  s = blockReduce(s, SumOp{}, shared);
  if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

__global__ void sumsq_finish_kernel(const double* partial, int count, double* result) {
  double s = 0;
  for (int i = 0; i < count; i++) s += partial[i];
  *result = s;
}

void sumSquares(const float* x, int64_t n, double* scratch, double* result, cudaStream_t s) {
  sumsq_partials_kernel<<<kSumSqBlocks, 256, 0, s>>>(x, n, scratch);
  CUDA_CHECK_LAUNCH("sumsq_partials_kernel");
  sumsq_finish_kernel<<<1, 1, 0, s>>>(scratch, kSumSqBlocks, result);
  CUDA_CHECK_LAUNCH("sumsq_finish_kernel");
}

}  // namespace cohort::cuda
