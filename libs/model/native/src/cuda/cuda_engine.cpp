#include "cuda_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>

#include "../cpu/kernels.h"  // cpu::Rope tables and cpu::adamwScalars: the same numbers as the CPU backend
#include "launch.h"

namespace cohort::cuda {

static constexpr int64_t kMemoryMargin = int64_t(256) << 20;  // left free for the CUDA context, cuBLAS, fragmentation

static std::string gib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(int64_t(1) << 30));
  return buf;
}

CudaEngine::CudaEngine(const Config& cfg, Precision precision, const CudaDeviceInfo& device)
    : Engine(cfg), precision_(precision), device_(device) {
  if (cfg.headDim() > kMaxHeadDim)
    throw UserError("backend 'cuda': head_dim " + std::to_string(cfg.headDim()) + " exceeds the supported " +
                    std::to_string(kMaxHeadDim));
  CUDA_CHECK(cudaSetDevice(0));
  requireDeviceMemory(cudaModelBytes(cfg), "the model", cudaModelBytes(cfg), 0);
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  try {
    blas_ = std::make_unique<Blas>(stream_, precision);
    for (DevBuf<float>* b : {&w_, &g_, &m_, &v_}) {
      b->ensure(numParams_);
      CUDA_CHECK(cudaMemsetAsync(b->get(), 0, size_t(numParams_) * 4, stream_));
    }
    const cpu::Rope rope(cfg.rotaryDims, cfg.maxPos, cfg.rotaryBase);
    ropeCos_.ensure(std::max<int64_t>(1, int64_t(rope.cos.size())));
    ropeSin_.ensure(std::max<int64_t>(1, int64_t(rope.sin.size())));
    if (!rope.cos.empty()) {
      CUDA_CHECK(cudaMemcpy(ropeCos_.get(), rope.cos.data(), rope.cos.size() * 4, cudaMemcpyHostToDevice));
      CUDA_CHECK(cudaMemcpy(ropeSin_.get(), rope.sin.data(), rope.sin.size() * 4, cudaMemcpyHostToDevice));
    }
    sumsqScratch_.ensure(kSumSqBlocks);
    sumsqResult_.ensure(1);
    sync();
  } catch (...) {
    blas_.reset();
    cudaStreamDestroy(stream_);
    throw;
  }
}

CudaEngine::~CudaEngine() {
  cudaStreamSynchronize(stream_);
  blas_.reset();
  cudaStreamDestroy(stream_);
}

void CudaEngine::sync() const { CUDA_CHECK(cudaStreamSynchronize(stream_)); }

std::string CudaEngine::describe() const {
  return "config (hidden " + std::to_string(cfg_.hidden) + ", layers " + std::to_string(cfg_.layers) + ", heads " +
         std::to_string(cfg_.heads) + ", ffn " + std::to_string(cfg_.ffn) + ", vocab " + std::to_string(cfg_.vocab) +
         "; " + std::to_string(numParams_) + " parameters, " + precisionName(precision_) + ")";
}

void CudaEngine::requireDeviceMemory(int64_t bytes, const std::string& what, int64_t modelBytes,
                                     int64_t actBytes) const {
  size_t freeB = 0, totalB = 0;
  CUDA_CHECK(cudaMemGetInfo(&freeB, &totalB));
  if (bytes + kMemoryMargin <= int64_t(freeB)) return;
  std::string detail = "model " + gib(modelBytes) + " for fp32 weights, grads and Adam moments";
  if (actBytes > 0) detail += " + activations " + gib(actBytes);
  throw UserError("backend 'cuda': " + what + " for " + describe() + " needs " + gib(bytes) + " more device memory (" +
                  detail + "); " + device_.name + " has " + gib(int64_t(freeB)) + " free of " + gib(int64_t(totalB)) +
                  " (" + gib(kMemoryMargin) + " kept in reserve)");
}

// ---- host <-> device copies of whole buffers

