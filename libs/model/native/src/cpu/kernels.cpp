#include "kernels.h"

#include "vexp.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>

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
