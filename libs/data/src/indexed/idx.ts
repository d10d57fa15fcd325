// The Megatron/NeoX mmap `.idx` index (indexed_dataset.py, MMapIndexedDataset.Index), little-endian:
//   magic "MMIDIDX\0\0" | u64 version=1 | u8 dtype code | u64 N | u64 D
//   | int32 sizes[N] | int64 pointers[N] (byte offsets into .bin) | int64 doc_idx[D]
// Parsing is done from positioned reads of each section so multi-GB Pile indexes never need one
// giant buffer, and every inconsistency is reported with what was expected.
import * as fs from 'node:fs';
import { dtypeByCode, dtypeByName, type TokenDtype } from './dtypes';

export const IDX_MAGIC = Buffer.from('MMIDIDX\x00\x00', 'latin1');
const LEGACY_MAGIC = Buffer.from('TNTIDX\x00\x00', 'latin1');
export const IDX_HEADER_BYTES = 9 + 8 + 1 + 8 + 8;

export interface IdxIndex {
  dtype: TokenDtype;
  /** Token count of each item (sequence). */
  sizes: Int32Array;
  /** Byte offsets into .bin as (lo, hi) uint32 word pairs: offsets exceed 2^32 on real corpora. */
  pointerWords: Uint32Array;
  /** Item boundaries of documents: docIdx[d]..docIdx[d+1] are document d's items. */
  docIdx: Float64Array;
}

export function pointerOf(index: IdxIndex, item: number): number {
  return index.pointerWords[2 * item + 1] * 2 ** 32 + index.pointerWords[2 * item];
}

function readExactly(fd: number, dst: Uint8Array, position: number, what: string, path: string): void {
  let done = 0;
  while (done < dst.byteLength) {
    const n = fs.readSync(fd, dst, done, Math.min(dst.byteLength - done, 1 << 30), position + done);
    if (n === 0) throw new Error(`${path}: truncated .idx: file ends inside ${what}`);
    done += n;
  }
}

function u64(buf: Buffer, offset: number, what: string, path: string): number {
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${path}: ${what} ${v} is implausibly large`);
  return Number(v);
}

/** Reads and validates an `.idx` file; `binBytes` (the .bin size) bounds-checks every item. */
export function readIdx(path: string, binBytes?: number): IdxIndex {
  const fd = fs.openSync(path, 'r');
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const header = Buffer.alloc(IDX_HEADER_BYTES);
    if (fileBytes < IDX_HEADER_BYTES) {
      throw new Error(`${path}: truncated .idx: ${fileBytes} bytes, the header alone is ${IDX_HEADER_BYTES}`);
    }
    readExactly(fd, header, 0, 'the header', path);
    const magic = header.subarray(0, 9);
    if (!magic.equals(IDX_MAGIC)) {
      if (header.subarray(0, 8).equals(LEGACY_MAGIC)) {
        throw new Error(`${path}: this is the older 'cached' indexed-dataset format (TNTIDX); only the mmap format (MMIDIDX) is supported`);
      }
      throw new Error(`${path}: not a Megatron mmap .idx file: magic is ${JSON.stringify(magic.toString('latin1'))}, expected "MMIDIDX\\x00\\x00"`);
    }
    const version = header.readBigUInt64LE(9);
    if (version !== 1n) throw new Error(`${path}: unsupported .idx version ${version} (only version 1 exists)`);
    const dtype = dtypeByCode(header.readUInt8(17)).name;
    const n = u64(header, 18, 'sequence count', path);
    const d = u64(header, 26, 'doc_idx length', path);
    const expected = IDX_HEADER_BYTES + n * 4 + n * 8 + d * 8;
    if (fileBytes < expected) {
      throw new Error(`${path}: truncated .idx: header declares ${n} sequences and ${d} doc_idx entries (${expected} bytes) but the file has ${fileBytes}`);
    }
    if (fileBytes > expected) {
      throw new Error(`${path}: .idx has ${fileBytes - expected} unexpected trailing bytes after ${n} sequences and ${d} doc_idx entries`);
    }
    const sizes = new Int32Array(n);
    readExactly(fd, new Uint8Array(sizes.buffer), IDX_HEADER_BYTES, 'sizes', path);
    const pointerWords = new Uint32Array(2 * n);
    readExactly(fd, new Uint8Array(pointerWords.buffer), IDX_HEADER_BYTES + 4 * n, 'pointers', path);
    const docWords = new Int32Array(2 * d);
    readExactly(fd, new Uint8Array(docWords.buffer), IDX_HEADER_BYTES + 12 * n, 'doc_idx', path);
    const docIdx = new Float64Array(d);
    for (let i = 0; i < d; i++) docIdx[i] = docWords[2 * i + 1] * 2 ** 32 + (docWords[2 * i] >>> 0);
    const index: IdxIndex = { dtype, sizes, pointerWords, docIdx };
    validate(index, path, binBytes);
    return index;
  } finally {
    fs.closeSync(fd);
  }
}

function validate(index: IdxIndex, path: string, binBytes: number | undefined): void {
  const { itemsize } = dtypeByName(index.dtype);
  const n = index.sizes.length;
  for (let i = 0; i < n; i++) {
    const size = index.sizes[i];
    if (size < 0) throw new Error(`${path}: sequence ${i} has negative size ${size}`);
    const pointer = pointerOf(index, i);
    if (pointer % itemsize !== 0) throw new Error(`${path}: sequence ${i} starts at byte ${pointer}, not a multiple of the ${index.dtype} item size ${itemsize}`);
    const end = pointer + size * itemsize;
    if (binBytes !== undefined && end > binBytes) {
      throw new Error(`${path}: sequence ${i} ends at byte ${end} but the .bin has only ${binBytes} bytes (truncated .bin?)`);
    }
  }
  let prev = 0;
  for (let i = 0; i < index.docIdx.length; i++) {
    const v = index.docIdx[i];
    if (v < prev || v > n) throw new Error(`${path}: doc_idx[${i}] = ${v} is not a non-decreasing item index within 0..${n}`);
    prev = v;
  }
}

/** Serialises an index; pointers are the exclusive cumulative sum of sizes × itemsize (how NeoX writes them). */
export function encodeIdx(dtype: TokenDtype, sizes: Int32Array, docIdx: ArrayLike<number>): Buffer {
  const { code, itemsize } = dtypeByName(dtype);
  const n = sizes.length;
  const d = docIdx.length;
  const buf = Buffer.alloc(IDX_HEADER_BYTES + 12 * n + 8 * d);
  IDX_MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(1n, 9);
  buf.writeUInt8(code, 17);
  buf.writeBigUInt64LE(BigInt(n), 18);
  buf.writeBigUInt64LE(BigInt(d), 26);
  buf.set(new Uint8Array(sizes.buffer, sizes.byteOffset, 4 * n), IDX_HEADER_BYTES);
  let pointer = 0;
  const pointersAt = IDX_HEADER_BYTES + 4 * n;
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE(pointer % 2 ** 32, pointersAt + 8 * i);
    buf.writeUInt32LE(Math.floor(pointer / 2 ** 32), pointersAt + 8 * i + 4);
    pointer += sizes[i] * itemsize;
  }
  const docAt = pointersAt + 8 * n;
  for (let i = 0; i < d; i++) buf.writeBigInt64LE(BigInt(docIdx[i]), docAt + 8 * i);
  return buf;
}
