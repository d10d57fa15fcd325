import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

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

/** Writes via a temp file + rename, so a crash or a thrown error never leaves a half-written artefact. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, path);
}
