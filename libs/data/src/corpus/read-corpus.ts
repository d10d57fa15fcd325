// Streams documents from a corpus: plain-text files (one document per file), JSONL (one document
// per line, from a text field), folders of them (walked in sorted order, so the document order is
// the same on every machine), each optionally gzipped. Invalid UTF-8 is decoded with U+FFFD and
// counted rather than crashing the build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';

export interface CorpusSpec {
  /** Files or folders. */
  paths: string[];
  /** JSONL field holding the document text (default "text"). */
  textField?: string;
}

export interface CorpusDocument {
  text: string;
  /** "file" or "file:line", for error messages and reports. */
  source: string;
  /** The raw bytes were not valid UTF-8 (replaced with U+FFFD). */
  invalidUtf8: boolean;
}

const KINDS = [
  { suffix: '.jsonl.gz', jsonl: true, gzip: true },
  { suffix: '.jsonl', jsonl: true, gzip: false },
  { suffix: '.txt.gz', jsonl: false, gzip: true },
  { suffix: '.txt', jsonl: false, gzip: false },
] as const;

function kindOf(file: string) {
  return KINDS.find((k) => file.endsWith(k.suffix));
}

/** Every corpus file under the spec's paths, in a machine-independent order. */
export function corpusFiles(spec: CorpusSpec): string[] {
  if (spec.paths.length === 0) throw new Error('corpus spec lists no paths');
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new Error(`corpus path ${p} does not exist`);
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name), false);
    } else if (kindOf(p)) {
      out.push(p);
    } else if (explicit) {
      throw new Error(`corpus file ${p} is not .txt, .jsonl, .txt.gz or .jsonl.gz`);
    }
  };
  for (const p of spec.paths) walk(p, true);
  return out;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

function decode(bytes: Uint8Array): { text: string; invalidUtf8: boolean } {
  try {
    return { text: strict.decode(bytes), invalidUtf8: false };
  } catch {
    return { text: lenient.decode(bytes), invalidUtf8: true };
  }
}

async function* chunks(file: string, gzip: boolean): AsyncGenerator<Buffer> {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/** Splits a byte stream on '\n' without decoding first, so each line's UTF-8 is checked on its own. */
async function* lines(file: string, gzip: boolean): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of chunks(file, gzip)) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, nl));
      yield Buffer.concat(pending);
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

export async function* readCorpus(spec: CorpusSpec): AsyncGenerator<CorpusDocument> {
  const field = spec.textField ?? 'text';
  for (const file of corpusFiles(spec)) {
    const kind = kindOf(file)!;
    if (!kind.jsonl) {
      const parts: Buffer[] = [];
      for await (const c of chunks(file, kind.gzip)) parts.push(c);
      yield { ...decode(Buffer.concat(parts)), source: file };
      continue;
    }
    let lineNo = 0;
    for await (const line of lines(file, kind.gzip)) {
      lineNo++;
      const { text: raw, invalidUtf8 } = decode(line);
      if (raw.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch (err) {
        throw new Error(`${file}:${lineNo}: invalid JSON: ${(err as Error).message}`);
      }
      const text = (record as Record<string, unknown> | null)?.[field];
      if (typeof text !== 'string') {
        throw new Error(`${file}:${lineNo}: field "${field}" is missing or not a string`);
      }
      yield { text, source: `${file}:${lineNo}`, invalidUtf8 };
    }
  }
}
