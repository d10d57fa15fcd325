#include "kernels.h"

#include "vexp.h"

#include <cblas.h>
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

namespace cohort::cpu {

// `omp simd reduction` lets the compiler vectorise float sums without -ffast-math, keeping the
// summation order fixed (and so the result deterministic) for a given build.
BlasSerialScope::BlasSerialScope(int threads) : threads_(threads) {
  if (!COHORT_BLAS_OPENMP) openblas_set_num_threads(1);
}
BlasSerialScope::~BlasSerialScope() {
  if (!COHORT_BLAS_OPENMP) openblas_set_num_threads(threads_);
}

static inline float dot(const float* a, const float* b, int64_t n) {
  float s = 0.f;
#pragma omp simd reduction(+ : s)
  for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

void linearForward(const float* x, const float* W, const float* b, float* y, int64_t N, int64_t I,
                   int64_t O) {
  if (b) {
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < N; r++) std::copy(b, b + O, y + r * O);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, O, I, 1.f, x, I, W, I, b ? 1.f : 0.f, y, O);
}

void linearBackward(const float* dy, const float* x, const float* W, float* dx, float* dW, float* db,
                    int64_t N, int64_t I, int64_t O, bool accumulate) {
  if (dx)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, I, O, 1.f, dy, O, W, I,
                accumulate ? 1.f : 0.f, dx, I);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, I, N, 1.f, dy, O, x, I, 1.f, dW, I);
  if (db) {
    // Column sums with a fixed row order per column block: deterministic for any thread count.
    const int64_t blk = 64;
#pragma omp parallel for schedule(static)
    for (int64_t c0 = 0; c0 < O; c0 += blk) {
      const int64_t c1 = std::min(O, c0 + blk);
      for (int64_t r = 0; r < N; r++) {
        const float* row = dy + r * O;
#pragma omp simd
        for (int64_t c = c0; c < c1; c++) db[c] += row[c];
      }
    }
  }
}

void layerNormForward(const float* x, const float* w, const float* b, float* y, float* mean,
                      float* rstd, int64_t N, int64_t d, float eps) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < N; r++) {
    const float* xr = x + r * d;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < d; i++) s += xr[i];
    const float mu = s / float(d);
    float v = 0.f;  // two-pass (biased) variance, as torch does
#pragma omp simd reduction(+ : v)
    for (int64_t i = 0; i < d; i++) v += (xr[i] - mu) * (xr[i] - mu);
    const float rs = 1.f / std::sqrt(v / float(d) + eps);
    float* yr = y + r * d;
#pragma omp simd
    for (int64_t i = 0; i < d; i++) yr[i] = (xr[i] - mu) * rs * w[i] + b[i];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

void layerNormBackward(const float* dy, const float* x, const float* w, const float* mean,
                       const float* rstd, float* dx, float* dw, float* db, int64_t N, int64_t d) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < N; r++) {
    const float *dyr = dy + r * d, *xr = x + r * d;
    const float mu = mean[r], rs = rstd[r];
    float sg = 0.f, sgx = 0.f;  // mean of g and of g*xhat, with g = dy*w
#pragma omp simd reduction(+ : sg, sgx)
    for (int64_t i = 0; i < d; i++) {
      const float g = dyr[i] * w[i];
      sg += g;
      sgx += g * (xr[i] - mu) * rs;
    }
    sg /= float(d);
    sgx /= float(d);
    float* dxr = dx + r * d;
#pragma omp simd
    for (int64_t i = 0; i < d; i++) dxr[i] += rs * (dyr[i] * w[i] - sg - (xr[i] - mu) * rs * sgx);
  }
  const int64_t blk = 64;
#pragma omp parallel for schedule(static)
  for (int64_t c0 = 0; c0 < d; c0 += blk) {
    const int64_t c1 = std::min(d, c0 + blk);
    for (int64_t r = 0; r < N; r++) {
      const float *dyr = dy + r * d, *xr = x + r * d;
      const float mu = mean[r], rs = rstd[r];
#pragma omp simd
      for (int64_t c = c0; c < c1; c++) {
        dw[c] += dyr[c] * (xr[c] - mu) * rs;
        db[c] += dyr[c];
      }
    }
  }
}

