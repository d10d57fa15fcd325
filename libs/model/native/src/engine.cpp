// Backend-independent parts of the engine: config validation, the parameter table (HF key names
// and shapes, in one flat buffer) and the seeded weight init.
#include "engine.h"

#include <algorithm>
#include <cmath>

#include "cpu/cpu_engine.h"
#include "cuda/cuda_api.h"

namespace cohort {

static void require(bool ok, const std::string& msg) {
  if (!ok) throw UserError(msg);
}

static void validate(const Config& c) {
  require(c.vocab > 0 && c.hidden > 0 && c.layers > 0 && c.heads > 0 && c.ffn > 0 && c.maxPos > 0,
          "config: vocab_size, hidden_size, num_hidden_layers, num_attention_heads, intermediate_size "
          "and max_position_embeddings must be positive");
  require(c.hidden % c.heads == 0, "config: hidden_size (" + std::to_string(c.hidden) +
                                       ") must be divisible by num_attention_heads (" +
                                       std::to_string(c.heads) + ")");
  require(c.rotaryDims >= 0 && c.rotaryDims <= c.headDim() && c.rotaryDims % 2 == 0,
          "config: rotary dims (head_dim * rotary_pct = " + std::to_string(c.rotaryDims) +
              ") must be even and at most head_dim");
  require(c.rotaryBase > 0 && c.lnEps > 0, "config: rotary_emb_base and layer_norm_eps must be > 0");
  require(c.maxPos <= (int64_t(1) << 20), "config: max_position_embeddings must be <= 1048576");
  require(c.vocab < (int64_t(1) << 31) && c.hidden * c.vocab < (int64_t(1) << 40),
          "config: model too large");
}

Engine::Engine(const Config& cfg) : cfg_(cfg) {
  validate(cfg);
  const int64_t d = cfg.hidden, f = cfg.ffn, V = cfg.vocab;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, ParamInfo::Role role) {
    ParamInfo p;
    p.name = name;
    p.shape = std::move(shape);
    p.numel = 1;
    for (int64_t s : p.shape) p.numel *= s;
    p.offset = numParams_;
    p.role = role;
    numParams_ += p.numel;
    params_.push_back(std::move(p));
  };
  add("gpt_neox.embed_in.weight", {V, d}, ParamInfo::Embed);
  for (int64_t l = 0; l < cfg.layers; l++) {
    const std::string p = "gpt_neox.layers." + std::to_string(l) + ".";
    add(p + "input_layernorm.weight", {d}, ParamInfo::LNWeight);
    add(p + "input_layernorm.bias", {d}, ParamInfo::Bias);
    add(p + "post_attention_layernorm.weight", {d}, ParamInfo::LNWeight);
    add(p + "post_attention_layernorm.bias", {d}, ParamInfo::Bias);
    add(p + "attention.query_key_value.weight", {3 * d, d}, ParamInfo::QKV);
    add(p + "attention.query_key_value.bias", {3 * d}, ParamInfo::Bias);
    add(p + "attention.dense.weight", {d, d}, ParamInfo::AttnOut);
    add(p + "attention.dense.bias", {d}, ParamInfo::Bias);
    add(p + "mlp.dense_h_to_4h.weight", {f, d}, ParamInfo::FC1);
    add(p + "mlp.dense_h_to_4h.bias", {f}, ParamInfo::Bias);
    add(p + "mlp.dense_4h_to_h.weight", {d, f}, ParamInfo::FC2);
    add(p + "mlp.dense_4h_to_h.bias", {d}, ParamInfo::Bias);
  }
  add("gpt_neox.final_layer_norm.weight", {d}, ParamInfo::LNWeight);
  add("gpt_neox.final_layer_norm.bias", {d}, ParamInfo::Bias);
  add("embed_out.weight", {V, d}, ParamInfo::Unembed);
}

static constexpr int64_t kPerLayer = 12;  // ParamInfo entries per layer, as added above

Engine::Layer Engine::layer(float* base, int64_t l) const {
  const ParamInfo* p = &params_[1 + l * kPerLayer];
  auto at = [&](int i) { return base + p[i].offset; };
  return {at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8), at(9), at(10), at(11)};
}

float* Engine::lnf(float* base, int i) const { return base + params_[1 + cfg_.layers * kPerLayer + i].offset; }

