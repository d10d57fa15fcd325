// The CUDA backend: fp32 params/grads/Adam moments as flat device buffers in the ParamInfo order
// (the same offsets as the CPU backend, so get/set and checkpoints are unchanged), GEMMs on cuBLAS,
// everything else in the kernels of launch.h, all on one stream. Every call that returns host data
// synchronises before returning. No atomics anywhere: the same seed, spec and GPU model give
// bit-identical weights.
#pragma once
#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "../engine.h"
#include "blas.h"
#include "check.h"
#include "cuda_api.h"

namespace cohort::cuda {

// A device allocation that only grows (activations keep their size across calls of one shape).
template <typename T>
class DevBuf {
 public:
  DevBuf() = default;
  ~DevBuf() { release(); }
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  DevBuf(DevBuf&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  void ensure(int64_t n) {
    if (n <= n_) return;
    release();
    const cudaError_t e = cudaMalloc(reinterpret_cast<void**>(&p_), size_t(n) * sizeof(T));
    if (e == cudaErrorMemoryAllocation) {  // past the free-memory checks (fragmentation, other processes)
      p_ = nullptr;
      cudaGetLastError();  // not sticky: clear it so later calls are unaffected
      throw UserError("backend 'cuda': out of device memory allocating " + std::to_string(size_t(n) * sizeof(T)) +
                      " bytes");
    }
    CUDA_CHECK(e);
    n_ = n;
  }
  void release() {
    if (p_) cudaFree(p_);
    p_ = nullptr;
    n_ = 0;
  }
  T* get() const { return p_; }
  int64_t bytes() const { return n_ * int64_t(sizeof(T)); }

 private:
  T* p_ = nullptr;
  int64_t n_ = 0;
};

class CudaEngine : public Engine {
 public:
  CudaEngine(const Config& cfg, Precision precision, const CudaDeviceInfo& device);
  ~CudaEngine() override;

  void getParams(float* dst) const override;
  void setParams(const float* src) override;
  void getGrads(float* dst) const override;
  void getOptState(float* m, float* v) const override;
  void setOptState(const float* m, const float* v) override;
  void forward(const int32_t* ids, int64_t B, int64_t T, float* logits) override;
  double forwardBackward(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
                         float gradScale) override;
  void zeroGrads() override;
  double step(const AdamW& opt, int64_t t) override;
  void scoreTargets(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T, float* logprobs,
                    uint8_t* greedy) override;
  void scoreShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner, const int32_t* cont,
                   const int32_t* contLen, int64_t R, int64_t Tc, float* logprobs, uint8_t* greedy) override;
  void generate(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out) override;

 private:

  // Activations of one forward over N = B*T rows; training keeps every layer's (S = L slots).
  struct Acts {
    int64_t B = 0, T = 0;
    bool training = false;
    DevBuf<float> x, ln1, ln2, att, mid, qkv, fc, gelu, lse, mean1, rstd1, mean2, rstd2, tmp, lnf, meanf, rstdf;
    int64_t bytes() const;
  };
  struct KVCache {
    int64_t B = 0, Tmax = 0;
    std::vector<DevBuf<float>> rows;  // per layer [B, Tmax, 3d] (post-RoPE k and v)
  };
  void prepare(Acts& a, int64_t B, int64_t T, bool training);
  KVCache newCache(int64_t B, int64_t Tmax);
  void ensureCache(KVCache& c, int64_t B, int64_t Tmax);
  // Refuses (UserError) when `bytes` more device memory than is free would be needed.
  void requireDeviceMemory(int64_t bytes, const std::string& what, int64_t modelBytes, int64_t actBytes) const;
  std::string describe() const;

  void upload(DevBuf<int32_t>& dst, const int32_t* src, int64_t n);
  void linear(const float* x, const float* W, const float* b, float* y, int64_t N, int64_t I, int64_t O);
  void linearBackward(const float* dy, const float* x, const float* W, float* dx, float* dW, float* db, int64_t N,
                      int64_t I, int64_t O);
  void forwardLayers(const int32_t* dIds, Acts& a, int64_t past, KVCache* cache);
  void backwardLayers(const int32_t* ids, Acts& a);
  // Log-probs and greedy flags of rows idx[i] of src [*, d] for targets[i], through the classifier.
  void scoreRows(const float* src, const std::vector<int64_t>& idx, const std::vector<int32_t>& targets,
                 std::vector<float>& logprobs, std::vector<uint8_t>& greedy);
  void sync() const;

  Precision precision_;
  CudaDeviceInfo device_;
  cudaStream_t stream_ = nullptr;
  std::unique_ptr<Blas> blas_;
  DevBuf<float> w_, g_, m_, v_, ropeCos_, ropeSin_;
  Acts train_, infer_;
  KVCache decode_;
  // Training scratch: gradients of the residual stream and per-layer temporaries.
  DevBuf<float> gx_, gn_, dln_, datt_, dqkv_, dfc_, attnD_, partial_;
  // Classifier scratch: a [rows, V] logits block and the gathered rows it is computed from.
  DevBuf<float> logits_, rows_, rowLogprob_;
  DevBuf<double> rowLoss_, sumsqScratch_, sumsqResult_;
  DevBuf<int64_t> rowIdx_;
  DevBuf<int32_t> ids_, targets_, rowTargets_, embTokens_, embStart_, embOrder_, next_, genOut_;
  DevBuf<uint8_t> rowGreedy_;
};

}  // namespace cohort::cuda