void CudaEngine::getParams(float* dst) const {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemcpyAsync(dst, w_.get(), size_t(numParams_) * 4, cudaMemcpyDeviceToHost, stream_));
  sync();
}
void CudaEngine::setParams(const float* src) {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemcpyAsync(w_.get(), src, size_t(numParams_) * 4, cudaMemcpyHostToDevice, stream_));
  sync();
}
void CudaEngine::getGrads(float* dst) const {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemcpyAsync(dst, g_.get(), size_t(numParams_) * 4, cudaMemcpyDeviceToHost, stream_));
  sync();
}
void CudaEngine::getOptState(float* m, float* v) const {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemcpyAsync(m, m_.get(), size_t(numParams_) * 4, cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaMemcpyAsync(v, v_.get(), size_t(numParams_) * 4, cudaMemcpyDeviceToHost, stream_));
  sync();
}
void CudaEngine::setOptState(const float* m, const float* v) {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemcpyAsync(m_.get(), m, size_t(numParams_) * 4, cudaMemcpyHostToDevice, stream_));
  CUDA_CHECK(cudaMemcpyAsync(v_.get(), v, size_t(numParams_) * 4, cudaMemcpyHostToDevice, stream_));
  sync();
}
void CudaEngine::zeroGrads() {
  CUDA_CHECK(cudaSetDevice(0));
  CUDA_CHECK(cudaMemsetAsync(g_.get(), 0, size_t(numParams_) * 4, stream_));
  sync();
}

void CudaEngine::upload(DevBuf<int32_t>& dst, const int32_t* src, int64_t n) {
  dst.ensure(n);
  CUDA_CHECK(cudaMemcpyAsync(dst.get(), src, size_t(n) * 4, cudaMemcpyHostToDevice, stream_));
}

// ---- buffers

int64_t CudaEngine::Acts::bytes() const {
  int64_t s = 0;
  for (const DevBuf<float>* b : {&x, &ln1, &ln2, &att, &mid, &qkv, &fc, &gelu, &lse, &mean1, &rstd1, &mean2, &rstd2,
                                 &tmp, &lnf, &meanf, &rstdf})
    s += b->bytes();
  return s;
}

// The buffers counted by cudaActivationBytes (memory.cpp): keep the two in step.
void CudaEngine::prepare(Acts& a, int64_t B, int64_t T, bool training) {
  if (B < 1 || T < 1) throw UserError("batch and sequence length must be >= 1");
  const int64_t N = B * T, d = cfg_.hidden, f = cfg_.ffn, L = cfg_.layers, H = cfg_.heads, V = cfg_.vocab;
  const int64_t need = cudaActivationBytes(cfg_, B, T, training);
  int64_t held = a.bytes() + logits_.bytes() + rows_.bytes();
  if (training)
    for (const DevBuf<float>* b : {&gx_, &gn_, &dln_, &datt_, &dqkv_, &dfc_, &attnD_, &partial_}) held += b->bytes();
  if (need > held)
    requireDeviceMemory(need - held,
                        "batch " + std::to_string(B) + " x " + std::to_string(T) + (training ? " (training)" : ""),
                        cudaModelBytes(cfg_), need);
  a.B = B;
  a.T = T;
  a.training = training;
  const int64_t S = training ? L : 1;
  a.x.ensure((training ? L + 1 : 2) * N * d);
  for (DevBuf<float>* b : {&a.ln1, &a.ln2, &a.att}) b->ensure(S * N * d);
  if (!cfg_.parallelResidual) a.mid.ensure(S * N * d);
  a.qkv.ensure(S * N * 3 * d);
  a.fc.ensure(S * N * f);
  a.gelu.ensure(S * N * f);
  a.lse.ensure(S * N * H);
  for (DevBuf<float>* b : {&a.mean1, &a.rstd1, &a.mean2, &a.rstd2}) b->ensure(S * N);
  a.tmp.ensure(2 * N * d);
  a.lnf.ensure(N * d);
  a.meanf.ensure(N);
  a.rstdf.ensure(N);
  if (training) {
    for (DevBuf<float>* b : {&gx_, &gn_, &dln_, &datt_}) b->ensure(N * d);
    dqkv_.ensure(N * 3 * d);
    dfc_.ensure(N * f);
    attnD_.ensure(N * H);
    partial_.ensure(2 * ((N + kColSumRows - 1) / kColSumRows) * std::max({d, 3 * d, f}));
    rowLoss_.ensure(N);
  }
  const int64_t R = cudaClassifierRows(N, V);
  logits_.ensure(R * V);
  rows_.ensure(R * d);
}

