import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { hashDataset, IndexedDataset, IndexedDatasetWriter } from '../src/indexed/dataset';
import { MappedFile } from '../src/indexed/mapped-file';
import { tempDir } from './helpers';

/**
 * Builds an .idx byte by byte from the format spec (NeoX indexed_dataset.py), independent of our
 * writer: int32 tokens, non-default pointers (a gap between items) and a doc_idx grouping 2 items.
 */
function handBuiltIdx(): Buffer {
  const parts: Buffer[] = [];
  parts.push(Buffer.from([0x4d, 0x4d, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00])); // MMIDIDX\0\0
  const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
  parts.push(u64(1)); // version
  parts.push(Buffer.from([4])); // dtype code 4 = int32
  parts.push(u64(3)); // N sequences
  parts.push(u64(3)); // doc_idx length
  const i32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
  parts.push(i32(2), i32(3), i32(1)); // sizes
  parts.push(u64(0), u64(12), u64(24)); // pointers in bytes: item 1 starts after a 1-token gap
  parts.push(u64(0), u64(2), u64(3)); // doc 0 = items 0-1, doc 1 = item 2
  return Buffer.concat(parts);
}

function handBuiltBin(): Buffer {
  const b = Buffer.alloc(7 * 4);
  [70000, 5, 99, 1, 2, 3, 0].forEach((v, i) => b.writeInt32LE(v, 4 * i));
  return b;
}

for (const resident of [true, false]) test(`reads a hand-built MMIDIDX file per the format spec (${resident ? 'resident' : 'memory-mapped'})`, () => {
  const dir = tempDir('idx');
  const prefix = path.join(dir, 'hand');
  fs.writeFileSync(`${prefix}.idx`, handBuiltIdx());
  fs.writeFileSync(`${prefix}.bin`, handBuiltBin());
  const ds = IndexedDataset.open(prefix, { resident });
  assert.equal(ds.isResident, resident);
  assert.equal(ds.dtype, 'int32');
  assert.deepEqual(Array.from(ds.sizes), [2, 3, 1]);
  assert.deepEqual(Array.from(ds.docIdx), [0, 2, 3]);
  assert.equal(ds.numDocuments, 2);
  assert.deepEqual(Array.from(ds.get(0)), [70000, 5]);
  assert.deepEqual(Array.from(ds.get(1)), [1, 2, 3]);
  assert.deepEqual(Array.from(ds.get(2)), [0]);
  assert.deepEqual(Array.from(ds.get(1, 1, 2)), [2, 3]);
  assert.throws(() => ds.get(1, 2, 2), /outside item 1/);
  assert.throws(() => ds.get(3), /out of range/);
  // Items 0-1 have a gap between them (one read each); items 1-2 are contiguous (one read).
  const all = new Int32Array(8).fill(-1);
  ds.readItems(0, 3, all, 1);
  assert.deepEqual(Array.from(all), [-1, 70000, 5, 1, 2, 3, 0, -1]);
  const tail = new Int32Array(4);
  ds.readItems(1, 2, tail, 0);
  assert.deepEqual(Array.from(tail), [1, 2, 3, 0]);
  assert.throws(() => ds.readItems(2, 2, tail, 0), /items \[2, 4\) out of range/);
  ds.close();
});

test('writer output matches the spec byte for byte and round-trips', () => {
  const dir = tempDir('idxw');
  const prefix = path.join(dir, 'w');
  const w = new IndexedDatasetWriter(prefix, 'uint16');
  w.addDocument([5, 6, 0]);
  w.addDocument([]);
  w.addDocument([65535, 0]);
  const summary = w.finish();
  const idx = fs.readFileSync(`${prefix}.idx`);
  assert.equal(idx.subarray(0, 9).toString('latin1'), 'MMIDIDX\x00\x00');
  assert.equal(idx.readBigUInt64LE(9), 1n);
  assert.equal(idx[17], 8); // uint16
  assert.equal(idx.readBigUInt64LE(18), 3n);
  assert.equal(idx.readBigUInt64LE(26), 4n);
  assert.deepEqual([0, 1, 2].map((i) => idx.readInt32LE(34 + 4 * i)), [3, 0, 2]);
  assert.deepEqual([0, 1, 2].map((i) => Number(idx.readBigInt64LE(46 + 8 * i))), [0, 6, 6]);
  assert.deepEqual([0, 1, 2, 3].map((i) => Number(idx.readBigInt64LE(70 + 8 * i))), [0, 1, 2, 3]);
  assert.equal(idx.length, 70 + 32);
  assert.deepEqual(Array.from(fs.readFileSync(`${prefix}.bin`)), [5, 0, 6, 0, 0, 0, 255, 255, 0, 0]);
  assert.equal(summary.hash, hashDataset(prefix));
  assert.equal(summary.numTokens, 5);
  const ds = IndexedDataset.open(prefix);
  assert.deepEqual(Array.from(ds.get(2)), [65535, 0]);
  assert.equal(ds.maxTokenId(), 65535);
  ds.close();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['w.bin', 'w.idx']);
});

