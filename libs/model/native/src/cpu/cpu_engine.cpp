#include "cpu_engine.h"

#include <cblas.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cohort {
using namespace cpu;

// Buffers are written as soon as they are allocated; past physical memory the kernel's OOM killer
// would end the process instead of a bad_alloc, so oversized requests are refused up front.
static void requireMemory(double bytes, const std::string& what) {
  const double have = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  if (bytes > 0.9 * have)
    throw UserError(what + " need " + std::to_string(int64_t(bytes / 1e9)) + " GB, this machine has " +
                    std::to_string(int64_t(have / 1e9)) + " GB of memory");
}

void ComputeThread::run(const std::function<void()>& job) {
  std::unique_lock<std::mutex> lock(m_);
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  cv_.wait(lock, [this] { return !busy_; });  // one job at a time (engine calls are serial anyway)
  job_ = &job;
  busy_ = true;
  error_ = nullptr;
  cv_.notify_all();
  cv_.wait(lock, [this] { return job_ == nullptr; });
  std::exception_ptr error = error_;
  busy_ = false;
  cv_.notify_all();
  lock.unlock();
  if (error) std::rethrow_exception(error);
}

void ComputeThread::loop() {
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || job_ != nullptr; });
    if (stop_) return;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job_)();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error;
    job_ = nullptr;
    cv_.notify_all();
  }
}

ComputeThread::~ComputeThread() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

CpuEngine::CpuEngine(const Config& cfg, int threads)
    : Engine(cfg), threads_(threads), rope_(cfg.rotaryDims, cfg.maxPos, cfg.rotaryBase) {
  if (threads_ < 1) throw UserError("threads must be >= 1");
  requireMemory(16.0 * double(numParams_), "model has " + std::to_string(numParams_) +
                                               " parameters: fp32 weights, grads and Adam state");
  w_.assign(numParams_, 0.f);
  g_.assign(numParams_, 0.f);
  m_.assign(numParams_, 0.f);
  v_.assign(numParams_, 0.f);
}

void CpuEngine::useThreads() const {
  omp_set_num_threads(threads_);
  openblas_set_num_threads(threads_);
}

void CpuEngine::getParams(float* dst) const { std::memcpy(dst, w_.data(), numParams_ * 4); }
void CpuEngine::setParams(const float* src) { std::memcpy(w_.data(), src, numParams_ * 4); }
void CpuEngine::getGrads(float* dst) const { std::memcpy(dst, g_.data(), numParams_ * 4); }
void CpuEngine::getOptState(float* m, float* v) const {
  std::memcpy(m, m_.data(), numParams_ * 4);
  std::memcpy(v, v_.data(), numParams_ * 4);
}
void CpuEngine::setOptState(const float* m, const float* v) {
  std::memcpy(m_.data(), m, numParams_ * 4);
  std::memcpy(v_.data(), v, numParams_ * 4);
}
void CpuEngine::zeroGrads() { std::fill(g_.begin(), g_.end(), 0.f); }

void CpuEngine::prepare(Acts& a, int64_t B, int64_t T, bool training) const {
  if (B < 1 || T < 1) throw UserError("batch and sequence length must be >= 1");
  const int64_t N = B * T, d = cfg_.hidden, f = cfg_.ffn, L = cfg_.layers;
  a.B = B;
  a.T = T;
  a.training = training;
  const int64_t S = training ? L : 1;  // per-layer activation slots
  const double floats = double(N) * ((S + 2) * d + S * (4 * d + 2 * f + cfg_.heads + 4) + 3 * d + 2 * f);
  requireMemory(4.0 * floats, "batch " + std::to_string(B) + " x " + std::to_string(T) + ": activations");
  a.x.resize((training ? L + 1 : 2) * N * d);
  for (auto* v : {&a.ln1, &a.ln2, &a.att}) v->resize(S * N * d);
  a.mid.resize(cfg_.parallelResidual ? 0 : S * N * d);
  a.qkv.resize(S * N * 3 * d);
  a.fc.resize(S * N * f);
  a.gelu.resize(S * N * f);
  a.lse.resize(S * N * cfg_.heads);
  for (auto* v : {&a.mean1, &a.rstd1, &a.mean2, &a.rstd2}) v->resize(S * N);
  a.tmp.resize(2 * N * d);
  a.lnf.resize(N * d);
  a.meanf.resize(N);
  a.rstdf.resize(N);
}

