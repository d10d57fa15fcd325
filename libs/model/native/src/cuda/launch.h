// Host-side launchers of the CUDA kernels, one job each (llm.c style). Every buffer is row-major
// fp32 on the device, in the CPU backend's layouts (see ../cpu/kernels.h): N = rows (batch*time),
// qkv rows hold per-head [q|k|v]. All run on `s`; none synchronises; each checks its launch.
// Nothing here uses atomics: every reduction has a fixed order, so results are bit-identical run to run.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda_api.h"  // kColSumRows

namespace cohort::cuda {

// ---- embedding.cu
// x[r,:] = E[ids[r],:]
void embeddingForward(const int32_t* ids, const float* E, float* x, int64_t N, int64_t d, cudaStream_t s);
// gE[tok,:] += sum of g[pos,:] over the positions of each distinct token, in the order given:
// tokens[u] (u < U) owns positions order[start[u] .. start[u+1]) (a CSR built on the host).
void embeddingBackward(const int32_t* tokens, const int32_t* start, const int32_t* order, int64_t U,
                       const float* g, float* gE, int64_t d, cudaStream_t s);

// ---- layernorm.cu
void layerNormForward(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd,
                      int64_t N, int64_t d, float eps, cudaStream_t s);
// dx += LN'(x)^T dy (per row), and dw += sum dy*xhat, db += sum dy via `partial` scratch
// [2, ceil(N/kColSumRows), d].
void layerNormBackward(const float* dy, const float* x, const float* w, const float* mean, const float* rstd,
                       float* dx, float* dw, float* db, float* partial, int64_t N, int64_t d, cudaStream_t s);

// ---- reduce.cu
// out[c] += sum over rows r of a[r, c] (a [N, C]); two stages through `partial` [ceil(N/kColSumRows), C].
void columnSumAdd(const float* a, float* out, float* partial, int64_t N, int64_t C, cudaStream_t s);
// Adds partial [chunks, C] into out in chunk order (the second stage, shared with layerNormBackward).
void addPartials(const float* partial, int64_t chunks, int64_t C, float* out, cudaStream_t s);
// result[0] = sum of x[i]^2 in double, over fixed blocks in a fixed order (scratch: kSumSqBlocks doubles).
constexpr int kSumSqBlocks = 1024;
void sumSquares(const float* x, int64_t n, double* scratch, double* result, cudaStream_t s);

// ---- elementwise.cu
void fillRows(float* y, const float* b, int64_t N, int64_t O, cudaStream_t s);  // y[r,:] = b
void geluForward(const float* x, float* y, int64_t n, bool tanhApprox, cudaStream_t s);
void geluBackward(const float* x, float* g, int64_t n, bool tanhApprox, cudaStream_t s);  // g = dy in, dx out
// Rotary on q and k of every head; row t of each batch has position pos0 + t. cos/sin [maxPos, dims/2].
void ropeApply(const float* cos, const float* sin, int64_t dims, float* qkv, int64_t B, int64_t T, int64_t pos0,
               int64_t H, int64_t hd, bool inverse, cudaStream_t s);
void add(const float* a, const float* b, float* y, int64_t n, cudaStream_t s);                  // y = a + b
void add3(const float* a, const float* b, const float* c, float* y, int64_t n, cudaStream_t s);  // y = (a + b) + c

// ---- attention.cu (flash-style: no [T, T] buffer; the backward recomputes scores from lse)
struct Attn {
  const float *q, *k, *v;  // row 0 of batch 0, head 0; head h at +h*headStride
  int64_t qBatch, qRow;    // strides (floats) of q between batches and rows
  int64_t kvBatch, kvRow;  // the same for k and v (the qkv rows, or a KV cache)
  int64_t headStride;      // 3*hd for [q|k|v] rows
  float* o;                // [B*Tq, H*hd]
  float* lse;              // [B*H, Tq]
  int64_t B, H, Tq, past, hd;  // query i sits at position past + i and sees keys 0 .. past + i
};
constexpr int64_t kMaxHeadDim = 256;
void attentionForward(const Attn& a, cudaStream_t s);
// Training (past = 0, k/v are the qkv rows): writes every element of dq, dk, dv (layout of qkv).
// D [B*H, Tq] is scratch.
void attentionBackward(const Attn& a, const float* dout, float* dqkv, float* D, cudaStream_t s);

// ---- classifier.cu
// dst[i,:] = src[idx[i],:]
void gatherRows(const float* src, const int64_t* idx, float* dst, int64_t R, int64_t d, cudaStream_t s);
// In place on logits [R, V]: loss[r] = CE of row r (0 for target < 0), logits -> scale*(softmax - onehot)
// (zero rows for ignored targets).
void crossEntropyBackward(float* logits, const int32_t* targets, int64_t R, int64_t V, float scale, double* loss,
                          cudaStream_t s);
// logprob[r] = log softmax(logits[r])[target[r]], greedy[r] = first argmax == target (targets >= 0).
void targetLogProbs(const float* logits, const int32_t* targets, int64_t R, int64_t V, float* logprob,
                    uint8_t* greedy, cudaStream_t s);
// out[r] = first index of the maximum of row r (NaN never wins; a row without a maximum gives 0).
void argmaxRows(const float* logits, int64_t R, int64_t V, int32_t* out, cudaStream_t s);

// ---- adamw.cu: torch.optim.AdamW's single-tensor update (the CPU backend's arithmetic).
struct AdamWArgs {
  float decayMul, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, eps, gradMul;
};
void adamwUpdate(float* p, const float* g, float* m, float* v, int64_t n, const AdamWArgs& a, cudaStream_t s);

}  // namespace cohort::cuda
