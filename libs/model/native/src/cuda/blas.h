// cuBLAS, loaded with dlopen at first use: require() of the addon stays fast and needs no
// libcublas (its libcublasLt alone is ~550 MB), and a machine without the library only fails when
// a CUDA engine is created. One handle per engine, on the engine's stream, with an explicit
// workspace and atomics disallowed (cuBLAS's default), which makes its results bit-reproducible
// on the same GPU model and toolkit.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "../engine.h"

namespace cohort::cuda {

class Blas {
 public:
  Blas(cudaStream_t stream, Precision precision);
  ~Blas();
  Blas(const Blas&) = delete;
  Blas& operator=(const Blas&) = delete;

  // Row-major C[M,N] = alpha * op(A)[M,K] . op(B)[K,N] + beta * C, as cblas_sgemm(CblasRowMajor, ...).
  // fp32: CUBLAS_COMPUTE_32F_PEDANTIC (no TF32, for parity with the CPU backend). bf16:
  // CUBLAS_COMPUTE_32F_FAST_16BF (inputs rounded to bf16 on the tensor cores, fp32 accumulation
  // and output; the fp32 buffers stay the masters).
  void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
            const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

 private:
  void* handle_ = nullptr;
  void* workspace_ = nullptr;
  int computeType_ = 0;
};

}  // namespace cohort::cuda