test('int64 and uint8 token files round-trip (int64 read through its 32-bit halves)', () => {
  const dir = tempDir('idx64');
  const big = 2 ** 40 + 7;
  const w = new IndexedDatasetWriter(path.join(dir, 'w64'), 'int64');
  w.addDocument([1, big, 0]);
  w.finish();
  const ds = IndexedDataset.open(path.join(dir, 'w64'));
  assert.equal(ds.isResident, false);
  assert.deepEqual(Array.from(ds.get(0)), [1, big, 0]);
  assert.equal(fs.readFileSync(path.join(dir, 'w64.bin')).readBigInt64LE(8), BigInt(big));
  ds.close();
  const w8 = new IndexedDatasetWriter(path.join(dir, 'w8'), 'uint8');
  w8.addDocument([255, 0]);
  w8.finish();
  const ds8 = IndexedDataset.open(path.join(dir, 'w8'));
  assert.deepEqual(Array.from(ds8.get(0)), [255, 0]);
  ds8.close();
});

test('writer refuses ids the dtype cannot hold and leaves no output', () => {
  const dir = tempDir('idxbad');
  const w = new IndexedDatasetWriter(path.join(dir, 'x'), 'uint16');
  assert.throws(() => w.addDocument([1, 70000]), /token id 70000 at position 1 does not fit dtype uint16/);
  assert.throws(() => w.addDocument([-1]), /does not fit/);
  w.abort();
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('corrupt .idx files give clear errors', () => {
  const dir = tempDir('idxcorrupt');
  const good = handBuiltIdx();
  fs.writeFileSync(path.join(dir, 'c.bin'), handBuiltBin());
  const attempt = (bytes: Buffer, bin = handBuiltBin()) => {
    fs.writeFileSync(path.join(dir, 'c.idx'), bytes);
    fs.writeFileSync(path.join(dir, 'c.bin'), bin);
    return () => IndexedDataset.open(path.join(dir, 'c'));
  };
  const withByte = (at: number, v: number) => { const b = Buffer.from(good); b[at] = v; return b; };
  assert.throws(attempt(withByte(0, 0x58)), /not a Megatron mmap .idx file: magic/);
  assert.throws(attempt(Buffer.concat([Buffer.from('TNTIDX\0\0'), good.subarray(8)])), /older 'cached'/);
  assert.throws(attempt(withByte(9, 2)), /unsupported .idx version 2/);
  assert.throws(attempt(withByte(17, 9)), /unknown .idx dtype code 9/);
  assert.throws(attempt(good.subarray(0, 20)), /truncated .idx: 20 bytes/);
  assert.throws(attempt(good.subarray(0, good.length - 1)), /truncated .idx: header declares 3 sequences/);
  assert.throws(attempt(Buffer.concat([good, Buffer.alloc(3)])), /3 unexpected trailing bytes/);
  assert.throws(attempt(good, handBuiltBin().subarray(0, 20)), /sequence 1 ends at byte 24 but the .bin has only 20 bytes/);
  assert.throws(attempt(withByte(34, 0xff)), /sequence 0|negative size/);
  assert.throws(attempt(withByte(70 + 8, 9)), /doc_idx\[1\] = 9/);
  assert.throws(attempt(withByte(54, 13)), /sequence 1 starts at byte 13, not a multiple of the int32 item size 4/);
  fs.rmSync(path.join(dir, 'c.bin'));
  assert.throws(() => IndexedDataset.open(path.join(dir, 'c')), /no such token dataset .bin/);
});

test('a memory-mapped file reads the same bytes across window boundaries, and refuses reads past its end', () => {
  const dir = tempDir('mmap');
  const file = path.join(dir, 'f.bin');
  const bytes = Uint8Array.from({ length: 3 * 4096 + 123 }, (_, i) => (i * 7) % 251);
  fs.writeFileSync(file, bytes);
  const mapped = new MappedFile(file, 4096);
  assert.equal(mapped.byteLength, bytes.length);
  for (const [pos, len] of [[0, 10], [4090, 20], [4000, 8300], [3 * 4096, 123]]) {
    const out = new Uint8Array(len);
    mapped.read(pos, out);
    assert.deepEqual(out, bytes.subarray(pos, pos + len), `[${pos}, ${pos + len})`);
  }
  assert.throws(() => mapped.read(bytes.length - 1, new Uint8Array(2)), /beyond the end/);
  assert.throws(() => new MappedFile(path.join(dir, 'missing.bin')), /missing\.bin: cannot open: No such file/);
});
