#include "blas.h"

#include <cublas_v2.h>
#include <dlfcn.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "check.h"
#include "cuda_api.h"

#ifndef COHORT_CUBLAS_PATH
#define COHORT_CUBLAS_PATH ""
#endif
#ifndef COHORT_CUBLAS_SONAME
#define COHORT_CUBLAS_SONAME "libcublas.so.13"
#endif

namespace cohort::cuda {
namespace {

// Function types written out by hand: cublas_api.h also declares C++ inline overloads of some of
// these names, so decltype(&cublasGemmEx) would be ambiguous.
using CreateFn = cublasStatus_t (*)(cublasHandle_t*);
using DestroyFn = cublasStatus_t (*)(cublasHandle_t);
using SetStreamFn = cublasStatus_t (*)(cublasHandle_t, cudaStream_t);
using SetMathModeFn = cublasStatus_t (*)(cublasHandle_t, cublasMath_t);
using SetWorkspaceFn = cublasStatus_t (*)(cublasHandle_t, void*, size_t);
using StatusStringFn = const char* (*)(cublasStatus_t);
using GemmExFn = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                                    const void*, cudaDataType, int, const void*, cudaDataType, int, const void*, void*,
                                    cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t);

struct Api {
  CreateFn create = nullptr;
  DestroyFn destroy = nullptr;
  SetStreamFn setStream = nullptr;
  SetMathModeFn setMathMode = nullptr;
  SetWorkspaceFn setWorkspace = nullptr;
  StatusStringFn statusString = nullptr;
  GemmExFn gemmEx = nullptr;
  std::string error;  // non-empty when loading failed
};

// The build records the absolute path of the toolkit's libcublas (the toolkit venv lives in the
// user's cache dir, and the addon is rebuilt per machine); the bare soname (LD_LIBRARY_PATH, the
// system's CUDA) is the fallback.
const Api& api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = nullptr;
    std::string tried;
    for (const char* path : {COHORT_CUBLAS_PATH, COHORT_CUBLAS_SONAME}) {
      if (!*path) continue;
      lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
      if (lib) break;
      const char* e = dlerror();
      tried += std::string(tried.empty() ? "" : "; ") + (e ? e : path);
    }
    if (!lib) {
      a.error = "dlopen cuBLAS: " + tried;
      return;
    }
    auto sym = [&](const char* name) {
      void* p = dlsym(lib, name);
      if (!p && a.error.empty()) a.error = std::string("dlsym cuBLAS: ") + name + " not found";
      return p;
    };
    a.create = reinterpret_cast<CreateFn>(sym("cublasCreate_v2"));
    a.destroy = reinterpret_cast<DestroyFn>(sym("cublasDestroy_v2"));
    a.setStream = reinterpret_cast<SetStreamFn>(sym("cublasSetStream_v2"));
    a.setMathMode = reinterpret_cast<SetMathModeFn>(sym("cublasSetMathMode"));
    a.setWorkspace = reinterpret_cast<SetWorkspaceFn>(sym("cublasSetWorkspace_v2"));
    a.statusString = reinterpret_cast<StatusStringFn>(sym("cublasGetStatusString"));
    a.gemmEx = reinterpret_cast<GemmExFn>(sym("cublasGemmEx"));
  });
  if (!a.error.empty()) throw std::runtime_error(a.error);
  return a;
}

void check(cublasStatus_t st, const char* what) {
  if (st == CUBLAS_STATUS_SUCCESS) return;
  const char* msg = api().statusString ? api().statusString(st) : "unknown status";
  throw std::runtime_error(std::string("cuBLAS: ") + what + " failed: " + msg + " (status " + std::to_string(int(st)) +
                           ")");
}

int asInt(int64_t v, const char* what) {
  if (v < 0 || v > INT32_MAX) throw UserError(std::string("cuBLAS: ") + what + " = " + std::to_string(v) + " exceeds 2^31-1");
  return int(v);
}

}  // namespace

Blas::Blas(cudaStream_t stream, Precision precision) {
  const Api& a = api();
  cublasHandle_t h = nullptr;
  check(a.create(&h), "cublasCreate");
  handle_ = h;
  try {
    check(a.setStream(h, stream), "cublasSetStream");
    CUDA_CHECK(cudaMalloc(&workspace_, size_t(kCublasWorkspaceBytes)));
    check(a.setWorkspace(h, workspace_, size_t(kCublasWorkspaceBytes)), "cublasSetWorkspace");
    const bool bf16 = precision == Precision::BF16;
    check(a.setMathMode(h, bf16 ? CUBLAS_DEFAULT_MATH : CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
    computeType_ = int(bf16 ? CUBLAS_COMPUTE_32F_FAST_16BF : CUBLAS_COMPUTE_32F_PEDANTIC);
  } catch (...) {
    a.destroy(h);
    if (workspace_) cudaFree(workspace_);
    throw;
  }
}

Blas::~Blas() {
  if (handle_) api().destroy(static_cast<cublasHandle_t>(handle_));
  if (workspace_) cudaFree(workspace_);
}

void Blas::gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands, keep the flags.
  const cublasOperation_t opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
  check(api().gemmEx(static_cast<cublasHandle_t>(handle_), opB, opA, asInt(N, "n"), asInt(M, "m"), asInt(K, "k"),
                     &alpha, B, CUDA_R_32F, asInt(ldb, "ldb"), A, CUDA_R_32F, asInt(lda, "lda"), &beta, C, CUDA_R_32F,
                     asInt(ldc, "ldc"), cublasComputeType_t(computeType_), CUBLAS_GEMM_DEFAULT),
        "cublasGemmEx");
}

}  // namespace cohort::cuda