CudaEngine::KVCache CudaEngine::newCache(int64_t B, int64_t Tmax) {
  KVCache c;
  ensureCache(c, B, Tmax);
  return c;
}

void CudaEngine::ensureCache(KVCache& c, int64_t B, int64_t Tmax) {
  const int64_t per = B * Tmax * 3 * cfg_.hidden;
  int64_t held = 0;
  for (const auto& r : c.rows) held += r.bytes();
  const int64_t need = 4 * cfg_.layers * per;
  if (need > held)
    requireDeviceMemory(need - held, "KV cache " + std::to_string(B) + " x " + std::to_string(Tmax),
                        cudaModelBytes(cfg_), need);
  c.B = B;
  c.Tmax = Tmax;  // every position is written before it is read: no clearing needed
  c.rows.resize(cfg_.layers);
  for (auto& r : c.rows) r.ensure(per);
}

// ---- the block

void CudaEngine::linear(const float* x, const float* W, const float* b, float* y, int64_t N, int64_t I, int64_t O) {
  if (b) fillRows(y, b, N, O, stream_);
  blas_->gemm(false, true, N, O, I, 1.f, x, I, W, I, b ? 1.f : 0.f, y, O);
}

// dx = dy W (if dx); dW += dy^T x; db += colsum(dy) (if db), as cpu::linearBackward.
void CudaEngine::linearBackward(const float* dy, const float* x, const float* W, float* dx, float* dW, float* db,
                                int64_t N, int64_t I, int64_t O) {
  if (dx) blas_->gemm(false, false, N, I, O, 1.f, dy, O, W, I, 0.f, dx, I);
  blas_->gemm(true, false, O, I, N, 1.f, dy, O, x, I, 1.f, dW, I);
  if (db) columnSumAdd(dy, db, partial_.get(), N, O, stream_);
}

