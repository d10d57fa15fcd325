// The CUDA build: compiled architectures, and a clean fallback where no GPU, driver or CUDA
// library is present (the addon always loads; asking for 'cuda' is an Error, never an abort).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { backendInfo, cudaMemoryEstimate, GPTNeoX } from '../src';
import { TINY } from './tiny';

/** Toolkit roots that scripts/lib/cuda-toolkit.sh installed (its stamp file marks a complete install). */
function toolkitRoots(): string[] {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cohort');
  if (!existsSync(cache)) return [];
  return readdirSync(cache)
    .filter((n) => n.startsWith('cuda-') && existsSync(join(cache, n, '.cohort-installed')))
    .flatMap((n) => {
      const lib = join(cache, n, 'lib');
      return existsSync(lib) ? readdirSync(lib).map((py) => join(lib, py, 'site-packages', 'nvidia', 'cu13')) : [];
    })
    .filter((root) => existsSync(join(root, 'bin', 'nvcc')));
}

const info = backendInfo();
const roots = toolkitRoots();
const builtCpuOnly = process.env.COHORT_CUDA === 'OFF';

describe('CUDA build', () => {
  it('compiles sm_80 and sm_90 code when the CUDA toolkit is present', (t) => {
    if (builtCpuOnly) return t.skip('COHORT_CUDA=OFF: the addon was built for the CPU only');
    if (roots.length === 0 && !info.cudaBuilt) return t.skip('no CUDA toolkit installed (scripts/lib/cuda-toolkit.sh did not run or could not install)');
    assert.equal(info.cudaBuilt, true, 'a toolkit is installed, so build-native.sh should have compiled the CUDA backend');
    for (const a of ['sm_80', 'sm_90']) assert.ok(info.cudaArchs.includes(a), `cudaArchs ${info.cudaArchs.join(',')} lacks ${a}`);
    const cuobjdump = roots.map((r) => join(r, 'bin', 'cuobjdump')).find((p) => existsSync(p));
    if (!cuobjdump) return t.diagnostic('cuobjdump not installed: the .node itself was not inspected');
    const r = spawnSync(cuobjdump, ['--list-elf', info.addonPath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const a of ['sm_80', 'sm_90']) assert.match(r.stdout, new RegExp(`\\.${a}\\.cubin`), `no ${a} cubin in the addon`);
  });

  it('reports the CUDA backend consistently', () => {
    assert.ok(info.backend === 'cpu' || info.backend === 'cuda');
    if (!info.cudaBuilt) assert.deepEqual(info.cudaArchs, []);
    assert.equal(info.defaultPrecision, info.backend === 'cuda' ? 'bf16' : 'fp32');
    if (info.backend === 'cuda') {
      assert.equal(info.cudaUnavailableReason, null);
      assert.ok(info.cudaDevice, 'a usable backend names its device');
      assert.match(info.cudaDevice.computeCapability, /^\d+\.\d+$/);
      assert.ok(info.cudaDevice.totalMemoryBytes > 0 && info.cudaDevice.freeMemoryBytes > 0 && info.cudaDevice.count >= 1);
    } else {
      assert.equal(typeof info.cudaUnavailableReason, 'string');
      assert.ok((info.cudaUnavailableReason ?? '').length > 0, 'the reason is not empty');
    }
  });

  it('loads without a GPU and reports cpu with the reason', (t) => {
    if (info.backend === 'cuda') return t.skip(`a usable GPU is present (${info.cudaDevice?.name})`);
    assert.equal(info.backend, 'cpu');
    if (info.cudaBuilt) assert.match(info.cudaUnavailableReason ?? '', /cuda/i);
    else assert.match(info.cudaUnavailableReason ?? '', /built without/);
  });

  it('the addon copied alone into an empty folder still loads (cuBLAS is loaded only at first use)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-addon-alone-'));
    try {
      const copy = join(dir, 'cohort_model.node');
      copyFileSync(info.addonPath, copy);
      const code = `const a = require(${JSON.stringify(copy)}); const i = a.backendInfo(); process.stdout.write(JSON.stringify({ backend: i.backend, built: i.cudaBuilt }));`;
      const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.built, info.cudaBuilt);
      assert.equal(out.backend, info.backend);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the addon needs no CUDA shared library to load', (t) => {
    if (!info.cudaBuilt) return t.skip('built without CUDA');
    const r = spawnSync('readelf', ['-d', info.addonPath], { encoding: 'utf8' });
    if (r.status !== 0) return t.skip('readelf unavailable');
    const needed = r.stdout.split('\n').filter((l) => l.includes('(NEEDED)'));
    assert.ok(needed.length > 0);
    for (const l of needed) assert.doesNotMatch(l, /libcuda|libcudart|libcublas/, l);
  });

  it("backend 'cuda' without a usable device is a clear Error, not an abort", (t) => {
    if (info.backend === 'cuda') return t.skip(`a usable GPU is present (${info.cudaDevice?.name})`);
    assert.throws(
      () => GPTNeoX.create(TINY, { backend: 'cuda', seed: 1 }),
      (e: unknown) => e instanceof Error && /backend 'cuda'/.test(e.message) && (info.cudaBuilt ? /not usable here: .+/ : /not built into this addon/).test(e.message),
    );
  });

  it("precision 'bf16' on the cpu backend is a clear Error", () => {
    assert.throws(() => GPTNeoX.create(TINY, { precision: 'bf16' }), /precision 'bf16' is not supported by the cpu backend/);
    assert.throws(() => GPTNeoX.create(TINY, { precision: 'fp16' as 'bf16' }), /precision must be 'fp32' or 'bf16'/);
    const m = GPTNeoX.create(TINY, { precision: 'fp32', threads: 1 });
    assert.equal(m.precision, 'fp32');
    assert.equal(GPTNeoX.create(TINY, { threads: 1 }).precision, 'fp32', 'cpu defaults to fp32');
    m.dispose();
  });

  it('cudaMemoryEstimate counts fp32 weights, grads, Adam moments and the activations', () => {
    const m = GPTNeoX.create(TINY, { threads: 1 });
    const model = cudaMemoryEstimate(TINY, 0, 0);
    assert.equal(model, 16 * m.numParams + 32 * 2 ** 20, 'model alone: 16 bytes a parameter + the cuBLAS workspace');
    const small = cudaMemoryEstimate(TINY, 1, 32), big = cudaMemoryEstimate(TINY, 8, 64);
    assert.ok(model < small && small < big);
    assert.equal(cudaMemoryEstimate(TINY, 8, 64, 'fp32'), big, 'bf16 adds no buffers (cuBLAS down-converts the fp32 operands)');
    // pythia-410m at batch 8 x 2048: a few GiB of state and tens of GiB of activations.
    const gib = cudaMemoryEstimate({ ...TINY, vocabSize: 50304, hiddenSize: 1024, numLayers: 24, numHeads: 16, intermediateSize: 4096, maxPositionEmbeddings: 2048 }, 8, 2048) / 2 ** 30;
    assert.ok(gib > 20 && gib < 80, `410m B8 T2048 estimate ${gib.toFixed(1)} GiB`);
    m.dispose();
  });
});
