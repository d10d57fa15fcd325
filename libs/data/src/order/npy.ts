// Minimal .npy (NumPy format v1.0) for the 1-D/2-D little-endian integer arrays the data order uses,
// so order files are the same kind of files NeoX caches (`*_doc_idx.npy` …) and numpy loads them directly.
import * as fs from 'node:fs';
import { writeFileAtomic } from '../hash';

export type NpyArray = Int32Array | Uint32Array | Float64Array;
export type NpyDtype = '<i4' | '<u4' | '<i8';

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');

export function encodeNpy(data: NpyArray, dtype: NpyDtype, shape: number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy shape [${shape}] does not match ${data.length} elements`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Pad so the data starts on a 64-byte boundary, as numpy writes it.
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let body: Buffer;
  if (dtype === '<i8') {
    body = Buffer.alloc(8 * data.length);
    for (let i = 0; i < data.length; i++) body.writeBigInt64LE(BigInt(data[i]), 8 * i);
  } else {
    body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export function writeNpy(path: string, data: NpyArray, dtype: NpyDtype, shape: number[]): Buffer {
  const bytes = encodeNpy(data, dtype, shape);
  writeFileAtomic(path, bytes);
  return bytes;
}

export interface LoadedNpy {
  data: NpyArray;
  shape: number[];
}

/** Loads an integer .npy (i4/u4/i8, C order, little-endian); anything else is a clear error. */
export function readNpy(path: string): LoadedNpy {
  const bytes = fs.readFileSync(path);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLen = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${path}: malformed .npy header ${JSON.stringify(header)}`);
  if (fortran === 'True') throw new Error(`${path}: Fortran-order .npy arrays are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const itemsize = { '<i4': 4, '<u4': 4, '<i8': 8 }[descr];
  if (!itemsize) throw new Error(`${path}: unsupported .npy dtype ${descr} (expected <i4, <u4 or <i8)`);
  if (bytes.length !== dataStart + count * itemsize) {
    throw new Error(`${path}: .npy data is ${bytes.length - dataStart} bytes, shape [${shape}] of ${descr} needs ${count * itemsize}`);
  }
  const raw = bytes.subarray(dataStart);
  // Copy into a fresh (aligned) buffer: the header length does not guarantee alignment.
  const aligned = new Uint8Array(raw.length);
  aligned.set(raw);
  if (descr === '<i4') return { data: new Int32Array(aligned.buffer), shape };
  if (descr === '<u4') return { data: new Uint32Array(aligned.buffer), shape };
  const words = new Int32Array(aligned.buffer);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = words[2 * i + 1] * 2 ** 32 + (words[2 * i] >>> 0);
  return { data, shape };
}