static constexpr float kSqrt2OverPi = 0.7978845608028654f, kGeluC = 0.044715f;
static constexpr float kInvSqrt2 = 0.7071067811865476f, kInvSqrt2Pi = 0.3989422804014327f;

void geluForward(const float* x, float* y, int64_t n, bool tanhApprox) {
  if (tanhApprox) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      const float v = x[i];
      y[i] = 0.5f * v * (1.f + std::tanh(kSqrt2OverPi * (v + kGeluC * v * v * v)));
    }
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.f + std::erf(x[i] * kInvSqrt2));
  }
}

void geluBackward(const float* x, float* g, int64_t n, bool tanhApprox) {
  if (tanhApprox) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      const float v = x[i], u = kSqrt2OverPi * (v + kGeluC * v * v * v);
      const float t = std::tanh(u);
      const float du = kSqrt2OverPi * (1.f + 3.f * kGeluC * v * v);
      g[i] *= 0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * du;
    }
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
      const float v = x[i];
      g[i] *= 0.5f * (1.f + std::erf(v * kInvSqrt2)) + v * kInvSqrt2Pi * std::exp(-0.5f * v * v);
    }
  }
}

Rope::Rope(int64_t dims_, int64_t maxPos, float base) : dims(dims_) {
  const int64_t half = dims / 2;
  cos.resize(maxPos * half);
  sin.resize(maxPos * half);
  for (int64_t i = 0; i < half; i++) {
    // HF: inv_freq = 1/(base ** (arange(0, dim, 2).float() / dim)), all fp32.
    const float expo = float(2 * i) / float(dims);
    const float invFreq = 1.f / float(std::pow(double(base), double(expo)));
    for (int64_t p = 0; p < maxPos; p++) {
      const float angle = float(p) * invFreq;  // fp32 product, as HF's fp32 matmul forms it
      cos[p * half + i] = float(std::cos(double(angle)));
      sin[p * half + i] = float(std::sin(double(angle)));
    }
  }
}

void ropeApply(const Rope& r, float* qkv, int64_t B, int64_t T, int64_t pos0, int64_t H, int64_t hd,
               bool inverse) {
  const int64_t half = r.dims / 2, rowLen = 3 * H * hd;
  if (half == 0) return;
  const float sgn = inverse ? -1.f : 1.f;
#pragma omp parallel for schedule(static)
  for (int64_t bt = 0; bt < B * T; bt++) {
    const int64_t pos = pos0 + bt % T;
    const float *c = r.cos.data() + pos * half, *s = r.sin.data() + pos * half;
    for (int64_t h = 0; h < H; h++) {
      for (int64_t part = 0; part < 2; part++) {  // q then k; v is never rotated
        float* x = qkv + bt * rowLen + h * 3 * hd + part * hd;
#pragma omp simd
        for (int64_t j = 0; j < half; j++) {
          const float a = x[j], b = x[j + half], sn = sgn * s[j];
          x[j] = a * c[j] - b * sn;
          x[j + half] = b * c[j] + a * sn;
        }
      }
    }
  }
}

int64_t attentionScratch(int64_t Tk) { return 2 * kAttnTile * Tk; }  // P and dP tiles

// One score tile: S[m, n] = (Q[i0:i0+m] K[0:n]^T) / sqrt(hd). The forward turns it into
// probabilities; the backward recomputes it instead of storing T x T per head.
static void scores(const AttnHead& a, int64_t i0, int64_t m, int64_t n, float* S) {
  const float scale = 1.f / std::sqrt(float(a.hd));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, a.hd, scale, a.q + i0 * a.qs, a.qs,
              a.k, a.kvs, 0.f, S, n);
}

