// Causal self-attention, flash-style: the forward streams key tiles through shared memory with an
// online softmax and keeps only the per-row log-sum-exp; the backward recomputes probabilities
// tile by tile from q, k and lse. No [T, T] buffer exists for any head.
//
// One warp owns one row (a query in the forward and dQ kernels, a key in the dK/dV kernel); lane l
// scores the l-th row of the shared tile against it, then the warp accumulates the tile's
// contribution with lane l holding output dims l, l+32, ... (head_dim <= 256). Every sum runs in
// a fixed order, so the results are deterministic; no atomics (dK/dV have their own kernel).
#include "common.cuh"

namespace cohort::cuda {

constexpr int kRowWarps = 8;                  // rows (warps) per block
constexpr int kTile = 32;                     // rows per shared-memory tile (one per lane)
constexpr int kPer = int(kMaxHeadDim) / kWarp;  // output dims per lane

__device__ __forceinline__ float dotRow(const float* a, const float* b, int64_t n) {
  float s = 0.f;
  for (int64_t c = 0; c < n; c++) s += a[c] * b[c];
  return s;
}

// Loads `rows` rows of `hd` floats (source row stride `stride`) into a [kTile][hd+1] tile (the +1
// pad keeps lane l's row reads on distinct banks).
__device__ __forceinline__ void loadTile(float* dst, const float* src, int64_t stride, int64_t rows, int64_t hd) {
  const int64_t ld = hd + 1;
  for (int64_t e = threadIdx.x; e < rows * hd; e += blockDim.x) {
    const int64_t r = e / hd, c = e % hd;
    dst[r * ld + c] = src[r * stride + c];
  }
}

__global__ void attention_forward_kernel(Attn a, float scale) {
  extern __shared__ float smem[];
  const int64_t hd = a.hd, ld = hd + 1, d = a.H * hd;
  float *sK = smem, *sV = sK + kTile * ld, *sQ = sV + kTile * ld;  // sQ: [kRowWarps][hd]
  const int64_t bh = blockIdx.x, b = bh / a.H, h = bh % a.H;
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int64_t i0 = int64_t(blockIdx.y) * kRowWarps, i = i0 + warp;
  const bool active = i < a.Tq;
  const float* q = a.q + b * a.qBatch + h * a.headStride;
  const float* k = a.k + b * a.kvBatch + h * a.headStride;
  const float* v = a.v + b * a.kvBatch + h * a.headStride;
  float* myQ = sQ + warp * hd;
  if (active)
    for (int64_t c = lane; c < hd; c += kWarp) myQ[c] = q[i * a.qRow + c];
  const int64_t lastQ = (i0 + kRowWarps < a.Tq ? i0 + kRowWarps : a.Tq) - 1;
  const int64_t nKeys = a.past + lastQ + 1;  // keys any row of this block sees
  const int64_t myKeys = a.past + i + 1;     // keys this warp's query sees

  float m = -INFINITY, l = 0.f, acc[kPer];
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) acc[kk] = 0.f;
  for (int64_t j0 = 0; j0 < nKeys; j0 += kTile) {
    __syncthreads();  // the previous tile is consumed (and sQ is written)
    const int64_t rows = nKeys - j0 < kTile ? nKeys - j0 : kTile;
    loadTile(sK, k + j0 * a.kvRow, a.kvRow, rows, hd);
    loadTile(sV, v + j0 * a.kvRow, a.kvRow, rows, hd);
    __syncthreads();
    if (!active || j0 >= myKeys) continue;  // uniform per warp
    const int64_t j = j0 + lane;
    const float s = j < myKeys ? scale * dotRow(myQ, sK + lane * ld, hd) : -INFINITY;
    const float mNew = fmaxf(m, warpMax(s));  // finite: key j0 is visible
    const float corr = expf(m - mNew);        // 0 on the first tile (m = -inf)
    const float p = j < myKeys ? expf(s - mNew) : 0.f;
    l = l * corr + warpSum(p);
    const int64_t n = myKeys - j0 < kTile ? myKeys - j0 : kTile;
#pragma unroll
    for (int kk = 0; kk < kPer; kk++) acc[kk] *= corr;
    for (int jj = 0; jj < n; jj++) {
      const float pj = __shfl_sync(0xffffffffu, p, jj);
#pragma unroll
      for (int kk = 0; kk < kPer; kk++) {
        const int64_t c = lane + kWarp * kk;
        if (c < hd) acc[kk] += pj * sV[jj * ld + c];
      }
    }
    m = mNew;
  }
  if (!active) return;
  float* o = a.o + (b * a.Tq + i) * d + h * hd;
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) {
    const int64_t c = lane + kWarp * kk;
    if (c < hd) o[c] = acc[kk] / l;
  }
  if (lane == 0) a.lse[bh * a.Tq + i] = m + logf(l);
}

