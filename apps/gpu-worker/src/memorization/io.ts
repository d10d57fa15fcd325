// File plumbing of a memorization scan: atomic safetensors writes and positioned reads of tensors
// (a shard reads only its rows of the window list, not the whole file).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { writeFileAtomic } from '@cohort/data';
import { encodeSafetensors, type TensorIn } from '@cohort/model';

export function writeSafetensorsAtomic(path: string, tensors: TensorIn[]): void {
  writeFileAtomic(path, encodeSafetensors(tensors));
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const ITEM: Record<string, number> = { U8: 1, I32: 4 };

/** Reads tensors (or row ranges of them) of a safetensors file with positioned reads. */
export class SafetensorsFile {
  private readonly fd: number;
  private readonly header: Record<string, HeaderEntry>;
  private readonly dataStart: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      const len = Buffer.alloc(8);
      if (readSync(this.fd, len, 0, 8, 0) !== 8) throw new Error('shorter than the 8-byte header length');
      const n = Number(len.readBigUInt64LE(0));
      if (8 + n > size) throw new Error(`header length ${n} exceeds the file (${size} bytes); truncated?`);
      const head = Buffer.alloc(n);
      readSync(this.fd, head, 0, n, 8);
      this.header = JSON.parse(head.toString('utf8'));
      this.dataStart = 8 + n;
      for (const [name, t] of Object.entries(this.header)) {
        if (name !== '__metadata__' && this.dataStart + t.data_offsets[1] > size) throw new Error(`tensor '${name}' ends past the file; truncated?`);
      }
    } catch (err) {
      closeSync(this.fd);
      throw new Error(`${path}: invalid safetensors file: ${(err as Error).message}`);
    }
  }

  shape(name: string): number[] {
    return this.entry(name).shape;
  }

  private entry(name: string): HeaderEntry {
    const t = this.header[name];
    if (!t || name === '__metadata__') throw new Error(`${this.path}: no tensor '${name}'`);
    return t;
  }

  /** Rows [from, to) of a tensor (row = all dimensions after the first), I32 or U8. */
  rows(name: string, from: number, to: number): Int32Array | Uint8Array {
    const t = this.entry(name);
    const item = ITEM[t.dtype];
    if (!item) throw new Error(`${this.path}: tensor '${name}' is ${t.dtype}, expected I32 or U8`);
    const rowLen = t.shape.slice(1).reduce((a, b) => a * b, 1);
    if (!(from >= 0 && to >= from && to <= (t.shape[0] ?? 0))) throw new Error(`${this.path}: rows [${from}, ${to}) outside tensor '${name}' [${t.shape}]`);
    const bytes = (to - from) * rowLen * item;
    const out = t.dtype === 'I32' ? new Int32Array(bytes / 4) : new Uint8Array(bytes);
    const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    let done = 0;
    const pos = this.dataStart + t.data_offsets[0] + from * rowLen * item;
    while (done < bytes) {
      const n = readSync(this.fd, view, done, bytes - done, pos + done);
      if (n === 0) throw new Error(`${this.path}: unexpected end of file in tensor '${name}'`);
      done += n;
    }
    return out;
  }

  all(name: string): Int32Array | Uint8Array {
    return this.rows(name, 0, this.entry(name).shape[0] ?? 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}
