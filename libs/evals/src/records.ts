// The per-request results of one evaluation as a columnar safetensors file: one 1-D tensor per
// field, so analyses can load a column without parsing JSON. logprob is F64: the scorer's sums
// are doubles, and F32 would lose the differences that decide close multiple-choice questions.
import * as fs from 'node:fs';
import { encodeSafetensors, readSafetensors, type RawTensor } from '@cohort/model';
import type { RequestRecord } from './contracts';

const INT_COLUMNS = ['doc', 'index', 'context_tokens', 'continuation_tokens'] as const;
const FIELDS = { doc: 'doc', index: 'index', context_tokens: 'contextTokens', continuation_tokens: 'continuationTokens' } as const;

/** Writes atomically (temp file + rename): a reader never sees a half-written file. */
export function writeRequestRecords(file: string, records: readonly RequestRecord[]): void {
  const n = records.length;
  const ints = INT_COLUMNS.map((name) => ({ name, dtype: 'I32' as const, shape: [n], data: Int32Array.from(records, (r) => r[FIELDS[name]]) }));
  const parts = encodeSafetensors([
    ...ints,
    { name: 'logprob', dtype: 'F64', shape: [n], data: Float64Array.from(records, (r) => r.logprob) },
    { name: 'is_greedy', dtype: 'U8', shape: [n], data: Uint8Array.from(records, (r) => (r.isGreedy ? 1 : 0)) },
  ]);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat(parts));
  fs.renameSync(tmp, file);
}

const READERS = {
  I32: (b: Buffer, i: number) => b.readInt32LE(4 * i),
  F64: (b: Buffer, i: number) => b.readDoubleLE(8 * i),
  U8: (b: Buffer, i: number) => b[i],
};

/** A column's values, read out of the file's (possibly unaligned) bytes. */
function column(tensors: Map<string, RawTensor>, file: string, name: string, dtype: keyof typeof READERS, n?: number): number[] {
  const t = tensors.get(name);
  if (!t || t.dtype !== dtype || t.shape.length !== 1) throw new Error(`${file}: not a request-records file (column '${name}' should be 1-D ${dtype})`);
  if (n !== undefined && t.shape[0] !== n) throw new Error(`${file}: column '${name}' has ${t.shape[0]} rows, expected ${n}`);
  return Array.from({ length: t.shape[0] }, (_, i) => READERS[dtype](t.bytes, i));
}

export function readRequestRecords(file: string): RequestRecord[] {
  const tensors = readSafetensors(file);
  const doc = column(tensors, file, 'doc', 'I32');
  const n = doc.length;
  const [index, contextTokens, continuationTokens] = INT_COLUMNS.slice(1).map((c) => column(tensors, file, c, 'I32', n));
  const logprob = column(tensors, file, 'logprob', 'F64', n);
  const greedy = column(tensors, file, 'is_greedy', 'U8', n);
  return doc.map((d, i) => ({ doc: d, index: index[i], contextTokens: contextTokens[i], continuationTokens: continuationTokens[i], logprob: logprob[i], isGreedy: greedy[i] === 1 }));
}