static size_t forwardSmem(int64_t hd) { return size_t(2 * kTile * (hd + 1) + kRowWarps * hd) * sizeof(float); }
static size_t backwardSmem(int64_t hd) {
  return size_t(2 * kTile * (hd + 1) + 2 * kTile + 2 * kRowWarps * hd) * sizeof(float);
}

// Row tiles go on grid.y, which CUDA caps at 65535: 524280 queries.
static unsigned rowTiles(int64_t Tq) {
  const int64_t tiles = (Tq + kRowWarps - 1) / kRowWarps;
  if (tiles > 65535)
    throw UserError("backend 'cuda': attention over " + std::to_string(Tq) + " query positions exceeds the " +
                    std::to_string(65535 * kRowWarps) + " the kernels support");
  return unsigned(tiles);
}

template <typename K>
static void allowSmem(K kernel, size_t bytes) {
  if (bytes > 48 * 1024)
    CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)));
}

void attentionForward(const Attn& a, cudaStream_t s) {
  const size_t smem = forwardSmem(a.hd);
  allowSmem(attention_forward_kernel, smem);
  const dim3 grid(unsigned(a.B * a.H), rowTiles(a.Tq));  // x: (batch, head), y: row tile
  attention_forward_kernel<<<grid, kRowWarps * kWarp, smem, s>>>(a, 1.f / sqrtf(float(a.hd)));
  CUDA_CHECK_LAUNCH("attention_forward_kernel");
}

// D[bh, i] = dout_i . o_i (the softmax-backward row term), one warp per row.
__global__ void attention_rowdot_kernel(Attn a, const float* dout, float* D) {
  const int64_t row = int64_t(blockIdx.x) * kRowWarps + threadIdx.x / kWarp;  // over B*H*Tq
  const int lane = threadIdx.x % kWarp;
  if (row >= a.B * a.H * a.Tq) return;
  const int64_t bh = row / a.Tq, i = row % a.Tq, b = bh / a.H, h = bh % a.H, d = a.H * a.hd;
  const int64_t off = (b * a.Tq + i) * d + h * a.hd;
  float s = 0.f;
  for (int64_t c = lane; c < a.hd; c += kWarp) s += dout[off + c] * a.o[off + c];
  s = warpSum(s);
  if (lane == 0) D[row] = s;
}

// dQ_i = scale * sum_j dS_ij K_j with dS_ij = P_ij (dout_i . V_j - D_i), one warp per query.
__global__ void attention_backward_dq_kernel(Attn a, const float* dout, const float* D, float* dqkv, float scale) {
  extern __shared__ float smem[];
  const int64_t hd = a.hd, ld = hd + 1, d = a.H * hd, T = a.Tq;
  float *sK = smem, *sV = sK + kTile * ld, *sQ = sV + kTile * ld + 2 * kTile, *sdO = sQ + kRowWarps * hd;
  const int64_t bh = blockIdx.x, b = bh / a.H, h = bh % a.H;
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int64_t i0 = int64_t(blockIdx.y) * kRowWarps, i = i0 + warp;
  const bool active = i < T;
  const float* q = a.q + b * a.qBatch + h * a.headStride;
  const float* k = a.k + b * a.kvBatch + h * a.headStride;
  const float* v = a.v + b * a.kvBatch + h * a.headStride;
  float *myQ = sQ + warp * hd, *mydO = sdO + warp * hd;
  float lse = 0.f, Di = 0.f;
  if (active) {
    for (int64_t c = lane; c < hd; c += kWarp) {
      myQ[c] = q[i * a.qRow + c];
      mydO[c] = dout[(b * T + i) * d + h * hd + c];
    }
    lse = a.lse[bh * T + i];
    Di = D[bh * T + i];
  }
  const int64_t nKeys = i0 + kRowWarps < T ? i0 + kRowWarps : T;
  const int64_t myKeys = i + 1;
  float acc[kPer];
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) acc[kk] = 0.f;
  for (int64_t j0 = 0; j0 < nKeys; j0 += kTile) {
    __syncthreads();
    const int64_t rows = nKeys - j0 < kTile ? nKeys - j0 : kTile;
    loadTile(sK, k + j0 * a.kvRow, a.kvRow, rows, hd);
    loadTile(sV, v + j0 * a.kvRow, a.kvRow, rows, hd);
    __syncthreads();
    if (!active || j0 >= myKeys) continue;
    const int64_t j = j0 + lane;
    float ds = 0.f;
    if (j < myKeys) {
      const float p = expf(scale * dotRow(myQ, sK + lane * ld, hd) - lse);
      ds = p * (dotRow(mydO, sV + lane * ld, hd) - Di);
    }
    const int64_t n = myKeys - j0 < kTile ? myKeys - j0 : kTile;
    for (int jj = 0; jj < n; jj++) {
      const float dsj = __shfl_sync(0xffffffffu, ds, jj);
#pragma unroll
      for (int kk = 0; kk < kPer; kk++) {
        const int64_t c = lane + kWarp * kk;
        if (c < hd) acc[kk] += dsj * sK[jj * ld + c];
      }
    }
  }
  if (!active) return;
  float* dq = dqkv + b * a.qBatch + i * a.qRow + h * a.headStride;
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) {
    const int64_t c = lane + kWarp * kk;
    if (c < hd) dq[c] = scale * acc[kk];
  }
}