void attentionForward(const AttnHead& a, float* o, int64_t os, float* lse, float* scratch) {
  for (int64_t i0 = 0; i0 < a.Tq; i0 += kAttnTile) {
    const int64_t m = std::min(kAttnTile, a.Tq - i0), n = a.past + i0 + m;
    float* S = scratch;
    scores(a, i0, m, n, S);
    for (int64_t r = 0; r < m; r++) {
      float* s = S + r * n;
      const int64_t lim = a.past + i0 + r + 1;  // keys visible to this query
      const float mx = maxOf(s, lim);
      const float sum = float(expShiftSum(s, s, lim, mx));
      const float inv = 1.f / sum;
#pragma omp simd
      for (int64_t j = 0; j < lim; j++) s[j] *= inv;
      std::fill(s + lim, s + n, 0.f);
      lse[i0 + r] = mx + std::log(sum);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, a.hd, n, 1.f, S, n, a.v, a.kvs, 0.f,
                o + i0 * os, os);
  }
}

void attentionBackward(const AttnHead& a, const float* o, const float* dout, int64_t os,
                       const float* lse, float* dq, float* dk, float* dv, float* scratch) {
  const float scale = 1.f / std::sqrt(float(a.hd));
  for (int64_t i0 = 0; i0 < a.Tq; i0 += kAttnTile) {
    const int64_t m = std::min(kAttnTile, a.Tq - i0), n = a.past + i0 + m;
    float *P = scratch, *dP = scratch + kAttnTile * n;
    scores(a, i0, m, n, P);
    for (int64_t r = 0; r < m; r++) {
      float* p = P + r * n;
      const int64_t lim = a.past + i0 + r + 1;
      expShiftSum(p, p, lim, lse[i0 + r]);
      std::fill(p + lim, p + n, 0.f);
    }
    // dV[0:n] += P^T dO ; dP = dO V^T ; dS = P * (dP - rowdot(dO, O)) ; dQ = dS K scale ; dK += dS^T Q scale
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, a.hd, m, 1.f, P, n, dout + i0 * os, os,
                1.f, dv, a.kvs);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, a.hd, 1.f, dout + i0 * os, os, a.v,
                a.kvs, 0.f, dP, n);
    for (int64_t r = 0; r < m; r++) {
      const float D = dot(dout + (i0 + r) * os, o + (i0 + r) * os, a.hd);
      float *p = P + r * n, *dp = dP + r * n;
#pragma omp simd
      for (int64_t j = 0; j < n; j++) p[j] = p[j] * (dp[j] - D);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, a.hd, n, scale, P, n, a.k, a.kvs, 0.f,
                dq + i0 * a.qs, a.qs);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, a.hd, m, scale, P, n, a.q + i0 * a.qs,
                a.qs, 1.f, dk, a.kvs);
  }
}

double crossEntropyBackward(float* logits, const int32_t* targets, int64_t R, int64_t V, float scale) {
  std::vector<double> rowLoss(R, 0.0);  // summed serially below: OpenMP reductions have no fixed order
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < R; r++) {
    float* z = logits + r * V;
    if (targets[r] < 0) {
      std::fill(z, z + V, 0.f);
      continue;
    }
    const float mx = maxOf(z, V), zt = z[targets[r]] - mx;  // log p = zt - log(sum): no log(0)
    const double sum = expShiftSum(z, z, V, mx);
    rowLoss[r] = std::log(sum) - double(zt);
    const float k = float(scale / sum);
#pragma omp simd
    for (int64_t j = 0; j < V; j++) z[j] *= k;
    z[targets[r]] -= scale;
  }
  double loss = 0;
  for (double l : rowLoss) loss += l;
  return loss;
}

void targetLogProbs(float* logits, const int32_t* targets, int64_t R, int64_t V, float* logprob,
                    uint8_t* greedy) {
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < R; r++) {
    if (targets[r] < 0) continue;
    float* z = logits + r * V;
    const int32_t t = targets[r];
    // argmax == t (first index wins ties, as torch.argmax) without a serial argmax scan over V:
    // z[t] is the (vectorised) max and no earlier logit equals it. Decided before z is reused.
    const float mx = maxOf(z, V);
    greedy[r] = z[t] == mx && std::find(z, z + t, mx) == z + t;
    logprob[r] = float(double(z[t] - mx) - std::log(expShiftSum(z, z, V, mx)));
  }
}

