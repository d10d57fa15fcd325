// pytorch_model.bin import: fixtures from tools/golden/make_torch_bin_fixture.py (torch.save +
// HF transformers), checked against torch's own logits and an independently written safetensors copy.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type GPTNeoX, importHf, readTorchBin, toFloat32, type TorchTensor } from '../src';
import { unpickleStateDict } from '../src/torch-pickle';
import { FIXTURES } from './fixtures';

const DIR = join(FIXTURES, 'torch-bin');
const MISC = join(DIR, 'misc');
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as {
  marker: string;
  input_ids: number[];
  logits: number[];
  logits_f16_weights: number[];
  misc: Record<string, { shape: number[]; values: number[] }>;
};
const work = mkdtempSync(join(tmpdir(), 'cohort-torch-bin-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Normwise relative error max|a - b| / max|b|. */
function relErr(a: Float32Array, b: number[]): number {
  assert.equal(a.length, b.length);
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

function logits(model: GPTNeoX): Float32Array {
  return model.forward(Int32Array.from(ref.input_ids), 1, ref.input_ids.length);
}

/** A fresh HF directory: the fixture's config.json plus the given files copied in. */
function hfDir(files: Record<string, string>): string {
  const d = mkdtempSync(join(work, 'dir-'));
  copyFileSync(join(DIR, 'f32', 'config.json'), join(d, 'config.json'));
  for (const [name, src] of Object.entries(files)) copyFileSync(src, join(d, name));
  return d;
}

describe('pytorch_model.bin import', () => {
  it('f32 .bin: logits match torch, weights match the same model saved as safetensors', () => {
    const bin = importHf(join(DIR, 'f32'), { threads: 2 });
    const st = importHf(join(DIR, 'safetensors'), { threads: 2 });
    assert.ok(relErr(logits(bin), ref.logits) <= 1e-5, `logits rel err ${relErr(logits(bin), ref.logits)}`);
    assert.deepEqual(bin.getWeights(), st.getWeights());
  });

  it('fp16 .bin (uint8 causal mask) loads: logits match torch with fp16-rounded weights', () => {
    const m = importHf(join(DIR, 'f16'), { threads: 2 });
    assert.ok(relErr(logits(m), ref.logits_f16_weights) <= 1e-5, `logits rel err ${relErr(logits(m), ref.logits_f16_weights)}`);
    assert.ok(relErr(logits(m), ref.logits) > 1e-5, 'fp16 rounding is visible, so the reference tells the two apart');
  });

  it('sharded pytorch_model.bin.index.json: the same weights as the single file', () => {
    const index = JSON.parse(readFileSync(join(DIR, 'sharded', 'pytorch_model.bin.index.json'), 'utf8'));
    assert.equal(new Set(Object.values(index.weight_map)).size, 2);
    const sharded = importHf(join(DIR, 'sharded'), { threads: 2 });
    assert.deepEqual(sharded.getWeights(), importHf(join(DIR, 'f32'), { threads: 2 }).getWeights());
  });

  it('keeps the HF buffers out of the weights but reads them (bool mask, 0-d masked_bias)', () => {
    const t = readTorchBin(join(DIR, 'f32', 'pytorch_model.bin'));
    const mask = t.get('gpt_neox.layers.0.attention.bias');
    assert.equal(mask?.dtype, 'BOOL');
    assert.deepEqual(mask?.shape, [1, 1, 32, 32]);
    assert.deepEqual([...(mask?.bytes.subarray(32, 35) ?? [])], [1, 1, 0], 'row 1 of the lower-triangular mask');
    const mb = t.get('gpt_neox.layers.1.attention.masked_bias');
    assert.deepEqual(mb?.shape, []);
    assert.equal(mb?.bytes.readFloatLE(0), -1e9);
  });

  it('no weights file: the error lists every format looked for', () => {
    assert.throws(() => importHf(hfDir({})), /no model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin or pytorch_model\.bin\.index\.json/);
  });
});

describe('torch.save reader', () => {
  const values = (t: Map<string, TorchTensor>) =>
    Object.fromEntries(
      [...t].map(([k, { dtype, shape, bytes }]) => {
        if (dtype === 'BOOL') throw new Error(`${k}: BOOL`);
        return [k, { shape, values: [...toFloat32({ dtype, shape, bytes })] }];
      }),
    );

  it('protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL), BF16/F16, 0-d, and a view sharing storage at an offset', () => {
    const t = readTorchBin(join(MISC, 'proto4.bin'));
    assert.deepEqual(values(t), ref.misc);
    const base = t.get('base'), tail = t.get('tail');
    assert.equal(tail?.storageOffset, 3);
    assert.deepEqual(tail?.strides, [3, 1]);
    assert.equal(tail?.bytes.buffer, base?.bytes.buffer, 'one storage read once, the view points into it');
  });

  it('ZIP64 records (64-bit sizes and offsets in the extra field, ZIP64 end record) read the same', () => {
    assert.deepEqual(values(readTorchBin(join(MISC, 'zip64.bin'))), ref.misc);
  });

  for (const [file, global] of [
    ['evil-os-system.bin', 'posix.system'], // os.system's defining module on Linux
    ['evil-eval.bin', 'builtins.eval'],
    ['evil-popen.bin', 'subprocess.Popen'],
  ]) {
    it(`refuses a pickle that calls ${global}, and runs nothing`, () => {
      rmSync(ref.marker, { force: true });
      const path = join(MISC, file);
      const msg = `${path}: refusing to unpickle global ${global}: only tensor data is allowed`;
      assert.throws(() => readTorchBin(path), (e: Error) => e.message === msg);
      assert.throws(() => importHf(hfDir({ 'pytorch_model.bin': path })), /refusing to unpickle global/);
      assert.equal(existsSync(ref.marker), false, 'the payload did not run');
    });
  }

  it('hand-built pickle: BININT and LONG1 (ints past 32 bits, as >2^31-element shapes need)', () => {
    const int32 = Buffer.alloc(4);
    int32.writeInt32LE(100_000);
    const long = Buffer.from([0x00, 0xf2, 0x05, 0x2a, 0x01]); // 5_000_000_000 little-endian
    const pkl = Buffer.concat([
      Buffer.from('\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuJ', 'latin1'),
      int32,
      Buffer.from('tQK\x00\x8a\x05', 'latin1'),
      long,
      Buffer.from('\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRs.', 'latin1'),
    ]);
    const w = unpickleStateDict(pkl, 'x.pkl').get('w');
    assert.equal(w?.storage.numel, 100_000);
    assert.equal(w?.storage.dtype, 'F32');
    assert.deepEqual(w?.shape, [5_000_000_000]);
    assert.deepEqual(w?.strides, [1]);
  });

  it('hand-built pickles: object-building opcodes, non-callable REDUCE and protocol 5 are refused', () => {
    const pkl = (s: string) => Buffer.from(s, 'latin1');
    // INST 'os system' with a MARKed argument: pickle would import os and call system().
    assert.throws(() => unpickleStateDict(pkl('\x80\x02(X\x02\x00\x00\x00lsios\nsystem\n.'), 'x.pkl'), /x\.pkl: unsupported pickle opcode 0x69/);
    // NEWOBJ (cls.__new__): unsupported even with an allowed class on the stack.
    assert.throws(() => unpickleStateDict(pkl('\x80\x02ccollections\nOrderedDict\n)\x81.'), 'x.pkl'), /unsupported pickle opcode 0x81/);
    // A storage class is an allowed *name* but not callable.
    assert.throws(() => unpickleStateDict(pkl('\x80\x02ctorch\nFloatStorage\n)R.'), 'x.pkl'), /REDUCE on something that is not an allowed callable/);
    // An allowed module with a name outside the list.
    assert.throws(() => unpickleStateDict(pkl('\x80\x02ctorch\nload\n.'), 'x.pkl'), /refusing to unpickle global torch\.load: only tensor data is allowed/);
    assert.throws(() => unpickleStateDict(pkl('\x80\x05}.'), 'x.pkl'), /pickle protocol 5 is not supported/);
    assert.throws(() => unpickleStateDict(pkl('\x80\x02}X\x09\x00\x00\x00'), 'x.pkl'), /pickle is truncated/);
    assert.deepEqual(unpickleStateDict(pkl('\x80\x02}.'), 'x.pkl'), new Map());
  });

  it('truncated or corrupted zips give clear errors', () => {
    const src = readFileSync(join(DIR, 'f32', 'pytorch_model.bin'));
    const cut = join(work, 'cut.bin');
    for (const keep of [Math.floor(src.length * 0.6), src.length - 10]) {
      writeFileSync(cut, src.subarray(0, keep));
      assert.throws(() => readTorchBin(cut), /not a zip archive, or truncated \(no end-of-central-directory record\)/);
    }
    const bad = Buffer.from(src);
    bad[src.indexOf(Buffer.from('pytorch_model/data/0')) + 200] ^= 0xff; // inside storage 0's data
    writeFileSync(cut, bad);
    assert.throws(() => readTorchBin(cut), /entry 'pytorch_model\/data\/0' fails its CRC-32 check \(corrupt file\)/);
  });

  it('compressed entry, missing storage, legacy format and non-contiguous tensors are refused', () => {
    assert.throws(() => readTorchBin(join(MISC, 'compressed.bin')), /entry 'tiny\/data\/0' is compressed \(method 8\); torch\.save writes stored entries only/);
    assert.throws(() => readTorchBin(join(MISC, 'missing-storage.bin')), /storage 'tiny\/data\/0' of tensor 'w' is missing from the archive/);
    assert.throws(() => readTorchBin(join(MISC, 'legacy.bin')), /legacy \(pre-1\.6, non-zip\) torch\.save format is not supported/);
    assert.throws(() => readTorchBin(join(MISC, 'noncontiguous.bin')), /tensor 'wt' is not contiguous \(shape \[3,2\], strides \[1,3\]\)/);
    assert.throws(() => readTorchBin(join(MISC, 'short-storage.bin')), /storage 'tiny\/data\/0' has 20 bytes, but tensor 'w' says 6 × F32 \(24 bytes\)/);
  });

  it('importHf: a weight that is not F32/F16/BF16 is named', () => {
    assert.throws(() => importHf(hfDir({ 'pytorch_model.bin': join(MISC, 'u8-weight.bin') })), /pytorch_model\.bin: tensor 'gpt_neox\.embed_in\.weight' is U8; weights are F32, F16 or BF16/);
  });
});