// dV_j = sum_{i >= j} P_ij dout_i and dK_j = scale * sum_{i >= j} dS_ij Q_i, one warp per key;
// query tiles stream through shared memory.
__global__ void attention_backward_dkv_kernel(Attn a, const float* dout, const float* D, float* dqkv, float scale) {
  extern __shared__ float smem[];
  const int64_t hd = a.hd, ld = hd + 1, d = a.H * hd, T = a.Tq;
  float *sQ = smem, *sdO = sQ + kTile * ld, *sLse = sdO + kTile * ld, *sD = sLse + kTile;
  float *sKj = sD + kTile, *sVj = sKj + kRowWarps * hd;
  const int64_t bh = blockIdx.x, b = bh / a.H, h = bh % a.H;
  const int warp = threadIdx.x / kWarp, lane = threadIdx.x % kWarp;
  const int64_t j0 = int64_t(blockIdx.y) * kRowWarps, j = j0 + warp;
  const bool active = j < T;
  const float* q = a.q + b * a.qBatch + h * a.headStride;
  const float* k = a.k + b * a.kvBatch + h * a.headStride;
  const float* v = a.v + b * a.kvBatch + h * a.headStride;
  const float* dO = dout + b * T * d + h * hd;
  float *myK = sKj + warp * hd, *myV = sVj + warp * hd;
  if (active)
    for (int64_t c = lane; c < hd; c += kWarp) {
      myK[c] = k[j * a.kvRow + c];
      myV[c] = v[j * a.kvRow + c];
    }
  float dk[kPer], dv[kPer];
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) dk[kk] = dv[kk] = 0.f;
  for (int64_t i0 = j0 / kTile * kTile; i0 < T; i0 += kTile) {
    __syncthreads();
    const int64_t rows = T - i0 < kTile ? T - i0 : kTile;
    loadTile(sQ, q + i0 * a.qRow, a.qRow, rows, hd);
    loadTile(sdO, dO + i0 * d, d, rows, hd);
    if (threadIdx.x < rows) {
      sLse[threadIdx.x] = a.lse[bh * T + i0 + threadIdx.x];
      sD[threadIdx.x] = D[bh * T + i0 + threadIdx.x];
    }
    __syncthreads();
    if (!active) continue;
    const int64_t i = i0 + lane;
    float p = 0.f, ds = 0.f;
    if (i < T && i >= j) {
      p = expf(scale * dotRow(myK, sQ + lane * ld, hd) - sLse[lane]);
      ds = p * (dotRow(myV, sdO + lane * ld, hd) - sD[lane]);
    }
    for (int ll = 0; ll < rows; ll++) {
      const float pl = __shfl_sync(0xffffffffu, p, ll), dsl = __shfl_sync(0xffffffffu, ds, ll);
#pragma unroll
      for (int kk = 0; kk < kPer; kk++) {
        const int64_t c = lane + kWarp * kk;
        if (c < hd) {
          dv[kk] += pl * sdO[ll * ld + c];
          dk[kk] += dsl * sQ[ll * ld + c];
        }
      }
    }
  }
  if (!active) return;
  float* dkRow = dqkv + b * a.kvBatch + j * a.kvRow + h * a.headStride + hd;
#pragma unroll
  for (int kk = 0; kk < kPer; kk++) {
    const int64_t c = lane + kWarp * kk;
    if (c < hd) {
      dkRow[c] = scale * dk[kk];
      dkRow[hd + c] = dv[kk];
    }
  }
}

void attentionBackward(const Attn& a, const float* dout, float* dqkv, float* D, cudaStream_t s) {
  const float scale = 1.f / sqrtf(float(a.hd));
  const dim3 grid(unsigned(a.B * a.H), rowTiles(a.Tq));  // x: (batch, head), y: row tile
  attention_rowdot_kernel<<<blocksFor(a.B * a.H * a.Tq, kRowWarps), kRowWarps * kWarp, 0, s>>>(a, dout, D);
  CUDA_CHECK_LAUNCH("attention_rowdot_kernel");
  const size_t smem = backwardSmem(a.hd);
  allowSmem(attention_backward_dq_kernel, smem);
  attention_backward_dq_kernel<<<grid, kRowWarps * kWarp, smem, s>>>(a, dout, D, dqkv, scale);
  CUDA_CHECK_LAUNCH("attention_backward_dq_kernel");
  allowSmem(attention_backward_dkv_kernel, smem);
  attention_backward_dkv_kernel<<<grid, kRowWarps * kWarp, smem, s>>>(a, dout, D, dqkv, scale);
  CUDA_CHECK_LAUNCH("attention_backward_dkv_kernel");
}

}  // namespace cohort::cuda