// Counter-based normal sampler: element i of tensor k depends only on (seed, k, i), so the init is
// identical for any thread count or backend.
static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline double uniform01(uint64_t h) { return ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

void Engine::initWeights(uint64_t seed, InitScheme scheme, float range) {
  const double d = double(cfg_.hidden), L = double(cfg_.layers);
  const double small = std::sqrt(2.0 / (5.0 * d)), wang = 2.0 / (L * std::sqrt(d));
  const double in = scheme == InitScheme::Neox ? small : range;
  const double out = scheme == InitScheme::Neox ? wang
                     : scheme == InitScheme::ScaledNormal ? range / std::sqrt(2.0 * L) : range;
  std::vector<float> w(numParams_);
  for (size_t k = 0; k < params_.size(); k++) {
    const ParamInfo& p = params_[k];
    float* dst = w.data() + p.offset;
    double std = 0;
    switch (p.role) {
      case ParamInfo::LNWeight: std::fill(dst, dst + p.numel, 1.f); continue;
      case ParamInfo::Bias: std::fill(dst, dst + p.numel, 0.f); continue;
      case ParamInfo::AttnOut:
      case ParamInfo::FC2: std = out; break;
      default: std = in;
    }
    const uint64_t base = mix64(seed * 0x9e3779b97f4a7c15ULL + (k + 1) * 0xd1b54a32d192ed03ULL);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < p.numel; i += 2) {  // Box-Muller: one pair of uniforms -> two normals
      const uint64_t h = mix64(base + uint64_t(i));
      const double u1 = uniform01(h), u2 = uniform01(mix64(h ^ 0x5851f42d4c957f2dULL));
      const double r = std::sqrt(-2.0 * std::log(u1)), th = 6.283185307179586 * u2;
      dst[i] = float(std * r * std::cos(th));
      if (i + 1 < p.numel) dst[i + 1] = float(std * r * std::sin(th));
    }
  }
  setParams(w.data());
}

void Engine::checkIds(const int32_t* ids, int64_t n, bool targets, const char* what) const {
  for (int64_t i = 0; i < n; i++) {
    if ((ids[i] >= 0 && ids[i] < cfg_.vocab) || (targets && ids[i] == -100)) continue;
    throw UserError(std::string(what ? what : targets ? "target" : "token") + " id " + std::to_string(ids[i]) +
                    " at flat index " + std::to_string(i) + " is outside [0, " + std::to_string(cfg_.vocab) +
                    ")" + (targets ? " (use -100 to ignore a position)" : ""));
  }
}

void Engine::checkInput(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T) const {
  if (T > cfg_.maxPos)
    throw UserError("sequence length " + std::to_string(T) + " exceeds max_position_embeddings " +
                    std::to_string(cfg_.maxPos));
  checkIds(ids, B * T, false);
  if (targets) checkIds(targets, B * T, true);
}

std::vector<int32_t> unpadRows(const int32_t* cont, const int32_t* contLen, int64_t R, int64_t Tc, int64_t width) {
  std::vector<int32_t> out(R * width, 0);
  for (int64_t r = 0; r < R; r++)
    for (int64_t k = 0; k < std::min<int64_t>(contLen[r], width); k++) out[r * width + k] = cont[r * Tc + k];
  return out;
}

void Engine::checkShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner, const int32_t* cont,
                         const int32_t* contLen, int64_t R, int64_t Tc) const {
  require(G >= 1 && T0 >= 1 && R >= 1 && Tc >= 1, "scoreShared: contexts, rows and lengths must be >= 1");
  // The longest row's last token is only predicted, never fed: T0 + Tc - 1 positions run.
  require(T0 + Tc - 1 <= cfg_.maxPos, "context length " + std::to_string(T0) + " + continuation length " +
                                          std::to_string(Tc) + " - 1 exceeds max_position_embeddings " +
                                          std::to_string(cfg_.maxPos));
  for (int64_t r = 0; r < R; r++) {
    require(owner[r] >= 0 && owner[r] < G, "continuation row " + std::to_string(r) + ": owner " +
                                               std::to_string(owner[r]) + " is outside [0, " + std::to_string(G) + ")");
    require(contLen[r] >= 1 && contLen[r] <= Tc, "continuation row " + std::to_string(r) + ": length " +
                                                     std::to_string(contLen[r]) + " is outside [1, " +
                                                     std::to_string(Tc) + "]");
  }
  checkIds(ctx, G * T0, false, "context");
  // Padding ids are never read, so only the real ones must be valid (flat indices are cont's).
  const std::vector<int32_t> real = unpadRows(cont, contLen, R, Tc, Tc);
  checkIds(real.data(), R * Tc, false, "continuation");
}

std::unique_ptr<Engine> makeEngine(const std::string& backend, const Config& cfg, int threads,
                                   Precision precision) {
  if (backend == "cpu") {
    if (precision != Precision::FP32)
      throw UserError(std::string("precision '") + precisionName(precision) +
                      "' is not supported by the cpu backend (it computes in fp32); use precision 'fp32', "
                      "or backend 'cuda'");
    return std::make_unique<CpuEngine>(cfg, threads);
  }
  if (backend == "cuda") {
#if COHORT_WITH_CUDA
    return makeCudaEngine(cfg, precision);
#else
    throw UserError("backend 'cuda' is not built into this addon (it was compiled without a CUDA toolkit; "
                    "rebuild with COHORT_CUDA=ON bash scripts/build-native.sh)");
#endif
  }
  throw UserError("unknown backend '" + backend + "' (available: cpu" + (COHORT_WITH_CUDA ? ", cuda)" : ")"));
}

}  // namespace cohort
