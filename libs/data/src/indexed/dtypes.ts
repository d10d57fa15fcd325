// Megatron/NeoX `.idx` dtype codes (indexed_dataset.py `dtypes`). The code is the on-disk contract;
// the name and typed-array constructor are how we read and write the `.bin` in JS.

// Token files are little-endian and are read straight into typed arrays, which use the host's order.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('@cohort/data needs a little-endian host');

export type TokenDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'uint16';

export type TokenArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint16Array;

interface DtypeInfo {
  code: number;
  name: TokenDtype;
  itemsize: number;
  /** Largest token id the dtype can store exactly (ids are non-negative integers). */
  maxId: number;
}

const DTYPES: readonly DtypeInfo[] = [
  { code: 1, name: 'uint8', itemsize: 1, maxId: 0xff },
  { code: 2, name: 'int8', itemsize: 1, maxId: 0x7f },
  { code: 3, name: 'int16', itemsize: 2, maxId: 0x7fff },
  { code: 4, name: 'int32', itemsize: 4, maxId: 0x7fffffff },
  { code: 5, name: 'int64', itemsize: 8, maxId: Number.MAX_SAFE_INTEGER },
  { code: 6, name: 'float32', itemsize: 4, maxId: 2 ** 24 },
  { code: 7, name: 'float64', itemsize: 8, maxId: Number.MAX_SAFE_INTEGER },
  { code: 8, name: 'uint16', itemsize: 2, maxId: 0xffff },
];

export function dtypeByCode(code: number): DtypeInfo {
  const info = DTYPES.find((d) => d.code === code);
  if (!info) {
    throw new Error(`unknown .idx dtype code ${code} (valid: ${DTYPES.map((d) => `${d.code}=${d.name}`).join(', ')})`);
  }
  return info;
}

export function dtypeByName(name: TokenDtype): DtypeInfo {
  const info = DTYPES.find((d) => d.name === name);
  if (!info) throw new Error(`unknown token dtype '${name}'`);
  return info;
}

/** NeoX `__best_fitting_dtype`: uint16 while the vocabulary fits with margin, else int32. */
export function bestFittingDtype(vocabSize: number): TokenDtype {
  return vocabSize < 65500 ? 'uint16' : 'int32';
}

/** A typed array of `length` tokens of `dtype`, to read `.bin` bytes straight into (int64 via Float64). */
export function allocTokens(dtype: TokenDtype, length: number): TokenArray {
  switch (dtype) {
    case 'uint8': return new Uint8Array(length);
    case 'int8': return new Int8Array(length);
    case 'int16': return new Int16Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'int32': return new Int32Array(length);
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    // Token ids never exceed 2^53, so int64 tokens are held as doubles, converted on read.
    case 'int64': return new Float64Array(length);
  }
}

/** Converts int64 little-endian words (read into a Float64Array's bytes) to their numeric values, in place. */
export function int64WordsToNumbers(arr: Float64Array, from: number, to: number): void {
  const words = new Int32Array(arr.buffer, arr.byteOffset, arr.length * 2);
  for (let i = from; i < to; i++) arr[i] = words[2 * i + 1] * 2 ** 32 + (words[2 * i] >>> 0);
}

/** Encodes token ids as little-endian `.bin` bytes, refusing ids the dtype cannot hold. */
export function encodeTokens(ids: ArrayLike<number>, dtype: TokenDtype): Buffer {
  const { maxId } = dtypeByName(dtype);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (!Number.isInteger(v) || v < 0 || v > maxId) {
      throw new Error(`token id ${v} at position ${i} does not fit dtype ${dtype} (0..${maxId})`);
    }
  }
  if (dtype === 'int64') {
    const buf = Buffer.alloc(ids.length * 8);
    for (let i = 0; i < ids.length; i++) buf.writeBigInt64LE(BigInt(ids[i]), 8 * i);
    return buf;
  }
  const arr = allocTokens(dtype, ids.length);
  arr.set(ids);
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}
