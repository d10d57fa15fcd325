// A minimal ZIP reader for torch.save archives: central directory (ZIP64 included), stored entries
// only, each read on its own with positioned reads: Pythia 12b's shards are larger than the 4 GiB
// a Node Buffer (or readFileSync) can hold. torch writes every entry uncompressed, so anything
// else is a file we did not expect.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export interface ZipEntry {
  name: string;
  size: number;
  crc32: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
}

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, LOCATOR64 = 0x07064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
const EOCD_SIZE = 22, LOCATOR64_SIZE = 20, EOCD64_SIZE = 56, CENTRAL_SIZE = 46, LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const SAT32 = 0xffffffff, SAT16 = 0xffff;

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly fd: number;
  private readonly fileSize: number;

  private constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      this.fileSize = fstatSync(this.fd).size;
      this.readCentralDirectory();
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  static open(path: string): ZipReader {
    return new ZipReader(path);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The entry's bytes, checked against its CRC-32 (a corrupt download fails here, not later as garbage weights). */
  read(name: string): Buffer {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.path}: zip has no entry '${name}'`);
    const local = this.bytes(e.headerOffset, LOCAL_SIZE, `local header of '${name}'`);
    if (local.readUInt32LE(0) !== LOCAL) this.fail(`entry '${name}': no local header at offset ${e.headerOffset}`);
    // The local header's extra field can differ from the central one (torch pads it to align data).
    const start = e.headerOffset + LOCAL_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28);
    const data = this.bytes(start, e.size, `entry '${name}'`);
    if (crc32(data) >>> 0 !== e.crc32) this.fail(`entry '${name}' fails its CRC-32 check (corrupt file)`);
    return data;
  }

  private fail(msg: string): never {
    throw new Error(`${this.path}: ${msg}`);
  }

  private bytes(offset: number, length: number, what: string): Buffer {
    if (offset + length > this.fileSize) this.fail(`${what} (bytes ${offset}..${offset + length}) runs past the end of the file (${this.fileSize} bytes): truncated?`);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) this.fail(`${what}: unexpected end of file`);
      done += n;
    }
    return buf;
  }

  private readCentralDirectory(): void {
    // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
    const tailLen = Math.min(this.fileSize, EOCD_SIZE + MAX_COMMENT);
    const tailStart = this.fileSize - tailLen;
    const tail = this.bytes(tailStart, tailLen, 'end of file');
    let at = -1;
    for (let i = tailLen - EOCD_SIZE; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    if (at < 0) this.fail('not a zip archive, or truncated (no end-of-central-directory record)');
    if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) this.fail('multi-disk zip archives are not supported');
    let count = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (count === SAT16 || cdSize === SAT32 || cdOffset === SAT32) {
      // ZIP64: a locator right before the end record points at the 64-bit end record.
      const loc = tailStart + at - LOCATOR64_SIZE;
      if (loc < 0) this.fail('ZIP64 end record locator is missing');
      const l = this.bytes(loc, LOCATOR64_SIZE, 'ZIP64 locator');
      if (l.readUInt32LE(0) !== LOCATOR64) this.fail('ZIP64 end record locator is missing');
      const r = this.bytes(this.u64(l, 8, 'ZIP64 end record offset'), EOCD64_SIZE, 'ZIP64 end record');
      if (r.readUInt32LE(0) !== EOCD64) this.fail('ZIP64 end record signature is wrong');
      count = this.u64(r, 32, 'entry count');
      cdSize = this.u64(r, 40, 'central directory size');
      cdOffset = this.u64(r, 48, 'central directory offset');
    }
    const cd = this.bytes(cdOffset, cdSize, 'central directory');
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_SIZE > cd.length || cd.readUInt32LE(p) !== CENTRAL) this.fail(`central directory entry ${i} is malformed`);
      const flags = cd.readUInt16LE(p + 8), method = cd.readUInt16LE(p + 10);
      const nameLen = cd.readUInt16LE(p + 28), extraLen = cd.readUInt16LE(p + 30), commentLen = cd.readUInt16LE(p + 32);
      const name = cd.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen).toString('utf8');
      if (flags & 1) this.fail(`entry '${name}' is encrypted; refusing it`);
      if (method !== 0) this.fail(`entry '${name}' is compressed (method ${method}); torch.save writes stored entries only, refusing it`);
      let size = cd.readUInt32LE(p + 24), compressed = cd.readUInt32LE(p + 20), headerOffset = cd.readUInt32LE(p + 42);
      // ZIP64 extra (id 1) holds, in this order, just the fields whose 32-bit slot is saturated.
      if (size === SAT32 || compressed === SAT32 || headerOffset === SAT32) {
        const extra = this.zip64Extra(cd.subarray(p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen), name);
        let q = 0;
        const next = (): number => {
          if (q + 8 > extra.length) this.fail(`entry '${name}': ZIP64 extra field is too short`);
          const v = this.u64(extra, q, `entry '${name}' ZIP64 field`);
          q += 8;
          return v;
        };
        if (size === SAT32) size = next();
        if (compressed === SAT32) compressed = next();
        if (headerOffset === SAT32) headerOffset = next();
      }
      if (compressed !== size) this.fail(`entry '${name}': stored entry with compressed size ${compressed} != size ${size}`);
      if (this.entries.has(name)) this.fail(`entry '${name}' appears twice`);
      this.entries.set(name, { name, size, crc32: cd.readUInt32LE(p + 16), headerOffset });
      p += CENTRAL_SIZE + nameLen + extraLen + commentLen;
    }
  }

  private zip64Extra(extra: Buffer, name: string): Buffer {
    for (let q = 0; q + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(q), len = extra.readUInt16LE(q + 2);
      if (id === 1) return extra.subarray(q + 4, q + 4 + len);
      q += 4 + len;
    }
    return this.fail(`entry '${name}' has saturated sizes but no ZIP64 extra field`);
  }

  private u64(buf: Buffer, offset: number, what: string): number {
    const v = buf.readBigUInt64LE(offset);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is out of range`);
    return Number(v);
  }
}