void CudaEngine::forwardLayers(const int32_t* dIds, Acts& a, int64_t past, KVCache* cache) {
  const int64_t B = a.B, T = a.T, N = B * T, d = cfg_.hidden, f = cfg_.ffn, H = cfg_.heads;
  const int64_t hd = cfg_.headDim(), L = cfg_.layers;
  const float eps = cfg_.lnEps;
  cudaStream_t s = stream_;
  auto xAt = [&](int64_t l) { return a.x.get() + (a.training ? l : l % 2) * N * d; };
  embeddingForward(dIds, w_.get(), xAt(0), N, d, s);

  for (int64_t l = 0; l < L; l++) {
    const int64_t sl = a.training ? l : 0;
    const Layer p = layer(w_.get(), l);
    float *x = xAt(l), *xn = xAt(l + 1);
    float *ln1 = a.ln1.get() + sl * N * d, *ln2 = a.ln2.get() + sl * N * d;
    float *qkv = a.qkv.get() + sl * N * 3 * d, *att = a.att.get() + sl * N * d;
    float *fc = a.fc.get() + sl * N * f, *ge = a.gelu.get() + sl * N * f;
    float *ao = a.tmp.get(), *mo = a.tmp.get() + N * d;

    layerNormForward(x, p.ln1w, p.ln1b, ln1, a.mean1.get() + sl * N, a.rstd1.get() + sl * N, N, d, eps, s);
    linear(ln1, p.qkvw, p.qkvb, qkv, N, d, 3 * d);
    ropeApply(ropeCos_.get(), ropeSin_.get(), cfg_.rotaryDims, qkv, B, T, past, H, hd, false, s);
    const float* kv = qkv;
    int64_t kvBatch = T * 3 * d;
    if (cache) {  // append this call's rows (post-RoPE k, v) at positions past .. past+T-1
      float* rows = cache->rows[l].get();
      const size_t dpitch = size_t(cache->Tmax * 3 * d) * 4, width = size_t(T * 3 * d) * 4;
      if (dpitch <= size_t(INT32_MAX)) {  // cudaMemcpy2D refuses pitches above cudaDevAttrMaxPitch (2^31-1)
        CUDA_CHECK(cudaMemcpy2DAsync(rows + past * 3 * d, dpitch, qkv, width, width, size_t(B),
                                     cudaMemcpyDeviceToDevice, s));
      } else {
        for (int64_t b = 0; b < B; b++)
          CUDA_CHECK(cudaMemcpyAsync(rows + (b * cache->Tmax + past) * 3 * d, qkv + b * T * 3 * d, width,
                                     cudaMemcpyDeviceToDevice, s));
      }
      kv = rows;
      kvBatch = cache->Tmax * 3 * d;
    }
    const Attn at{qkv,      kv + hd, kv + 2 * hd, T * 3 * d, 3 * d, kvBatch, 3 * d, 3 * hd, att,
                  a.lse.get() + sl * N * H,    B,           H,     T,       past,  hd};
    attentionForward(at, s);
    linear(att, p.dw, p.db, ao, N, d, d);

    const float* mlpIn = x;  // parallel residual: both LayerNorms read the block input
    if (!cfg_.parallelResidual) {
      float* mid = a.mid.get() + sl * N * d;
      add(ao, x, mid, N * d, s);
      mlpIn = mid;
    }
    layerNormForward(mlpIn, p.ln2w, p.ln2b, ln2, a.mean2.get() + sl * N, a.rstd2.get() + sl * N, N, d, eps, s);
    linear(ln2, p.fc1w, p.fc1b, fc, N, d, f);
    geluForward(fc, ge, N * f, cfg_.geluTanh, s);
    linear(ge, p.fc2w, p.fc2b, mo, N, f, d);
    if (cfg_.parallelResidual)
      add3(mo, ao, x, xn, N * d, s);  // HF: (mlp + attn) + x
    else
      add(mo, mlpIn, xn, N * d, s);
  }
  layerNormForward(xAt(L), lnf(w_.get(), 0), lnf(w_.get(), 1), a.lnf.get(), a.meanf.get(), a.rstdf.get(), N, d, eps,
                   s);
}