void argmaxRows(const float* logits, int64_t R, int64_t V, int32_t* out) {
  for (int64_t r = 0; r < R; r++) {
    const float* z = logits + r * V;
    int64_t best = 0;
    for (int64_t j = 1; j < V; j++)
      if (z[j] > z[best]) best = j;
    out[r] = int32_t(best);
  }
}

// ---- argmaxLinear ---------------------------------------------------------------------------
// Rows are transposed into xt [d, ld] (ld = rows padded to whole vectors, padding zero), so one
// vector load holds the k-th inputs of 16 (AVX-512) or 8 (AVX2) rows. A tile multiplies NR such
// vectors by NV vocabulary rows of W ([V, d] row-major), broadcasting one weight at a time: NR*NV
// accumulators in registers, W read straight from its layout (no packing). The k loop is cut into
// blocks of kKc so a block of xt stays in L1 across a run of tiles; between blocks a tile's
// accumulators are parked in a small per-thread buffer, which is exact, so every logit is one fma
// chain over k = 0..d-1 in order, whatever the rows around it or the threads. After the last block
// the tile's logits update the running (max, index) of its rows and are dropped.
namespace {

constexpr int64_t kKc = 128;      // k block: 128 x 64 rows x 4 B = 32 KB of xt
constexpr int64_t kVBlock = 96;  // W rows per run of tiles sharing an xt block

struct RunningMax {
  float* val;    // [rows of the block]
  int32_t* idx;
};

template <int NR, int NV>
__attribute__((target("avx512f"))) void tile512(const float* xt, int64_t ld, const float* W, int64_t d, int64_t v0,
                                                 int64_t k0, int64_t k1, float* part, RunningMax e) {
  __m512 acc[NV][NR];
  for (int v = 0; v < NV; v++)
    for (int j = 0; j < NR; j++) acc[v][j] = k0 == 0 ? _mm512_setzero_ps() : _mm512_loadu_ps(part + (v * NR + j) * 16);
  const float* w = W + v0 * d;
  // W streams from memory: fetch the next tile's rows while this one computes (prefetches past
  // the end of W are harmless: they never fault).
  for (int v = 0; v < NV; v++)
    for (int64_t k = k0; k < k1; k += 16) _mm_prefetch(reinterpret_cast<const char*>(w + (NV + v) * d + k), _MM_HINT_T0);
  for (int64_t k = k0; k < k1; k++) {
    __m512 xv[NR];
    for (int j = 0; j < NR; j++) xv[j] = _mm512_loadu_ps(xt + k * ld + 16 * j);
    for (int v = 0; v < NV; v++) {
      const __m512 wb = _mm512_set1_ps(w[v * d + k]);
      for (int j = 0; j < NR; j++) acc[v][j] = _mm512_fmadd_ps(wb, xv[j], acc[v][j]);
    }
  }
  if (k1 < d) {
    for (int v = 0; v < NV; v++)
      for (int j = 0; j < NR; j++) _mm512_storeu_ps(part + (v * NR + j) * 16, acc[v][j]);
    return;
  }
  for (int j = 0; j < NR; j++) {
    __m512 best = _mm512_loadu_ps(e.val + 16 * j);
    __m512i at = _mm512_loadu_si512(e.idx + 16 * j);
    for (int v = 0; v < NV; v++) {
      const __mmask16 gt = _mm512_cmp_ps_mask(acc[v][j], best, _CMP_GT_OQ);  // false for NaN
      best = _mm512_mask_blend_ps(gt, best, acc[v][j]);
      at = _mm512_mask_blend_epi32(gt, at, _mm512_set1_epi32(int32_t(v0 + v)));
    }
    _mm512_storeu_ps(e.val + 16 * j, best);
    _mm512_storeu_si512(e.idx + 16 * j, at);
  }
}

template <int NR, int NV>
void tile256(const float* xt, int64_t ld, const float* W, int64_t d, int64_t v0, int64_t k0, int64_t k1,
             float* part, RunningMax e) {
  __m256 acc[NV][NR];
  if (k0 == 0) {
    for (int v = 0; v < NV; v++)
      for (int j = 0; j < NR; j++) acc[v][j] = _mm256_setzero_ps();
  } else {
    for (int v = 0; v < NV; v++)
      for (int j = 0; j < NR; j++) acc[v][j] = _mm256_loadu_ps(part + (v * NR + j) * 8);
  }
  const float* w = W + v0 * d;
  for (int v = 0; v < NV; v++)
    for (int64_t k = k0; k < k1; k += 16) _mm_prefetch(reinterpret_cast<const char*>(w + (NV + v) * d + k), _MM_HINT_T0);
  const float* xk = xt + k0 * ld;
  for (int64_t k = k0; k < k1; k++, xk += ld) {
    __m256 xv[NR];
    for (int j = 0; j < NR; j++) xv[j] = _mm256_loadu_ps(xk + 8 * j);
    for (int v = 0; v < NV; v++) {
      const __m256 wb = _mm256_set1_ps(w[v * d + k]);
      for (int j = 0; j < NR; j++) acc[v][j] = _mm256_fmadd_ps(wb, xv[j], acc[v][j]);
    }
  }
  if (k1 < d) {
    for (int v = 0; v < NV; v++)
      for (int j = 0; j < NR; j++) _mm256_storeu_ps(part + (v * NR + j) * 8, acc[v][j]);
    return;
  }
  // Through memory: AVX2 has too few registers to blend in place without spilling the k loop.
  alignas(32) float logit[NV][NR * 8];
  for (int v = 0; v < NV; v++)
    for (int j = 0; j < NR; j++) _mm256_store_ps(logit[v] + 8 * j, acc[v][j]);
  for (int v = 0; v < NV; v++)
    for (int i = 0; i < NR * 8; i++)
      if (logit[v][i] > e.val[i]) e.val[i] = logit[v][i], e.idx[i] = int32_t(v0 + v);
}

using TileFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, int64_t, int64_t, float*, RunningMax);