CpuEngine::KVCache CpuEngine::newCache(int64_t B, int64_t Tmax) const {
  const int64_t row = 3 * cfg_.hidden;
  requireMemory(4.0 * double(cfg_.layers) * double(B) * double(Tmax) * double(row),
                "KV cache " + std::to_string(B) + " x " + std::to_string(Tmax));
  KVCache c;
  c.Tmax = Tmax;
  c.rows.assign(cfg_.layers, std::vector<float>(B * Tmax * row));
  return c;
}

CpuEngine::KVCache& CpuEngine::decodeCache(int64_t B, int64_t Tmax) {
  const int64_t row = 3 * cfg_.hidden, need = B * Tmax * row;
  requireMemory(4.0 * double(cfg_.layers) * double(need), "KV cache " + std::to_string(B) + " x " + std::to_string(Tmax));
  decode_.Tmax = Tmax;  // every position is written before it is read: no clearing needed
  decode_.rows.resize(cfg_.layers);
  for (auto& r : decode_.rows)
    if (int64_t(r.size()) < need) r.resize(need);
  return decode_;
}

CpuEngine::KVCache CpuEngine::replicate(const KVCache& src, int64_t T0, const int32_t* owner, int64_t R,
                                        int64_t extra) const {
  const int64_t row = 3 * cfg_.hidden, L = cfg_.layers;
  KVCache c = newCache(R, T0 + extra);
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t l = 0; l < L; l++)
    for (int64_t r = 0; r < R; r++)
      std::memcpy(c.rows[l].data() + r * c.Tmax * row, src.rows[l].data() + owner[r] * src.Tmax * row, T0 * row * 4);
  return c;
}

void CpuEngine::attention(const float* qkv, const float* kvBase, int64_t kvBatchStride, int64_t B,
                          int64_t T, int64_t past, float* att, float* lse) {
  const int64_t H = cfg_.heads, hd = cfg_.headDim(), d = cfg_.hidden;
  const int64_t per = attentionScratch(past + T);
  attnScratch_.resize(per * omp_get_max_threads());
  const BlasSerialScope serial(threads_);  // parallel over heads; each head's GEMMs on one thread
#pragma omp parallel for schedule(static)
  for (int64_t bh = 0; bh < B * H; bh++) {
    const int64_t b = bh / H, h = bh % H;
    const float* kv = kvBase + b * kvBatchStride + h * 3 * hd;
    const AttnHead a{qkv + b * T * 3 * d + h * 3 * hd, kv + hd, kv + 2 * hd, 3 * d, 3 * d, T, past, hd};
    attentionForward(a, att + b * T * d + h * hd, d, lse + bh * T,
                     attnScratch_.data() + omp_get_thread_num() * per);
  }
}

