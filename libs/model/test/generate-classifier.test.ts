// Greedy generation's classifier is fused with its argmax (kernels.cpp argmaxLinear): logits are
// never materialised. These shapes exercise its edges: a vocabulary that is no multiple of the
// tile or of the thread chunks, a hidden size spanning several k blocks with a partial last one, and
// batches from one row to several row blocks with a partial last vector.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GPTNeoX, PYTHIA_DEFAULTS, type ModelConfig } from '../src';

const CFG: ModelConfig = { ...PYTHIA_DEFAULTS, vocabSize: 1003, hiddenSize: 288, numLayers: 1, numHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 32 };

function argmax(z: Float32Array, from: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (z[from + j] > z[from + best]) best = j;
  return best;
}

function prompts(B: number, T: number, seed: number): number[][] {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % CFG.vocabSize;
  return Array.from({ length: B }, () => Array.from({ length: T }, rnd));
}

describe('generate: fused classifier argmax', () => {
  const model = GPTNeoX.create(CFG, { seed: 4, threads: 2 });

  it('first token of every row equals the argmax of forward logits (B = 1, 5, 16, 37, 70)', () => {
    for (const B of [1, 5, 16, 37, 70]) {
      const p = prompts(B, 6, B);
      const got = model.generate(p, 1);
      const logits = model.forward(Int32Array.from(p.flat()), B, 6);
      for (let b = 0; b < B; b++) assert.equal(got[b][0], argmax(logits, (b * 6 + 5) * CFG.vocabSize, CFG.vocabSize), `B=${B} row ${b}`);
    }
  });

  it('a row decodes the same alone, in any batch, and on any thread count', () => {
    const p = prompts(70, 5, 99);
    const batched = model.generate(p, 8);
    const one = GPTNeoX.create(CFG, { seed: 4, threads: 1 });
    try {
      assert.deepEqual(one.generate(p, 8), batched, 'threads 1 vs 2');
      for (const b of [0, 15, 16, 63, 64, 69]) assert.deepEqual(one.generate([p[b]], 8)[0], batched[b], `row ${b} alone`);
    } finally {
      one.dispose();
    }
  });

  it('ties go to the first maximum, as torch.argmax', () => {
    // Duplicate a few output rows: their logits are bit-identical, and the lower id must win.
    const tied = GPTNeoX.create(CFG, { seed: 4, threads: 2 });
    try {
      const w = tied.getWeights();
      const out = tied.param('embed_out.weight');
      const p = prompts(9, 4, 7);
      const first = tied.generate(p, 1).map((r) => r[0]);
      for (const [i, t] of first.entries()) {
        const dst = CFG.vocabSize - 1 - i; // a later id with the winner's weights
        if (dst <= t) continue;
        w.copyWithin(out.offset + dst * CFG.hiddenSize, out.offset + t * CFG.hiddenSize, out.offset + (t + 1) * CFG.hiddenSize);
      }
      tied.setWeights(w);
      assert.deepEqual(tied.generate(p, 1).map((r) => r[0]), first);
    } finally {
      tied.dispose();
    }
  });

  it('the AVX2 kernels (CPUs without AVX-512) decode exactly as the AVX-512 ones', () => {
    const p = prompts(37, 5, 3);
    const script = `const { GPTNeoX } = require(${JSON.stringify(join(__dirname, '..', 'src'))});
      const m = GPTNeoX.create(${JSON.stringify(CFG)}, { seed: 4, threads: 2 });
      process.stdout.write(JSON.stringify(m.generate(${JSON.stringify(p)}, 6)));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, COHORT_FORCE_AVX2: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), model.generate(p, 6));
  });

  it('frees', () => model.dispose());
});
