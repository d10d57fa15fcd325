// The backend-neutral engine interface. The N-API layer (addon.cpp) only talks to this, so a CUDA
// backend plugs in by implementing Engine; the parameter layout (ParamInfo table, HF key names,
// one flat fp32 buffer) is shared by every backend, which keeps checkpoints backend-independent.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cohort {

struct Config {
  int64_t vocab = 0, hidden = 0, layers = 0, heads = 0, ffn = 0, maxPos = 2048;
  int64_t rotaryDims = 0;  // int(head_dim * rotary_pct), as HF computes it
  float rotaryBase = 10000.f;
  float lnEps = 1e-5f;
  bool parallelResidual = true;
  bool geluTanh = false;  // false: exact erf GELU (HF "gelu"); true: tanh approximation ("gelu_new")
  int64_t headDim() const { return hidden / heads; }
};

struct ParamInfo {
  std::string name;            // GPTNeoXForCausalLM state-dict key
  std::vector<int64_t> shape;  // HF shape, row-major
  int64_t offset = 0, numel = 0;
  enum Role { Embed, QKV, AttnOut, FC1, FC2, Unembed, LNWeight, Bias } role = Bias;
  bool decay() const { return role != LNWeight && role != Bias; }  // GPT-NeoX: no decay on biases/LN
};

enum class InitScheme {
  Neox,    // GPT-NeoX small_init (std sqrt(2/(5d))) + wang_init (2/(L sqrt d)) on residual outputs
  Normal,  // HF _init_weights: N(0, initializer_range) for every matrix
  ScaledNormal,  // GPT-NeoX defaults (Pythia 6.9B/12B): normal, outputs range/sqrt(2L)
};

// Numerics of an engine: fp32 everywhere, or (CUDA only) bf16 GEMM inputs with fp32 accumulation,
// fp32 master weights, gradients and Adam moments. Checkpoints are fp32 either way.
enum class Precision { FP32, BF16 };
inline const char* precisionName(Precision p) { return p == Precision::BF16 ? "bf16" : "fp32"; }

struct AdamW {  // doubles, like the Python floats torch.optim.AdamW computes its scalars from
  double lr, beta1, beta2, eps, weightDecay, maxGradNorm;  // maxGradNorm <= 0 disables clipping
};

// Thrown for user-visible input errors; the addon turns it into a JS Error with this message.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Engine {
 public:
  virtual ~Engine() = default;
  const Config& config() const { return cfg_; }
  const std::vector<ParamInfo>& params() const { return params_; }
  int64_t numParams() const { return numParams_; }

  // Host <-> backend copies of whole flat buffers (params, grads, Adam moments).
  virtual void getParams(float* dst) const = 0;
  virtual void setParams(const float* src) = 0;
  virtual void getGrads(float* dst) const = 0;
  virtual void getOptState(float* m, float* v) const = 0;
  virtual void setOptState(const float* m, const float* v) = 0;
  // Seeded, thread-count independent init (computed on the host, then setParams).
  void initWeights(uint64_t seed, InitScheme scheme, float initializerRange);

  // logits [B,T,V] for ids [B,T].
  virtual void forward(const int32_t* ids, int64_t B, int64_t T, float* logits) = 0;
  // Accumulates d(gradScale * sum of token losses)/dparams into the grad buffer; returns the summed
  // loss over targets != -100. Callers pass gradScale = 1/(non-ignored targets in the whole batch).
  virtual double forwardBackward(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
                                 float gradScale) = 0;
  virtual void zeroGrads() = 0;
  // Clips by global norm, applies AdamW with bias correction for step `t` (1-based), zeroes grads.
  // Returns the pre-clip global grad norm.
  virtual double step(const AdamW& opt, int64_t t) = 0;
  // Log-prob of targets[b,t] given ids[b,0..t]; greedy[b,t] = argmax == target. -100 targets skipped.
  virtual void scoreTargets(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
                            float* logprobs, uint8_t* greedy) = 0;
  // Shared-prefix scoring (lm-eval multiple choice): G contexts ctx [G,T0] of equal length and R
  // continuation rows cont [R,Tc], right-padded to Tc, row r with contLen[r] in [1,Tc] tokens
  // extending context owner[r]. logprobs/greedy [R,Tc]: position k < contLen[r] is
  // log P(cont[r][k] | ctx[owner[r]], cont[r][<k]) and whether that token is the argmax; padding
  // positions are 0 and their ids are ignored. Each context is run once, however many rows share it.
  // The longest row spans T0 + Tc - 1 positions (its last token is never fed), <= maxPos.
  virtual void scoreShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner,
                           const int32_t* cont, const int32_t* contLen, int64_t R, int64_t Tc,
                           float* logprobs, uint8_t* greedy) = 0;
  // Greedy decoding with a KV cache: prompts [B,T0] -> out [B,maxNew].
  virtual void generate(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out) = 0;

 protected:
  explicit Engine(const Config& cfg);
  // Argument checks every backend applies the same way (UserError with the reason).
  void checkIds(const int32_t* ids, int64_t n, bool targets, const char* what = nullptr) const;  // targets: -100 ok
  void checkInput(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T) const;
  void checkShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner, const int32_t* cont,
                   const int32_t* contLen, int64_t R, int64_t Tc) const;
  // One layer's tensors in a flat buffer laid out like the parameter table (params, grads or Adam
  // moments, on the host or a device: only offsets are computed here).
  struct Layer {
    float *ln1w, *ln1b, *ln2w, *ln2b, *qkvw, *qkvb, *dw, *db, *fc1w, *fc1b, *fc2w, *fc2b;
  };
  Layer layer(float* base, int64_t l) const;
  float* lnf(float* base, int i) const;  // final LN weight (0), bias (1), embed_out (2)
  Config cfg_;
  std::vector<ParamInfo> params_;
  int64_t numParams_ = 0;
};

// Continuation rows cont [R,Tc] as [R,width]: ids at k >= contLen[r] (padding) replaced by 0, a valid
// id whose value cannot matter (causal attention: later positions never influence scored ones).
std::vector<int32_t> unpadRows(const int32_t* cont, const int32_t* contLen, int64_t R, int64_t Tc, int64_t width);

// Validates the config (throws UserError) and builds the engine for `backend` ("cpu" or, when
// compiled in and a device is usable, "cuda"). The CPU backend accepts only Precision::FP32.
std::unique_ptr<Engine> makeEngine(const std::string& backend, const Config& cfg, int threads,
                                   Precision precision = Precision::FP32);

}  // namespace cohort
