// Memory arithmetic of the CUDA engine (plain C++: compiled into every build, so the addon can
// answer cudaMemoryEstimate without a toolkit). CudaEngine allocates exactly these buffers.
#include <algorithm>
#include <sstream>

#include "cuda_api.h"

#ifndef COHORT_CUDA_ARCHS
#define COHORT_CUDA_ARCHS ""
#endif

namespace cohort {

static int64_t paramCount(const Config& c) {
  const int64_t d = c.hidden, f = c.ffn, V = c.vocab;
  const int64_t perLayer = 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (f * d + f) + (d * f + d);
  return 2 * V * d + c.layers * perLayer + 2 * d;
}

int64_t cudaClassifierRows(int64_t N, int64_t V) {
  return std::max<int64_t>(1, std::min<int64_t>(N, (int64_t(64) << 20) / V));
}

int64_t cudaModelBytes(const Config& c) { return 16 * paramCount(c) + kCublasWorkspaceBytes; }

// Floats per Acts set: see CudaEngine::Acts and CudaEngine::prepare.
int64_t cudaActivationBytes(const Config& c, int64_t B, int64_t T, bool training) {
  const int64_t N = B * T, d = c.hidden, f = c.ffn, H = c.heads, L = c.layers, V = c.vocab;
  const int64_t S = training ? L : 1;
  const int64_t perSlot = 3 * d /*ln1 ln2 att*/ + (c.parallelResidual ? 0 : d) /*mid*/ + 3 * d /*qkv*/ +
                          2 * f /*fc gelu*/ + H /*lse*/ + 4 /*mean rstd x2*/;
  int64_t floats = N * ((training ? L + 1 : 2) * d /*x*/ + S * perSlot + 2 * d /*tmp*/ + d + 2 /*lnf*/);
  if (training) {
    floats += N * (4 * d /*gx gn dln datt*/ + 3 * d /*dqkv*/ + f /*dfc*/ + H /*D*/);
    const int64_t chunks = (N + kColSumRows - 1) / kColSumRows;
    floats += 2 * chunks * std::max({d, 3 * d, f});  // column-sum partials
  }
  floats += cudaClassifierRows(N, V) * (V + d);  // logits block + gathered rows
  // 4-byte words: ids; training adds targets, the embedding-backward CSR (tokens, start, order: <= 3N + 1)
  // and the per-row losses (doubles); inference adds the scored rows' indices (int64), targets,
  // log-probs and greedy flags (a word each, rounding the bytes up).
  const int64_t ints = training ? N + N + (3 * N + 1) + 2 * N : N + 2 * N + N + N + N;
  return 4 * floats + 4 * ints;
}

int64_t cudaMemoryEstimate(const Config& cfg, int64_t B, int64_t T, Precision) {
  // bf16 runs its GEMMs through cuBLAS's bf16 path on the fp32 buffers: no extra copies.
  return cudaModelBytes(cfg) + (B * T > 0 ? cudaActivationBytes(cfg, B, T, true) : 0);
}

std::vector<std::string> cudaCompiledArchs() {
  // "80-real,90-real,100" (CMake's list with commas) -> sm_80, sm_90, sm_100, compute_100 (plain = SASS + PTX).
  std::vector<std::string> out;
  std::stringstream ss(COHORT_CUDA_ARCHS);
  std::string a;
  while (std::getline(ss, a, ',')) {
    if (a.empty()) continue;
    const size_t dash = a.find('-');
    const std::string num = a.substr(0, dash), kind = dash == std::string::npos ? "" : a.substr(dash + 1);
    if (kind != "virtual") out.push_back("sm_" + num);
    if (kind != "real") out.push_back("compute_" + num);
  }
  return out;
}

}  // namespace cohort
