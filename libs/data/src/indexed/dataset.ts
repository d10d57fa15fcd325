// Reader and writer for Megatron `.bin`/`.idx` token datasets. One item per document (NeoX
// preprocess_data.py with --append-eod writes it that way); the reader accepts any valid index.
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { sha256File, sha256Hex } from '../hash';
import { allocTokens, dtypeByName, encodeTokens, int64WordsToNumbers, type TokenArray, type TokenDtype } from './dtypes';
import { encodeIdx, pointerOf, readIdx, type IdxIndex } from './idx';
import { MappedFile } from './mapped-file';

/** The dataset's identity: sha256 over the sha256 of its .bin and .idx. */
export function datasetHashFrom(binSha: string, idxSha: string): string {
  return sha256Hex(`megatron-dataset\nbin ${binSha}\nidx ${idxSha}\n`);
}

export function hashDataset(prefix: string): string {
  return datasetHashFrom(sha256File(`${prefix}.bin`), sha256File(`${prefix}.idx`));
}

export interface OpenDatasetOptions {
  /**
   * Hold the whole .bin in memory (read once from the page cache) instead of reading it through a
   * memory map (libs/data/native): both copy from the page cache, the resident copy saves the
   * window arithmetic. 'auto' (default) does it for .bin files up to 512 MiB.
   */
  resident?: boolean | 'auto';
}

const AUTO_RESIDENT_BYTES = 512 * 2 ** 20;

export class IndexedDataset {
  readonly dtype: TokenDtype;
  readonly itemsize: number;
  readonly sizes: Int32Array;
  readonly docIdx: Float64Array;
  readonly numTokens: number;
  private readonly index: IdxIndex;
  private fd: number | null;
  /** The .bin as tokens of the dataset's dtype, when resident (not for int64). */
  private resident: TokenArray | null = null;
  /** Otherwise the .bin memory-mapped (opened on first read). */
  private mapped: MappedFile | null = null;

  private constructor(readonly prefix: string, index: IdxIndex, fd: number, resident: boolean) {
    this.index = index;
    this.dtype = index.dtype;
    this.itemsize = dtypeByName(index.dtype).itemsize;
    this.sizes = index.sizes;
    this.docIdx = index.docIdx;
    this.numTokens = index.sizes.reduce((a, b) => a + b, 0);
    this.fd = fd;
    if (resident && this.dtype !== 'int64') this.resident = this.readAll();
  }

  private readAll(): TokenArray {
    const bytes = fs.fstatSync(this.fd!).size;
    const all = allocTokens(this.dtype, Math.floor(bytes / this.itemsize));
    const view = new Uint8Array(all.buffer);
    for (let done = 0; done < view.byteLength; ) {
      const n = fs.readSync(this.fd!, view, done, Math.min(view.byteLength - done, 1 << 30), done);
      if (n === 0) throw new Error(`${this.prefix}.bin: unexpected end of file`);
      done += n;
    }
    return all;
  }

  get isResident(): boolean {
    return this.resident !== null;
  }

