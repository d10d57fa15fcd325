// safetensors read/write (https://github.com/huggingface/safetensors format): u64 LE header length,
// JSON header {name: {dtype, shape, data_offsets}}, then the contiguous little-endian byte buffer.
import { readFileSync } from 'node:fs';

export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8';
const SIZES: Record<DType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1 };
const MAX_HEADER = 100_000_000;

export interface RawTensor {
  dtype: DType;
  shape: number[];
  /** A view into the file's bytes. */
  bytes: Buffer;
}

export interface TensorIn {
  name: string;
  dtype: DType;
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

/** Parses and validates (contiguous, no gaps/overlaps, sizes match shapes, nothing trailing). */
export function parseSafetensors(buf: Buffer, what = 'safetensors'): Map<string, RawTensor> {
  const fail = (msg: string): never => {
    throw new Error(`${what}: invalid safetensors file: ${msg}`);
  };
  if (buf.length < 8) fail(`file is ${buf.length} bytes, shorter than the 8-byte header length`);
  const n = Number(buf.readBigUInt64LE(0));
  if (n > MAX_HEADER || 8 + n > buf.length) fail(`header length ${n} exceeds the file (${buf.length} bytes); truncated?`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  const data = buf.subarray(8 + n);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const out = new Map<string, RawTensor>();
  let expected = 0;
  for (const [name, t] of entries) {
    if (!(t.dtype in SIZES)) fail(`tensor '${name}' has unsupported dtype ${t.dtype}`);
    const [begin, end] = t.data_offsets;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (begin !== expected) fail(`tensor '${name}' starts at ${begin}, expected ${expected} (gap or overlap)`);
    if (end - begin !== numel * SIZES[t.dtype as DType]) fail(`tensor '${name}' has ${end - begin} bytes for shape [${t.shape}]`);
    if (end > data.length) fail(`tensor '${name}' ends at ${end}, past the data (${data.length} bytes); truncated?`);
    out.set(name, { dtype: t.dtype as DType, shape: t.shape, bytes: data.subarray(begin, end) });
    expected = end;
  }
  if (expected !== data.length) fail(`${data.length - expected} trailing bytes after the last tensor`);
  return out;
}

export function readSafetensors(path: string): Map<string, RawTensor> {
  return parseSafetensors(readFileSync(path), path);
}

/** Tensor values as fp32 (F32, F16 and BF16 checkpoints all import). */
export function toFloat32(t: RawTensor): Float32Array {
  const n = t.bytes.length / SIZES[t.dtype];
  const out = new Float32Array(n);
  if (t.dtype === 'F32') {
    new Uint8Array(out.buffer).set(t.bytes);
  } else if (t.dtype === 'BF16') {
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = t.bytes.readUInt16LE(2 * i) << 16;
  } else if (t.dtype === 'F16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(t.bytes.readUInt16LE(2 * i));
  } else {
    throw new Error(`expected a floating-point tensor, got ${t.dtype}`);
  }
  return out;
}

export function toInt32(t: RawTensor): Int32Array {
  if (t.dtype !== 'I32') throw new Error(`expected an I32 tensor, got ${t.dtype}`);
  const out = new Int32Array(t.bytes.length / 4);
  new Uint8Array(out.buffer).set(t.bytes);
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Serialises tensors in name order; the header is space-padded to 8 bytes as the official writer does. */
export function encodeSafetensors(tensors: TensorIn[]): Buffer[] {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const t of sorted) {
    const len = t.data.byteLength;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (len !== numel * SIZES[t.dtype]) throw new Error(`tensor '${t.name}': ${len} bytes do not match ${t.dtype}[${t.shape}]`);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + len] };
    off += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return [head, Buffer.from(json), ...sorted.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
}