// On entry gx_ holds dL/d(final LN output); accumulates every parameter's gradient into g_.
void CudaEngine::backwardLayers(const int32_t* ids, Acts& a) {
  const int64_t B = a.B, T = a.T, N = B * T, d = cfg_.hidden, f = cfg_.ffn, H = cfg_.heads;
  const int64_t hd = cfg_.headDim(), L = cfg_.layers;
  cudaStream_t s = stream_;
  float *gx = gx_.get(), *gn = gn_.get(), *dln = dln_.get(), *datt = datt_.get(), *dqkv = dqkv_.get();
  float *dfc = dfc_.get(), *partial = partial_.get();

  CUDA_CHECK(cudaMemsetAsync(gn, 0, size_t(N * d) * 4, s));
  layerNormBackward(gx, a.x.get() + L * N * d, lnf(w_.get(), 0), a.meanf.get(), a.rstdf.get(), gn, lnf(g_.get(), 0),
                    lnf(g_.get(), 1), partial, N, d, s);
  std::swap(gx, gn);

  for (int64_t l = L - 1; l >= 0; l--) {
    const Layer p = layer(w_.get(), l), gp = layer(g_.get(), l);
    const float* x = a.x.get() + l * N * d;
    const float *ln1 = a.ln1.get() + l * N * d, *ln2 = a.ln2.get() + l * N * d;
    float *qkv = a.qkv.get() + l * N * 3 * d, *att = a.att.get() + l * N * d;
    const float *fc = a.fc.get() + l * N * f, *ge = a.gelu.get() + l * N * f;
    float* lse = a.lse.get() + l * N * H;
    const float* mlpIn = cfg_.parallelResidual ? x : a.mid.get() + l * N * d;

    CUDA_CHECK(cudaMemcpyAsync(gn, gx, size_t(N * d) * 4, cudaMemcpyDeviceToDevice, s));  // residual path
    // MLP branch (its output gradient is gx in both residual modes).
    linearBackward(gx, ge, p.fc2w, dfc, gp.fc2w, gp.fc2b, N, f, d);
    geluBackward(fc, dfc, N * f, cfg_.geluTanh, s);
    linearBackward(dfc, ln2, p.fc1w, dln, gp.fc1w, gp.fc1b, N, d, f);
    layerNormBackward(dln, mlpIn, p.ln2w, a.mean2.get() + l * N, a.rstd2.get() + l * N, gn, gp.ln2w, gp.ln2b, partial,
                      N, d, s);
    // Attention branch: sequential mode feeds it d(mid), which gn now holds.
    const float* dAttnOut = cfg_.parallelResidual ? gx : gn;
    linearBackward(dAttnOut, att, p.dw, datt, gp.dw, gp.db, N, d, d);
    const Attn at{qkv, qkv + hd, qkv + 2 * hd, T * 3 * d, 3 * d, T * 3 * d, 3 * d, 3 * hd, att, lse, B, H, T, 0, hd};
    attentionBackward(at, datt, dqkv, attnD_.get(), s);
    ropeApply(ropeCos_.get(), ropeSin_.get(), cfg_.rotaryDims, dqkv, B, T, 0, H, hd, true, s);
    linearBackward(dqkv, ln1, p.qkvw, dln, gp.qkvw, gp.qkvb, N, d, 3 * d);
    layerNormBackward(dln, x, p.ln1w, a.mean1.get() + l * N, a.rstd1.get() + l * N, gn, gp.ln1w, gp.ln1b, partial, N,
                      d, s);
    std::swap(gx, gn);
  }

  // Embedding: positions grouped by token on the host (counting sort, positions ascending), one
  // block per distinct token on the device.
  std::vector<int32_t> count(cfg_.vocab + 1, 0);
  for (int64_t r = 0; r < N; r++) count[ids[r] + 1]++;
  std::vector<int32_t> tokens, start, order(N);
  for (int64_t v = 0; v < cfg_.vocab; v++)
    if (count[v + 1] > 0) tokens.push_back(int32_t(v));
  for (int64_t v = 0; v < cfg_.vocab; v++) count[v + 1] += count[v];  // count[v] = first slot of token v
  for (int32_t t : tokens) start.push_back(count[t]);
  start.push_back(int32_t(N));
  std::vector<int32_t> fill(count.begin(), count.end() - 1);
  for (int64_t r = 0; r < N; r++) order[fill[ids[r]]++] = int32_t(r);
  upload(embTokens_, tokens.data(), int64_t(tokens.size()));
  upload(embStart_, start.data(), int64_t(start.size()));
  upload(embOrder_, order.data(), N);
  // (Copies from pageable host memory return once the data is staged: the vectors may go.)
  embeddingBackward(embTokens_.get(), embStart_.get(), embOrder_.get(), int64_t(tokens.size()), gx, g_.get(), d, s);
}

// ---- the Engine calls

void CudaEngine::forward(const int32_t* ids, int64_t B, int64_t T, float* logits) {
  CUDA_CHECK(cudaSetDevice(0));
  checkInput(ids, nullptr, B, T);
  prepare(infer_, B, T, false);
  upload(ids_, ids, B * T);
  forwardLayers(ids_.get(), infer_, 0, nullptr);
  const int64_t N = B * T, d = cfg_.hidden, V = cfg_.vocab, R = cudaClassifierRows(N, V);
  for (int64_t r0 = 0; r0 < N; r0 += R) {
    const int64_t rr = std::min(R, N - r0);
    blas_->gemm(false, true, rr, V, d, 1.f, infer_.lnf.get() + r0 * d, d, lnf(w_.get(), 2), d, 0.f, logits_.get(), V);
    CUDA_CHECK(cudaMemcpyAsync(logits + r0 * V, logits_.get(), size_t(rr * V) * 4, cudaMemcpyDeviceToHost, stream_));
  }
  sync();
}