  static open(prefix: string, options: OpenDatasetOptions = {}): IndexedDataset {
    const binPath = `${prefix}.bin`;
    if (!fs.existsSync(binPath)) throw new Error(`${binPath}: no such token dataset .bin`);
    if (!fs.existsSync(`${prefix}.idx`)) throw new Error(`${prefix}.idx: no such token dataset .idx`);
    const fd = fs.openSync(binPath, 'r');
    try {
      const binBytes = fs.fstatSync(fd).size;
      const mode = options.resident ?? 'auto';
      const resident = mode === 'auto' ? binBytes <= AUTO_RESIDENT_BYTES : mode;
      return new IndexedDataset(prefix, readIdx(`${prefix}.idx`, binBytes), fd, resident);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  get numItems(): number {
    return this.sizes.length;
  }

  /** Number of documents as the doc index counts them (len(doc_idx) - 1). */
  get numDocuments(): number {
    return Math.max(0, this.docIdx.length - 1);
  }

  /**
   * Copies `length` tokens of `item` starting at token `offset` into `dst[at..]` — a positioned read
   * from the page cache, no intermediate buffer. `dst` must have this dataset's dtype.
   */
  readInto(item: number, offset: number, length: number, dst: TokenArray, at: number): void {
    if (this.fd === null) throw new Error(`${this.prefix}: dataset is closed`);
    if (!(item >= 0 && item < this.sizes.length)) throw new Error(`${this.prefix}: item ${item} out of range 0..${this.sizes.length - 1}`);
    if (offset < 0 || length < 0 || offset + length > this.sizes[item]) {
      throw new Error(`${this.prefix}: tokens [${offset}, ${offset + length}) outside item ${item} of size ${this.sizes[item]}`);
    }
    this.readTokens(pointerOf(this.index, item) + offset * this.itemsize, length, dst, at);
  }

  /**
   * Copies items first..first+count-1 back to back into dst[at..]; one read when they lie contiguously
   * in the .bin (a preshuffled file's rows do), else one per item.
   */
  readItems(first: number, count: number, dst: TokenArray, at: number): void {
    if (this.fd === null) throw new Error(`${this.prefix}: dataset is closed`);
    if (!(first >= 0 && count >= 0 && first + count <= this.sizes.length)) {
      throw new Error(`${this.prefix}: items [${first}, ${first + count}) out of range 0..${this.sizes.length}`);
    }
    let tokens = 0;
    let contiguous = true;
    for (let i = first; i < first + count; i++) {
      if (i > first && pointerOf(this.index, i) !== pointerOf(this.index, i - 1) + this.sizes[i - 1] * this.itemsize) contiguous = false;
      tokens += this.sizes[i];
    }
    if (count > 0 && contiguous) {
      this.readTokens(pointerOf(this.index, first), tokens, dst, at);
      return;
    }
    for (let i = first, pos = at; i < first + count; pos += this.sizes[i], i++) this.readInto(i, 0, this.sizes[i], dst, pos);
  }

  /** Copies `length` tokens starting at byte `position` of the .bin into dst[at..]. */
  private readTokens(position: number, length: number, dst: TokenArray, at: number): void {
    if (this.resident) {
      // Pointers are byte offsets; a valid index puts every item on an itemsize boundary.
      const start = position / this.itemsize;
      dst.set(this.resident.subarray(start, start + length), at);
      return;
    }
    this.mapped ??= new MappedFile(`${this.prefix}.bin`);
    this.mapped.read(position, new Uint8Array(dst.buffer, dst.byteOffset + at * this.itemsize, length * this.itemsize));
    if (this.dtype === 'int64') int64WordsToNumbers(dst as Float64Array, at, at + length);
  }

  /** Item `item` (or a slice of it) as a fresh typed array of the dataset's dtype. */
  get(item: number, offset = 0, length?: number): TokenArray {
    const len = length ?? this.sizes[item] - offset;
    const out = allocTokens(this.dtype, len);
    this.readInto(item, offset, len, out, 0);
    return out;
  }

  /** Largest token id in the dataset: one sequential pass, used to check a tokenizer covers it. */
  maxTokenId(): number {
    let max = -Infinity;
    for (let i = 0; i < this.numItems; i++) {
      const tokens = this.get(i);
      for (let j = 0; j < tokens.length; j++) if (tokens[j] > max) max = tokens[j];
    }
    return max;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.resident = null;
    this.mapped = null; // unmapped when collected
  }
}

export interface DatasetSummary {
  prefix: string;
  hash: string;
  dtype: TokenDtype;
  numDocuments: number;
  numTokens: number;
}

/**
 * Streams documents into `${prefix}.bin` and writes `${prefix}.idx` at the end. Both go to temp names
 * and are renamed only on `finish()`, so a failed build never leaves a dataset that looks complete.
 */
export class IndexedDatasetWriter {
  private readonly fd: number;
  private readonly binHash: Hash = createHash('sha256');
  private sizes: number[] = [];
  private numTokens = 0;
  private readonly tmpBin: string;

  constructor(readonly prefix: string, readonly dtype: TokenDtype) {
    this.tmpBin = `${prefix}.bin.tmp-${process.pid}`;
    this.fd = fs.openSync(this.tmpBin, 'w');
  }

  /** Appends one document as one item; ids are checked against the dtype. */
  addDocument(ids: ArrayLike<number>): void {
    const bytes = encodeTokens(ids, this.dtype);
    fs.writeSync(this.fd, bytes);
    this.binHash.update(bytes);
    this.sizes.push(ids.length);
    this.numTokens += ids.length;
  }

  finish(): DatasetSummary {
    fs.closeSync(this.fd);
    const sizes = Int32Array.from(this.sizes);
    const docIdx = Array.from({ length: sizes.length + 1 }, (_, i) => i);
    const idx = encodeIdx(this.dtype, sizes, docIdx);
    const tmpIdx = `${this.prefix}.idx.tmp-${process.pid}`;
    fs.writeFileSync(tmpIdx, idx);
    fs.renameSync(this.tmpBin, `${this.prefix}.bin`);
    fs.renameSync(tmpIdx, `${this.prefix}.idx`);
    return {
      prefix: this.prefix,
      hash: datasetHashFrom(this.binHash.digest('hex'), sha256Hex(idx)),
      dtype: this.dtype,
      numDocuments: sizes.length,
      numTokens: this.numTokens,
    };
  }

  /** Drops the partial output (used when the build fails). */
  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed by finish()
    }
    fs.rmSync(this.tmpBin, { force: true });
  }
}
