import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeSafetensors, parseSafetensors, toFloat32 } from '../src';

const u16 = (xs: number[]) => new Uint8Array(Uint16Array.from(xs).buffer);

describe('safetensors', () => {
  it('round-trips with an 8-byte aligned header, and imports F16/BF16 as fp32', () => {
    const buf = Buffer.concat(
      encodeSafetensors([
        { name: 'b', dtype: 'F32', shape: [2], data: Float32Array.from([1.5, -2]) },
        { name: 'a.half', dtype: 'F16', shape: [5], data: u16([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001]) },
        { name: 'a.bf16', dtype: 'BF16', shape: [1, 2], data: u16([0x3fc0, 0xc2f7]) },
      ]),
    );
    assert.equal(Number(buf.readBigUInt64LE(0)) % 8, 0);
    const t = parseSafetensors(buf);
    assert.deepEqual([...t.keys()], ['a.bf16', 'a.half', 'b']);
    assert.deepEqual(Array.from(toFloat32(t.get('b')!)), [1.5, -2]);
    assert.deepEqual(Array.from(toFloat32(t.get('a.half')!)), [1, -2, 0.5, 65504, 2 ** -24]);
    assert.deepEqual(Array.from(toFloat32(t.get('a.bf16')!)), [1.5, -123.5]);
    assert.deepEqual(t.get('a.bf16')!.shape, [1, 2]);
  });

  it('rejects malformed files with the reason', () => {
    const good = Buffer.concat(encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [4], data: new Float32Array(4) }]));
    assert.throws(() => parseSafetensors(good.subarray(0, 4)), /shorter than the 8-byte header length/);
    assert.throws(() => parseSafetensors(good.subarray(0, good.length - 4)), /ends at 16, past the data \(12 bytes\); truncated\?/);
    assert.throws(() => parseSafetensors(Buffer.concat([good, Buffer.alloc(4)])), /4 trailing bytes/);
    const bad = Buffer.from(good);
    bad.write('{', 8);
    bad.write('!', 9);
    assert.throws(() => parseSafetensors(bad), /header is not JSON/);
    assert.throws(() => encodeSafetensors([{ name: 'y', dtype: 'F32', shape: [3], data: new Float32Array(2) }]), /8 bytes do not match F32\[3\]/);
  });
});
