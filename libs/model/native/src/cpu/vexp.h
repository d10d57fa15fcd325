// Vectorised exp for the softmax loops (cross-entropy over the vocabulary, attention rows), which
// dominate small models when done with scalar expf. Cephes-style: exp(x) = 2^n * p(r) with
// r = x - n ln2 split in two constants, degree-5 polynomial; max relative error ~2 ulp over the
// softmax range (x <= 0). Needs AVX2 + FMA (the build's baseline, x86-64-v3).
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace cohort::cpu {

static inline __m256 exp8(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.33654f));  // below this exp(x) underflows to 0 anyway
  x = _mm256_min_ps(x, _mm256_set1_ps(88.37626f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

// y[i] = exp(x[i] - shift) for i < n; returns sum(y) (8 float lanes, then a fixed-order reduction).
static inline double expShiftSum(const float* x, float* y, int64_t n, float shift) {
  const __m256 s = _mm256_set1_ps(shift);
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
    _mm256_storeu_ps(y + i, v);
    acc = _mm256_add_ps(acc, v);
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, acc);
  double sum = 0;
  for (float l : lanes) sum += l;
  if (i < n) {  // tail: same kernel on a padded vector
    alignas(32) float in[8], out[8];
    for (int k = 0; k < 8; k++) in[k] = i + k < n ? x[i + k] - shift : -100.f;
    _mm256_store_ps(out, exp8(_mm256_load_ps(in)));
    for (int64_t k = 0; i + k < n; k++) {
      y[i + k] = out[k];
      sum += out[k];
    }
  }
  return sum;
}

static inline float maxOf(const float* x, int64_t n) {
  float m = x[0];
#pragma omp simd reduction(max : m)
  for (int64_t i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

}  // namespace cohort::cpu