struct TileSet {
  int64_t lanes, maxNR, NV;
  TileFn full[4];  // [NR-1] with NV vocabulary rows
  TileFn one[4];   // [NR-1] with 1 vocabulary row (the remainder)
};

const TileSet& tiles() {
  static const TileSet avx512{16, 4, 6,
                              {tile512<1, 6>, tile512<2, 6>, tile512<3, 6>, tile512<4, 6>},
                              {tile512<1, 1>, tile512<2, 1>, tile512<3, 1>, tile512<4, 1>}};
  static const TileSet avx2{8, 3, 4,
                            {tile256<1, 4>, tile256<2, 4>, tile256<3, 4>, nullptr},
                            {tile256<1, 1>, tile256<2, 1>, tile256<3, 1>, nullptr}};
  // COHORT_FORCE_AVX2=1 takes the AVX2 kernels on an AVX-512 machine (tests cover both paths).
  static const bool has512 = __builtin_cpu_supports("avx512f") && !std::getenv("COHORT_FORCE_AVX2");
  return has512 ? avx512 : avx2;
}

// Runs the tiles over vocabulary rows [0, V), split in contiguous chunks (whole tiles) over threads;
// each run of kVBlock rows is shared by all row blocks while it is in cache. val/idx are [T, ld].
void runTiles(const TileSet& ts, const float* xt, int64_t ld, int64_t vecs, const float* W, int64_t d, int64_t V,
              int64_t T, float* val, int32_t* idx) {
  const int64_t chunk = ((V + T - 1) / T + ts.NV - 1) / ts.NV * ts.NV;
  const int64_t vblock = kVBlock / ts.NV * ts.NV, partLen = vblock * ts.maxNR * ts.lanes;
  std::vector<float> part(T * partLen);
#pragma omp parallel for num_threads(int(T)) schedule(static, 1)
  for (int64_t t = 0; t < T; t++) {
    const int64_t a = std::min(V, t * chunk), b = std::min(V, a + chunk);
    float* tpart = part.data() + t * partLen;
    for (int64_t vb = a; vb < b; vb += vblock) {
      const int64_t ve = std::min(b, vb + vblock);
      for (int64_t j0 = 0; j0 < vecs; j0 += ts.maxNR) {  // row blocks
        const int64_t nr = std::min<int64_t>(ts.maxNR, vecs - j0);
        const RunningMax m{val + t * ld + j0 * ts.lanes, idx + t * ld + j0 * ts.lanes};
        for (int64_t k0 = 0; k0 < d; k0 += kKc) {
          const int64_t k1 = std::min(d, k0 + kKc);
          for (int64_t v0 = vb; v0 < ve;) {
            const bool full = v0 + ts.NV <= ve;
            (full ? ts.full : ts.one)[nr - 1](xt + j0 * ts.lanes, ld, W, d, v0, k0, k1, tpart + (v0 - vb) * nr * ts.lanes, m);
            v0 += full ? ts.NV : 1;
          }
        }
      }
    }
  }
}

}  // namespace

