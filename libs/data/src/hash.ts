import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname } from 'node:path';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams a file through sha256 in 8 MiB chunks, so datasets far larger than memory hash fine. */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Writes via a uniquely named temp sibling and a rename: readers see the old file, or none, or the
 * complete new one, never a prefix, and two writers of the same file cannot clash. Creates the
 * folder if needed; chunks are written in order (large artefacts need not be concatenated first).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | (string | Uint8Array)[]): void {
  fs.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const chunk of Array.isArray(data) ? data : [data]) fs.writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, path);
}