void CpuEngine::forwardLayers(const int32_t* ids, Acts& a, int64_t past, KVCache* cache) {
  const int64_t B = a.B, T = a.T, N = B * T, d = cfg_.hidden, f = cfg_.ffn, H = cfg_.heads;
  const int64_t hd = cfg_.headDim(), L = cfg_.layers;
  const float eps = cfg_.lnEps;
  auto xAt = [&](int64_t l) { return a.x.data() + (a.training ? l : l % 2) * N * d; };
  const float* E = w_.data();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < N; r++) std::memcpy(xAt(0) + r * d, E + int64_t(ids[r]) * d, d * 4);

  for (int64_t l = 0; l < L; l++) {
    const int64_t s = a.training ? l : 0;
    const Layer p = layer(w_.data(), l);
    float *x = xAt(l), *xn = xAt(l + 1);
    float *ln1 = a.ln1.data() + s * N * d, *ln2 = a.ln2.data() + s * N * d;
    float *qkv = a.qkv.data() + s * N * 3 * d, *att = a.att.data() + s * N * d;
    float *fc = a.fc.data() + s * N * f, *ge = a.gelu.data() + s * N * f;
    float *ao = a.tmp.data(), *mo = a.tmp.data() + N * d;

    layerNormForward(x, p.ln1w, p.ln1b, ln1, a.mean1.data() + s * N, a.rstd1.data() + s * N, N, d, eps);
    linearForward(ln1, p.qkvw, p.qkvb, qkv, N, d, 3 * d);
    ropeApply(rope_, qkv, B, T, past, H, hd, false);
    const float* kv = qkv;
    int64_t kvStride = T * 3 * d;
    if (cache) {  // append this call's rows (post-RoPE k, v) at positions past..past+T-1
      float* rows = cache->rows[l].data();
      for (int64_t b = 0; b < B; b++)
        std::memcpy(rows + (b * cache->Tmax + past) * 3 * d, qkv + b * T * 3 * d, T * 3 * d * 4);
      kv = rows;
      kvStride = cache->Tmax * 3 * d;
    }
    attention(qkv, kv, kvStride, B, T, past, att, a.lse.data() + s * N * H);
    linearForward(att, p.dw, p.db, ao, N, d, d);

    const float* mlpIn = x;  // parallel residual: both LayerNorms read the block input
    if (!cfg_.parallelResidual) {
      float* mid = a.mid.data() + s * N * d;
#pragma omp parallel for simd schedule(static)
      for (int64_t i = 0; i < N * d; i++) mid[i] = ao[i] + x[i];
      mlpIn = mid;
    }
    layerNormForward(mlpIn, p.ln2w, p.ln2b, ln2, a.mean2.data() + s * N, a.rstd2.data() + s * N, N, d, eps);
    linearForward(ln2, p.fc1w, p.fc1b, fc, N, d, f);
    geluForward(fc, ge, N * f, cfg_.geluTanh);
    linearForward(ge, p.fc2w, p.fc2b, mo, N, f, d);
    if (cfg_.parallelResidual) {
#pragma omp parallel for simd schedule(static)
      for (int64_t i = 0; i < N * d; i++) xn[i] = (mo[i] + ao[i]) + x[i];  // HF: mlp + attn + x
    } else {
#pragma omp parallel for simd schedule(static)
      for (int64_t i = 0; i < N * d; i++) xn[i] = mo[i] + mlpIn[i];
    }
  }
  layerNormForward(xAt(L), lnf(w_.data(), 0), lnf(w_.data(), 1), a.lnf.data(), a.meanf.data(),
                   a.rstdf.data(), N, d, eps);
}

