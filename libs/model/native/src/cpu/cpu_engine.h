// The CPU backend: fp32 params/grads/Adam moments in host memory, GEMMs on OpenBLAS, the rest on
// OpenMP loops. Deterministic for a fixed thread count (no reductions with a run-dependent order).
#pragma once
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "../engine.h"
#include "kernels.h"

namespace cohort {

// One long-lived thread that runs jobs handed to it while the caller waits. OpenMP keeps a thread
// team per calling thread: async calls land on whichever libuv worker is free, so decoding batch
// after batch would otherwise wake up to four teams, whose idle spinning threads steal the cores
// from the one at work (measured: ~15% slower generate on 2 cores).
class ComputeThread {
 public:
  ComputeThread() = default;
  ~ComputeThread();
  void run(const std::function<void()>& job);  // rethrows the job's exception

 private:
  void loop();
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  const std::function<void()>* job_ = nullptr;
  std::exception_ptr error_;
  bool busy_ = false, stop_ = false;
};

class CpuEngine : public Engine {
 public:
  CpuEngine(const Config& cfg, int threads);

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

  // Activations of one forward pass over N = B*T rows. Training keeps every layer's tensors for
  // the backward; inference reuses one slot for all layers.
  struct Acts {
    int64_t B = 0, T = 0;
    bool training = false;
    std::vector<float> x;  // [L+1][N,d] residual stream entering each layer, last = final (inference: 2, ping-pong)
    std::vector<float> ln1, ln2, att, mid, qkv, fc, gelu, lse, mean1, rstd1, mean2, rstd2;
    std::vector<float> tmp, lnf, meanf, rstdf;
  };
  struct KVCache {
    int64_t Tmax = 0;
    std::vector<std::vector<float>> rows;  // per layer [B, Tmax, 3d] (post-RoPE k and v used)
  };
  KVCache newCache(int64_t B, int64_t Tmax) const;
  // generate's cache, kept between calls: a scan decodes batch after batch of one shape, and a
  // fresh cache each call would page-fault (and zero) its whole size every time.
  KVCache& decodeCache(int64_t B, int64_t Tmax);
  void generateHere(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out);
  // A cache for R rows of T0 + extra positions, row r starting with src's first T0 positions of owner[r].
  KVCache replicate(const KVCache& src, int64_t T0, const int32_t* owner, int64_t R, int64_t extra) const;
  struct ScoredRow {
    const float* x;  // final-LN state [d] that predicts the target
    int32_t target;
    int64_t out;  // index into the logprobs/greedy outputs
  };
  // log P(target) and argmax == target per row; only these states go through the [d, V] classifier.
  void scoreRows(const std::vector<ScoredRow>& rows, float* logprobs, uint8_t* greedy);
  void prepare(Acts& a, int64_t B, int64_t T, bool training) const;
  // Runs embedding + all layers + final LN for ids [B,T] at positions past..past+T-1.
  void forwardLayers(const int32_t* ids, Acts& a, int64_t past, KVCache* cache);
  void backwardLayers(const int32_t* ids, Acts& a, std::vector<float>& dx);
  void attention(const float* qkv, const float* kvBase, int64_t kvBatchStride, int64_t B, int64_t T,
                 int64_t past, float* att, float* lse);
  void useThreads() const;

  int threads_;
  cpu::Rope rope_;
  std::vector<float> w_, g_, m_, v_;
  Acts train_, infer_;
  KVCache decode_;
  ComputeThread decoder_;  // generate runs here, whatever thread calls it
  std::vector<float> logitsChunk_, attnScratch_;
};

}  // namespace cohort
