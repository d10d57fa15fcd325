#include "sysinfo.h"

#include <cblas.h>

#include <chrono>

namespace cohort {

SysInfo sysInfo() {
  SysInfo s;
  s.blas = std::string(openblas_get_config()) + " core=" + openblas_get_corename();
  __builtin_cpu_init();
#define COHORT_FEATURE(name) \
  if (__builtin_cpu_supports(name)) s.simd.push_back(name);
  COHORT_FEATURE("sse4.2")
  COHORT_FEATURE("avx")
  COHORT_FEATURE("fma")
  COHORT_FEATURE("avx2")
  COHORT_FEATURE("avx512f")
  COHORT_FEATURE("avx512bw")
  COHORT_FEATURE("avx512vl")
  COHORT_FEATURE("avx512bf16")
  COHORT_FEATURE("avx512vnni")
#undef COHORT_FEATURE
  return s;
}

}  // namespace cohort

namespace cohort {

double sgemmGflops(int m, int n, int k, int iters) {
  std::vector<float> a(size_t(m) * k, 0.5f), b(size_t(n) * k, 0.25f), c(size_t(m) * n);
  auto run = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.f, a.data(), k, b.data(), k, 0.f, c.data(), n);
  };
  run();  // warm up threads and caches
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iters; i++) run();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return 2.0 * m * n * k * iters / s / 1e9;
}

}  // namespace cohort