void CpuEngine::backwardLayers(const int32_t* ids, Acts& a, std::vector<float>& gx) {
  const int64_t B = a.B, T = a.T, N = B * T, d = cfg_.hidden, f = cfg_.ffn, H = cfg_.heads;
  const int64_t hd = cfg_.headDim(), L = cfg_.layers;
  std::vector<float> gn(N * d), dln(N * d), datt(N * d), dqkv(N * 3 * d), dfc(N * f);

  // Final LayerNorm: gx holds dL/d(lnf output) on entry.
  std::fill(gn.begin(), gn.end(), 0.f);
  layerNormBackward(gx.data(), a.x.data() + L * N * d, lnf(w_.data(), 0), a.meanf.data(),
                    a.rstdf.data(), gn.data(), lnf(g_.data(), 0), lnf(g_.data(), 1), N, d);
  gx.swap(gn);

  const int64_t per = attentionScratch(T);
  attnScratch_.resize(per * omp_get_max_threads());
  for (int64_t l = L - 1; l >= 0; l--) {
    const Layer p = layer(w_.data(), l), gp = layer(g_.data(), l);
    const float* x = a.x.data() + l * N * d;
    const float *ln1 = a.ln1.data() + l * N * d, *ln2 = a.ln2.data() + l * N * d;
    const float *qkv = a.qkv.data() + l * N * 3 * d, *att = a.att.data() + l * N * d;
    const float *fc = a.fc.data() + l * N * f, *ge = a.gelu.data() + l * N * f;
    const float* lse = a.lse.data() + l * N * H;
    const float* mlpIn = cfg_.parallelResidual ? x : a.mid.data() + l * N * d;

    std::memcpy(gn.data(), gx.data(), N * d * 4);  // residual path
    // MLP branch (its output gradient is gx in both residual modes).
    linearBackward(gx.data(), ge, p.fc2w, dfc.data(), gp.fc2w, gp.fc2b, N, f, d, false);
    geluBackward(fc, dfc.data(), N * f, cfg_.geluTanh);
    linearBackward(dfc.data(), ln2, p.fc1w, dln.data(), gp.fc1w, gp.fc1b, N, d, f, false);
    layerNormBackward(dln.data(), mlpIn, p.ln2w, a.mean2.data() + l * N, a.rstd2.data() + l * N,
                      gn.data(), gp.ln2w, gp.ln2b, N, d);
    // Attention branch: sequential mode feeds it d(mid), which gn now holds.
    const float* dAttnOut = cfg_.parallelResidual ? gx.data() : gn.data();
    linearBackward(dAttnOut, att, p.dw, datt.data(), gp.dw, gp.db, N, d, d, false);
    std::fill(dqkv.begin(), dqkv.end(), 0.f);
    {
      const BlasSerialScope serial(threads_);
#pragma omp parallel for schedule(static)
      for (int64_t bh = 0; bh < B * H; bh++) {
        const int64_t b = bh / H, h = bh % H, off = b * T * 3 * d + h * 3 * hd;
        const AttnHead ah{qkv + off, qkv + off + hd, qkv + off + 2 * hd, 3 * d, 3 * d, T, 0, hd};
        float* dq = dqkv.data() + off;
        attentionBackward(ah, att + b * T * d + h * hd, datt.data() + b * T * d + h * hd, d, lse + bh * T,
                          dq, dq + hd, dq + 2 * hd, attnScratch_.data() + omp_get_thread_num() * per);
      }
    }
    ropeApply(rope_, dqkv.data(), B, T, 0, H, hd, true);
    linearBackward(dqkv.data(), ln1, p.qkvw, dln.data(), gp.qkvw, gp.qkvb, N, d, 3 * d, false);
    layerNormBackward(dln.data(), x, p.ln1w, a.mean1.data() + l * N, a.rstd1.data() + l * N,
                      gn.data(), gp.ln1w, gp.ln1b, N, d);
    gx.swap(gn);
  }

  // Embedding: column blocks in parallel, rows in order, so repeated tokens sum deterministically.
  float* gE = g_.data();
  const int64_t blk = 64;
#pragma omp parallel for schedule(static)
  for (int64_t c0 = 0; c0 < d; c0 += blk) {
    const int64_t c1 = std::min(d, c0 + blk);
    for (int64_t r = 0; r < N; r++) {
      float* dst = gE + int64_t(ids[r]) * d;
      const float* src = gx.data() + r * d;
      for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
    }
  }
}

// Rows per classifier chunk: bounds the [rows, V] logits block to ~64 MB.
static int64_t classifierRows(int64_t N, int64_t V) {
  return std::max<int64_t>(1, std::min<int64_t>(N, (int64_t(16) << 20) / V));
}

void CpuEngine::forward(const int32_t* ids, int64_t B, int64_t T, float* logits) {
  useThreads();
  checkInput(ids, nullptr, B, T);
  prepare(infer_, B, T, false);
  forwardLayers(ids, infer_, 0, nullptr);
  linearForward(infer_.lnf.data(), lnf(w_.data(), 2), nullptr, logits, B * T, cfg_.hidden, cfg_.vocab);
}