double CudaEngine::forwardBackward(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T, float gradScale) {
  CUDA_CHECK(cudaSetDevice(0));
  checkInput(ids, targets, B, T);
  prepare(train_, B, T, true);
  const int64_t N = B * T, d = cfg_.hidden, V = cfg_.vocab, R = cudaClassifierRows(N, V);
  upload(ids_, ids, N);
  upload(targets_, targets, N);
  forwardLayers(ids_.get(), train_, 0, nullptr);

  // Fused classifier + cross-entropy, chunked over rows so [B*T, V] logits never exist at once.
  const float* Wout = lnf(w_.get(), 2);
  float* gWout = g_.get() + params_.back().offset;
  for (int64_t r0 = 0; r0 < N; r0 += R) {
    const int64_t rr = std::min(R, N - r0);
    const float* xr = train_.lnf.get() + r0 * d;
    blas_->gemm(false, true, rr, V, d, 1.f, xr, d, Wout, d, 0.f, logits_.get(), V);
    crossEntropyBackward(logits_.get(), targets_.get() + r0, rr, V, gradScale, rowLoss_.get() + r0, stream_);
    blas_->gemm(false, false, rr, d, V, 1.f, logits_.get(), V, Wout, d, 0.f, gx_.get() + r0 * d, d);
    blas_->gemm(true, false, V, d, rr, 1.f, logits_.get(), V, xr, d, 1.f, gWout, d);
  }
  backwardLayers(ids, train_);
  std::vector<double> rowLoss(N);
  CUDA_CHECK(cudaMemcpyAsync(rowLoss.data(), rowLoss_.get(), size_t(N) * 8, cudaMemcpyDeviceToHost, stream_));
  sync();
  double loss = 0;
  for (double l : rowLoss) loss += l;  // in row order, as the CPU backend
  return loss;
}

double CudaEngine::step(const AdamW& o, int64_t t) {
  CUDA_CHECK(cudaSetDevice(0));
  sumSquares(g_.get(), numParams_, sumsqScratch_.get(), sumsqResult_.get(), stream_);
  double sq = 0;
  CUDA_CHECK(cudaMemcpyAsync(&sq, sumsqResult_.get(), 8, cudaMemcpyDeviceToHost, stream_));
  sync();
  const double norm = std::sqrt(sq);
  if (!std::isfinite(norm)) throw UserError("gradient norm is not finite (" + std::to_string(norm) + ")");
  // torch.nn.utils.clip_grad_norm_: coef = max_norm / (norm + 1e-6), clamped to 1.
  const double clip = o.maxGradNorm > 0 ? std::min(1.0, o.maxGradNorm / (norm + 1e-6)) : 1.0;
  auto args = [&](double wd) {
    const cpu::AdamWScalars c = cpu::adamwScalars(o.lr, o.beta1, o.beta2, o.eps, wd, t, clip);
    return AdamWArgs{c.decayMul, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.stepSize, c.bc2Sqrt, c.eps, c.gradMul};
  };
  const AdamWArgs decay = args(o.weightDecay), noDecay = args(0.0);
  for (const ParamInfo& p : params_)
    adamwUpdate(w_.get() + p.offset, g_.get() + p.offset, m_.get() + p.offset, v_.get() + p.offset, p.numel,
                p.decay() ? decay : noDecay, stream_);
  CUDA_CHECK(cudaMemsetAsync(g_.get(), 0, size_t(numParams_) * 4, stream_));
  sync();
  return norm;
}

