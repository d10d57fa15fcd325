// A file memory-mapped read-only through the native helper (libs/data/native, built by
// scripts/build-native.sh): reads are copies from the page cache, whatever the file's size.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

interface NativeData {
  mapWindows(path: string, windowBytes: number): ArrayBuffer[];
}

/** Windows of 1 GiB: page-aligned and well under Node 20's 4 GiB ArrayBuffer limit. */
const WINDOW_BYTES = 2 ** 30;

let addon: NativeData | undefined;
function native(): NativeData {
  if (addon) return addon;
  const path = join(__dirname, '..', '..', '..', 'native', 'build', 'cohort_data.node');
  if (!existsSync(path)) throw new Error(`${path} is not built: run bash scripts/build-native.sh`);
  // A native addon loads only through require (its path is known at run time).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  addon = require(path) as NativeData;
  return addon;
}

export class MappedFile {
  private readonly windows: Uint8Array[];
  readonly byteLength: number;

  constructor(
    readonly path: string,
    /** Bytes per window: a multiple of the page size (tests use small ones to cross boundaries). */
    private readonly windowBytes = WINDOW_BYTES,
  ) {
    this.windows = native().mapWindows(path, windowBytes).map((b) => new Uint8Array(b));
    this.byteLength = this.windows.reduce((n, w) => n + w.byteLength, 0);
  }

  /** Copies bytes [position, position + dst.length) into dst. */
  read(position: number, dst: Uint8Array): void {
    if (position < 0 || position + dst.byteLength > this.byteLength) {
      throw new Error(`${this.path}: bytes [${position}, ${position + dst.byteLength}) beyond the end (${this.byteLength} bytes)`);
    }
    for (let done = 0; done < dst.byteLength; ) {
      const at = position + done;
      const w = Math.floor(at / this.windowBytes);
      const from = at - w * this.windowBytes;
      const n = Math.min(dst.byteLength - done, this.windows[w].byteLength - from);
      dst.set(this.windows[w].subarray(from, from + n), done);
      done += n;
    }
  }
}