double CpuEngine::forwardBackward(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
                                  float gradScale) {
  useThreads();
  checkInput(ids, targets, B, T);
  prepare(train_, B, T, true);
  forwardLayers(ids, train_, 0, nullptr);

  // Fused classifier + cross-entropy, chunked over rows so [B*T, V] logits never exist at once.
  const int64_t N = B * T, d = cfg_.hidden, V = cfg_.vocab, R = classifierRows(N, V);
  const float* Wout = lnf(w_.data(), 2);
  float* gWout = g_.data() + params_.back().offset;
  logitsChunk_.resize(R * V);
  std::vector<float> gx(N * d);
  double loss = 0;
  for (int64_t r0 = 0; r0 < N; r0 += R) {
    const int64_t rr = std::min(R, N - r0);
    const float* xr = train_.lnf.data() + r0 * d;
    linearForward(xr, Wout, nullptr, logitsChunk_.data(), rr, d, V);
    loss += crossEntropyBackward(logitsChunk_.data(), targets + r0, rr, V, gradScale);
    linearBackward(logitsChunk_.data(), xr, Wout, gx.data() + r0 * d, gWout, nullptr, rr, d, V, false);
  }
  backwardLayers(ids, train_, gx);
  return loss;
}

double CpuEngine::step(const AdamW& o, int64_t t) {
  useThreads();
  const double norm = std::sqrt(sumSquares(g_.data(), numParams_));
  if (!std::isfinite(norm)) throw UserError("gradient norm is not finite (" + std::to_string(norm) + ")");
  // torch.nn.utils.clip_grad_norm_: coef = max_norm / (norm + 1e-6), clamped to 1.
  const double clip = o.maxGradNorm > 0 ? std::min(1.0, o.maxGradNorm / (norm + 1e-6)) : 1.0;
  const AdamWScalars decay = adamwScalars(o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, t, clip);
  const AdamWScalars noDecay = adamwScalars(o.lr, o.beta1, o.beta2, o.eps, 0.0, t, clip);
  for (const ParamInfo& p : params_)
    adamwUpdate(w_.data() + p.offset, g_.data() + p.offset, m_.data() + p.offset, v_.data() + p.offset,
                p.numel, p.decay() ? decay : noDecay);
  zeroGrads();
  return norm;
}

void CpuEngine::scoreRows(const std::vector<ScoredRow>& rows, float* logprobs, uint8_t* greedy) {
  const int64_t d = cfg_.hidden, V = cfg_.vocab, M = int64_t(rows.size()), R = classifierRows(M, V);
  std::vector<float> x(R * d), lp(R);
  std::vector<int32_t> tg(R);
  std::vector<uint8_t> gr(R);
  logitsChunk_.resize(R * V);
  for (int64_t r0 = 0; r0 < M; r0 += R) {
    const int64_t rr = std::min(R, M - r0);
    for (int64_t i = 0; i < rr; i++) {
      std::memcpy(x.data() + i * d, rows[r0 + i].x, d * 4);
      tg[i] = rows[r0 + i].target;
    }
    linearForward(x.data(), lnf(w_.data(), 2), nullptr, logitsChunk_.data(), rr, d, V);
    targetLogProbs(logitsChunk_.data(), tg.data(), rr, V, lp.data(), gr.data());
    for (int64_t i = 0; i < rr; i++) {
      logprobs[rows[r0 + i].out] = lp[i];
      greedy[rows[r0 + i].out] = gr[i];
    }
  }
}

void CpuEngine::scoreTargets(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
                             float* logprobs, uint8_t* greedy) {
  useThreads();
  checkInput(ids, targets, B, T);
  prepare(infer_, B, T, false);
  forwardLayers(ids, infer_, 0, nullptr);
  const int64_t N = B * T, d = cfg_.hidden;
  std::fill(logprobs, logprobs + N, 0.f);
  std::fill(greedy, greedy + N, uint8_t(0));
  // Only scored rows go through the classifier (contexts are usually most of the batch).
  std::vector<ScoredRow> rows;
  for (int64_t r = 0; r < N; r++)
    if (targets[r] >= 0) rows.push_back({infer_.lnf.data() + r * d, targets[r], r});
  scoreRows(rows, logprobs, greedy);
}