void CudaEngine::scoreRows(const float* src, const std::vector<int64_t>& idx, const std::vector<int32_t>& targets,
                           std::vector<float>& logprobs, std::vector<uint8_t>& greedy) {
  const int64_t M = int64_t(idx.size()), d = cfg_.hidden, V = cfg_.vocab, R = cudaClassifierRows(M, V);
  logprobs.assign(M, 0.f);
  greedy.assign(M, 0);
  if (M == 0) {  // nothing scored: still surface any error of the forward pass in this call
    sync();
    return;
  }
  logits_.ensure(R * V);
  rows_.ensure(R * d);
  rowIdx_.ensure(M);
  rowLogprob_.ensure(M);
  rowGreedy_.ensure(M);
  CUDA_CHECK(cudaMemcpyAsync(rowIdx_.get(), idx.data(), size_t(M) * 8, cudaMemcpyHostToDevice, stream_));
  upload(rowTargets_, targets.data(), M);
  for (int64_t r0 = 0; r0 < M; r0 += R) {
    const int64_t rr = std::min(R, M - r0);
    gatherRows(src, rowIdx_.get() + r0, rows_.get(), rr, d, stream_);
    blas_->gemm(false, true, rr, V, d, 1.f, rows_.get(), d, lnf(w_.get(), 2), d, 0.f, logits_.get(), V);
    targetLogProbs(logits_.get(), rowTargets_.get() + r0, rr, V, rowLogprob_.get() + r0, rowGreedy_.get() + r0,
                   stream_);
  }
  CUDA_CHECK(cudaMemcpyAsync(logprobs.data(), rowLogprob_.get(), size_t(M) * 4, cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaMemcpyAsync(greedy.data(), rowGreedy_.get(), size_t(M), cudaMemcpyDeviceToHost, stream_));
  sync();
}

void CudaEngine::scoreTargets(const int32_t* ids, const int32_t* targets, int64_t B, int64_t T, float* logprobs,
                              uint8_t* greedy) {
  CUDA_CHECK(cudaSetDevice(0));
  checkInput(ids, targets, B, T);
  prepare(infer_, B, T, false);
  upload(ids_, ids, B * T);
  forwardLayers(ids_.get(), infer_, 0, nullptr);
  const int64_t N = B * T;
  std::fill(logprobs, logprobs + N, 0.f);
  std::fill(greedy, greedy + N, uint8_t(0));
  std::vector<int64_t> idx;  // only scored rows go through the classifier
  std::vector<int32_t> tg;
  for (int64_t r = 0; r < N; r++)
    if (targets[r] >= 0) idx.push_back(r), tg.push_back(targets[r]);
  std::vector<float> lp;
  std::vector<uint8_t> gr;
  scoreRows(infer_.lnf.get(), idx, tg, lp, gr);
  for (size_t i = 0; i < idx.size(); i++) logprobs[idx[i]] = lp[i], greedy[idx[i]] = gr[i];
}

void CudaEngine::scoreShared(const int32_t* ctx, int64_t G, int64_t T0, const int32_t* owner, const int32_t* cont,
                             const int32_t* contLen, int64_t R, int64_t Tc, float* logprobs, uint8_t* greedy) {
  CUDA_CHECK(cudaSetDevice(0));
  checkShared(ctx, G, T0, owner, cont, contLen, R, Tc);
  const int64_t d3 = 3 * cfg_.hidden, S = Tc - 1;  // S continuation tokens are fed
  std::fill(logprobs, logprobs + R * Tc, 0.f);
  std::fill(greedy, greedy + R * Tc, uint8_t(0));
  std::vector<float> lp;
  std::vector<uint8_t> gr;
  auto put = [&](const std::vector<int64_t>& out) {
    for (size_t i = 0; i < out.size(); i++) logprobs[out[i]] = lp[i], greedy[out[i]] = gr[i];
  };

  // Each context once: its K/V, and its last position's state, which predicts every row's first token.
  KVCache ctxCache = newCache(G, T0);
  prepare(infer_, G, T0, false);
  upload(ids_, ctx, G * T0);
  forwardLayers(ids_.get(), infer_, 0, &ctxCache);
  {
    std::vector<int64_t> idx, out;
    std::vector<int32_t> tg;
    for (int64_t r = 0; r < R; r++)
      idx.push_back(owner[r] * T0 + T0 - 1), tg.push_back(cont[r * Tc]), out.push_back(r * Tc);
    scoreRows(infer_.lnf.get(), idx, tg, lp, gr);
    put(out);
  }
  if (S == 0) return;
  // All rows at once, each attending to a copy of its owner's K/V (positions T0 .. T0+S-1).
  KVCache cache = newCache(R, T0 + S);
  for (int64_t l = 0; l < cfg_.layers; l++)
    for (int64_t r = 0; r < R; r++)
      CUDA_CHECK(cudaMemcpyAsync(cache.rows[l].get() + r * cache.Tmax * d3, ctxCache.rows[l].get() + owner[r] * T0 * d3,
                                 size_t(T0 * d3) * 4, cudaMemcpyDeviceToDevice, stream_));
  sync();
  ctxCache = KVCache{};  // freed before the continuation pass allocates its activations
  const std::vector<int32_t> ids = unpadRows(cont, contLen, R, Tc, S);
  prepare(infer_, R, S, false);
  upload(ids_, ids.data(), R * S);
  forwardLayers(ids_.get(), infer_, T0, &cache);
  std::vector<int64_t> idx, out;
  std::vector<int32_t> tg;
  for (int64_t r = 0; r < R; r++)
    for (int64_t k = 1; k < contLen[r]; k++)
      idx.push_back(r * S + k - 1), tg.push_back(cont[r * Tc + k]), out.push_back(r * Tc + k);
  scoreRows(infer_.lnf.get(), idx, tg, lp, gr);
  put(out);
}

void CudaEngine::generate(const int32_t* prompt, int64_t B, int64_t T0, int64_t maxNew, int32_t* out) {
  CUDA_CHECK(cudaSetDevice(0));
  if (maxNew < 1) throw UserError("maxNewTokens must be >= 1");
  if (T0 + maxNew - 1 > cfg_.maxPos)
    throw UserError("prompt length + new tokens - 1 = " + std::to_string(T0 + maxNew - 1) +
                    " positions exceeds max_position_embeddings " + std::to_string(cfg_.maxPos));
  checkIds(prompt, B * T0, false);
  const int64_t d = cfg_.hidden, V = cfg_.vocab, R = cudaClassifierRows(B, V);
  ensureCache(decode_, B, T0 + maxNew);
  prepare(infer_, B, T0, false);
  upload(ids_, prompt, B * T0);
  next_.ensure(B);
  genOut_.ensure(B * maxNew);
  rowIdx_.ensure(2 * B);  // [0, B): each row's last prompt position; [B, 2B): row b of a 1-token step
  std::vector<int64_t> idx(2 * B);
  for (int64_t b = 0; b < B; b++) idx[b] = b * T0 + T0 - 1, idx[B + b] = b;
  CUDA_CHECK(cudaMemcpyAsync(rowIdx_.get(), idx.data(), size_t(2 * B) * 8, cudaMemcpyHostToDevice, stream_));
  const int32_t* ids = ids_.get();
  int64_t T = T0, past = 0;
  for (int64_t s = 0; s < maxNew; s++) {
    prepare(infer_, B, T, false);
    forwardLayers(ids, infer_, past, &decode_);
    // Only each row's last position predicts the next token.
    for (int64_t r0 = 0; r0 < B; r0 += R) {
      const int64_t rr = std::min(R, B - r0);
      gatherRows(infer_.lnf.get(), rowIdx_.get() + (s == 0 ? 0 : B) + r0, rows_.get(), rr, d, stream_);
      blas_->gemm(false, true, rr, V, d, 1.f, rows_.get(), d, lnf(w_.get(), 2), d, 0.f, logits_.get(), V);
      argmaxRows(logits_.get(), rr, V, next_.get() + r0, stream_);
    }
    CUDA_CHECK(cudaMemcpyAsync(genOut_.get() + s * B, next_.get(), size_t(B) * 4, cudaMemcpyDeviceToDevice, stream_));
    past += T;
    T = 1;
    ids = next_.get();
  }
  std::vector<int32_t> steps(B * maxNew);
  CUDA_CHECK(cudaMemcpyAsync(steps.data(), genOut_.get(), size_t(B * maxNew) * 4, cudaMemcpyDeviceToHost, stream_));
  sync();
  for (int64_t s = 0; s < maxNew; s++)
    for (int64_t b = 0; b < B; b++) out[b * maxNew + s] = steps[s * B + b];
}

}  // namespace cohort::cuda
