import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { backendInfo, sgemmGflops } from '../src';

describe('backend', () => {
  it('backendInfo is served by the native addon', () => {
    const info = backendInfo();
    // 'cuda' only where the CUDA backend is compiled in and a device is usable (cuda-build.test.ts).
    assert.equal(info.backend, info.cudaUnavailableReason === null ? 'cuda' : 'cpu');
    if (!info.cudaBuilt) assert.equal(info.cudaDevice, null);
    assert.ok(Number.isInteger(info.threads) && info.threads >= 1);
    assert.match(info.blas, /^OpenBLAS \d+\.\d+\.\d+ .* core=\w+$/);
    assert.ok(info.simd.includes('avx2'), 'the build baseline (x86-64-v3) implies AVX2');
    assert.ok(existsSync(info.addonPath));
  });

  it('sgemmGflops measures a real GEMM', () => {
    assert.ok(sgemmGflops(64, 64, 64, 2) > 0.1);
    assert.throws(() => sgemmGflops(0, 1, 1, 1), /sizes must be >= 1/);
  });
});