void CpuEngine::scoreShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner, const int32_t* cont,
                            const int32_t* contLen, int64_t R, int64_t Tc, float* logprobs, uint8_t* greedy) {
  useThreads();
  checkShared(ctx, G, T0, owner, cont, contLen, R, Tc);
  const int64_t d = cfg_.hidden, S = Tc - 1;  // S continuation tokens are fed: a row's last is only predicted
  std::fill(logprobs, logprobs + R * Tc, 0.f);
  std::fill(greedy, greedy + R * Tc, uint8_t(0));

  // Each context once: its K/V, and its last position's state, which predicts every row's first token.
  KVCache ctxCache = newCache(G, T0);
  prepare(infer_, G, T0, false);
  forwardLayers(ctx, infer_, 0, &ctxCache);
  std::vector<float> ctxLast(G * d);
  for (int64_t g = 0; g < G; g++)
    std::memcpy(ctxLast.data() + g * d, infer_.lnf.data() + (g * T0 + T0 - 1) * d, d * 4);
  std::vector<ScoredRow> rows;
  for (int64_t r = 0; r < R; r++) rows.push_back({ctxLast.data() + owner[r] * d, cont[r * Tc], r * Tc});

  // All rows at once, each attending to a copy of its owner's K/V (positions T0 .. T0+S-1).
  if (S > 0) {
    KVCache cache = replicate(ctxCache, T0, owner, R, S);
    ctxCache = KVCache{};  // freed before the continuation pass allocates its activations
    const std::vector<int32_t> ids = unpadRows(cont, contLen, R, Tc, S);
    prepare(infer_, R, S, false);
    forwardLayers(ids.data(), infer_, T0, &cache);
    for (int64_t r = 0; r < R; r++)
      for (int64_t k = 1; k < contLen[r]; k++)
        rows.push_back({infer_.lnf.data() + (r * S + k - 1) * d, cont[r * Tc + k], r * Tc + k});
  }
  scoreRows(rows, logprobs, greedy);
}

void CpuEngine::generate(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out) {
  decoder_.run([&] { generateHere(prompt, B, T0, maxNew, out); });
}

void CpuEngine::generateHere(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out) {
  useThreads();
  if (maxNew < 1) throw UserError("maxNewTokens must be >= 1");
  if (T0 + maxNew - 1 > cfg_.maxPos)
    throw UserError("prompt length + new tokens - 1 = " + std::to_string(T0 + maxNew - 1) +
                    " positions exceeds max_position_embeddings " + std::to_string(cfg_.maxPos));
  checkIds(prompt, B * T0, false);
  const int64_t d = cfg_.hidden, V = cfg_.vocab;
  KVCache& cache = decodeCache(B, T0 + maxNew);
  std::vector<float> last(B * d);
  std::vector<int32_t> next(B);
  const int32_t* ids = prompt;
  int64_t T = T0, past = 0;
  for (int64_t s = 0; s < maxNew; s++) {
    prepare(infer_, B, T, false);
    forwardLayers(ids, infer_, past, &cache);
    for (int64_t b = 0; b < B; b++)  // only each row's last position predicts the next token
      std::memcpy(last.data() + b * d, infer_.lnf.data() + (b * T + T - 1) * d, d * 4);
    // The classifier fused with the argmax: [B, V] logits are never written (nor W repacked).
    argmaxLinear(last.data(), lnf(w_.data(), 2), B, d, V, next.data());
    for (int64_t b = 0; b < B; b++) out[b * maxNew + s] = next[b];
    past += T;
    T = 1;
    ids = next.data();
  }
}

}  // namespace cohort