void argmaxLinear(const float* x, const float* W, int64_t R, int64_t d, int64_t V, int32_t* out) {
  if (R <= 0) return;
  const TileSet& ts = tiles();
  const int64_t vecs = (R + ts.lanes - 1) / ts.lanes, ld = vecs * ts.lanes;
  std::vector<float> xt(d * ld, 0.f);
  for (int64_t r = 0; r < R; r++)
    for (int64_t k = 0; k < d; k++) xt[k * ld + r] = x[r * d + k];
  const int64_t T = std::max<int64_t>(1, std::min<int64_t>(omp_get_max_threads(), V / (4 * ts.NV) + 1));
  std::vector<float> val(T * ld, -std::numeric_limits<float>::infinity());
  std::vector<int32_t> idx(T * ld, -1);
  runTiles(ts, xt.data(), ld, vecs, W, d, V, T, val.data(), idx.data());
  for (int64_t r = 0; r < R; r++) {  // merge the threads' chunks in vocabulary order
    float best = val[r];
    int32_t at = idx[r];
    for (int64_t t = 1; t < T; t++)
      if (val[t * ld + r] > best) best = val[t * ld + r], at = idx[t * ld + r];
    out[r] = at < 0 ? 0 : at;
  }
}

AdamWScalars adamwScalars(double lr, double beta1, double beta2, double eps, double weightDecay,
                          int64_t step, double gradMul) {
  // Same double-precision scalar math as torch's _single_tensor_adamw, rounded to fp32 at the end.
  const double bc1 = 1.0 - std::pow(beta1, double(step)), bc2 = 1.0 - std::pow(beta2, double(step));
  return {float(1.0 - lr * weightDecay), float(1.0 - beta1), float(beta2), float(1.0 - beta2),
          float(lr / bc1), float(std::sqrt(bc2)), float(eps), float(gradMul)};
}

void adamwUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamWScalars& s) {
#pragma omp parallel for simd schedule(static)
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i] * s.gradMul;
    const float pi = p[i] * s.decayMul;
    m[i] += s.oneMinusBeta1 * (gi - m[i]);  // exp_avg.lerp_(grad, 1 - beta1)
    v[i] = v[i] * s.beta2 + s.oneMinusBeta2 * gi * gi;
    p[i] = pi - s.stepSize * (m[i] / (std::sqrt(v[i]) / s.bc2Sqrt + s.eps));
  }
}

double sumSquares(const float* x, int64_t n) {
  // Fixed-size blocks summed in a fixed order: the result does not depend on the thread count.
  const int64_t blk = 1 << 16, nb = (n + blk - 1) / blk;
  std::vector<double> part(nb, 0.0);
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < nb; b++) {
    double s = 0;
    const int64_t e = std::min(n, (b + 1) * blk);
#pragma omp simd reduction(+ : s)
    for (int64_t i = b * blk; i < e; i++) s += double(x[i]) * double(x[i]);
    part[b] = s;
  }
  double s = 0;
  for (double p : part) s += p;
  return s;
}

}  // namespace cohort::cpu
