// CPU kernels for one GPT-NeoX block, llm.c style: plain functions over row-major fp32 buffers.
// Conventions: N = rows (batch*time), Linear weights are HF's [out, in].
#pragma once
#include <cstdint>
#include <vector>

namespace cohort::cpu {

// Inside our own parallel loops each BLAS call must run on one thread. The OpenMP OpenBLAS does this
// by itself (it sees omp_in_parallel); the pthread build needs its pool shrunk for the duration.
class BlasSerialScope {
 public:
  explicit BlasSerialScope(int threads);
  ~BlasSerialScope();
 private:
  int threads_;
};

// y[N,O] = x[N,I] . W[O,I]^T + b  (b may be null)
void linearForward(const float* x, const float* W, const float* b, float* y, int64_t N, int64_t I,
                   int64_t O);
// dW[O,I] += dy^T x; db[O] += colsum(dy) (if db); dx[N,I] = dy W, or += when accumulate (if dx).
void linearBackward(const float* dy, const float* x, const float* W, float* dx, float* dW, float* db,
                    int64_t N, int64_t I, int64_t O, bool accumulate);

void layerNormForward(const float* x, const float* w, const float* b, float* y, float* mean,
                      float* rstd, int64_t N, int64_t d, float eps);
// dx += LN'(x)^T dy; dw += sum dy*xhat; db += sum dy.
void layerNormBackward(const float* dy, const float* x, const float* w, const float* mean,
                       const float* rstd, float* dx, float* dw, float* db, int64_t N, int64_t d);

void geluForward(const float* x, float* y, int64_t n, bool tanhApprox);
void geluBackward(const float* x, float* dxInOut /* dy in, dx out */, int64_t n, bool tanhApprox);

// Rotary tables as HF computes them: fp32 inv_freq, fp32 angle p*inv_freq, sin/cos of that.
struct Rope {
  int64_t dims = 0;             // rotary dims per head
  std::vector<float> cos, sin;  // [maxPos, dims/2]
  Rope(int64_t dims, int64_t maxPos, float base);
};
// Rotates q and k of every head in qkv rows [B*T, H*3*hd] (per-head [q|k|v]); row t has position
// pos0+t. inverse=true applies the transpose (used for the gradient).
void ropeApply(const Rope& r, float* qkv, int64_t B, int64_t T, int64_t pos0, int64_t H, int64_t hd,
               bool inverse);

// Causal attention for one (batch, head), tiled over queries so only a [tile, Tk] score block is
// ever materialised (flash-style: the backward recomputes scores from q, k and the saved lse).
// q rows have stride qs, k/v rows stride kvs; query i sits at absolute position past+i.
struct AttnHead {
  const float *q, *k, *v;
  int64_t qs, kvs, Tq, past, hd;
};
void attentionForward(const AttnHead& a, float* o, int64_t os, float* lse, float* scratch);
void attentionBackward(const AttnHead& a, const float* o, const float* dout, int64_t os,
                       const float* lse, float* dq, float* dk, float* dv, float* scratch);
int64_t attentionScratch(int64_t Tk);  // floats of scratch per thread
constexpr int64_t kAttnTile = 64;

// In place on logits [R,V]: returns the summed CE loss of rows whose target >= 0 and leaves
// dlogits = scale*(softmax - onehot) (zero rows for ignored targets).
double crossEntropyBackward(float* logits, const int32_t* targets, int64_t R, int64_t V, float scale);
// log p(target) and argmax==target for rows whose target >= 0 (logits are overwritten).
void targetLogProbs(float* logits, const int32_t* targets, int64_t R, int64_t V, float* logprob,
                    uint8_t* greedy);
void argmaxRows(const float* logits, int64_t R, int64_t V, int32_t* out);
// out[r] = argmax over v < V of x[r,:] . W[v,:] (W row-major [V, d]: HF's embed_out), without
// materialising the [R, V] logits: greedy decoding's classifier. First maximum wins ties, NaN
// logits never win (a row of NaNs gives 0). Each logit is one fma chain over k = 0..d-1 in order,
// whatever R, the row's position in the batch or the thread count, so a row's token never depends
// on the other rows decoded with it. AVX-512 when the CPU has it, else AVX2 (same arithmetic).
void argmaxLinear(const float* x, const float* W, int64_t R, int64_t d, int64_t V, int32_t* out);

// torch.optim.AdamW's single-tensor update on n elements (scalars from adamwScalars).
struct AdamWScalars {
  float decayMul, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, eps, gradMul;
};
AdamWScalars adamwScalars(double lr, double beta1, double beta2, double eps, double weightDecay,
                          int64_t step, double gradMul);
void adamwUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamWScalars& s);
double sumSquares(const float* x, int64_t n);

}  // namespace cohort::cpu
