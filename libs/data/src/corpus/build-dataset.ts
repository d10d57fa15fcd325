// Corpus → Megatron token dataset: documents are read in order, long ones split at boundaries that
// cannot change their tokens (split-document.ts), encoded by a worker pool in batches (both cores),
// and written in the original order with one EOD token after each document, as GPT-NeoX's
// preprocess_data.py --append-eod does. Documents that encode to nothing are skipped (NeoX skips
// them too) and counted.
import * as fs from 'node:fs';
import { bestFittingDtype, type TokenDtype } from '../indexed/dtypes';
import { IndexedDatasetWriter } from '../indexed/dataset';
import { writeFileAtomic } from '../hash';
import { CohortTokenizer } from '../tokenizer/tokenizer';
import { corpusFiles, readCorpus, type CorpusSpec } from './read-corpus';
import { splitDocument } from './split-document';
import { EncodePool } from './worker-pool';
import type { EncodeReply } from './tokenize-worker';

const PIECE_CHARS = 8192;

export interface BuildDatasetOptions {
  corpus: CorpusSpec;
  tokenizerPath: string;
  /** Output prefix: writes prefix.bin, prefix.idx and prefix.json (the manifest). */
  prefix: string;
  /** Worker threads (default: all cores). */
  workers?: number;
  /** Characters of text per worker batch (default 256 Ki). */
  batchChars?: number;
}

export interface DatasetArtifact {
  prefix: string;
  hash: string;
  dtype: TokenDtype;
  numDocuments: number;
  numTokens: number;
  skippedEmptyDocuments: number;
  invalidUtf8Documents: number;
  tokenizerHash: string;
  corpusFiles: string[];
}

export async function buildTokenDataset(options: BuildDatasetOptions): Promise<DatasetArtifact> {
  const tokenizer = CohortTokenizer.load(options.tokenizerPath);
  const files = corpusFiles(options.corpus);
  const dtype = bestFittingDtype(tokenizer.vocabSize);
  const batchChars = options.batchChars ?? 256 * 1024;
  // Workers start with the first batch: a corpus that fails before it (missing, empty, malformed
  // at the top) never starts threads that would be torn down mid-start.
  let pool: EncodePool | undefined;
  const writer = new IndexedDatasetWriter(options.prefix, dtype);
  // Splitting is only exact when no added token could match across a newline.
  const canSplit = [...tokenizer.addedTokens.values()].every((t) => !t.includes('\n'));
  let skipped = 0;
  let invalid = 0;
  // Per submitted batch: the ids, and which of its pieces end a document.
  const inFlight: { reply: Promise<EncodeReply>; ends: boolean[] }[] = [];
  let doc: Int32Array[] = [];
  const drainOne = async () => {
    const { reply, ends } = inFlight.shift()!;
    const { lengths, ids } = await reply;
    let at = 0;
    lengths.forEach((len, p) => {
      doc.push(ids.subarray(at, at + len));
      at += len;
      if (!ends[p]) return;
      const total = doc.reduce((n, piece) => n + piece.length, 0);
      if (total === 0) skipped++;
      else {
        const tokens = new Int32Array(total + 1);
        let pos = 0;
        for (const piece of doc) { tokens.set(piece, pos); pos += piece.length; }
        tokens[total] = tokenizer.eodId;
        writer.addDocument(tokens);
      }
      doc = [];
    });
  };
  try {
    let batch: string[] = [];
    let ends: boolean[] = [];
    let chars = 0;
    const submit = async () => {
      pool ??= new EncodePool(options.tokenizerPath, options.workers);
      inFlight.push({ reply: pool.encode(batch), ends });
      batch = [];
      ends = [];
      chars = 0;
      if (inFlight.length >= 2 * pool.size) await drainOne();
    };
    for await (const d of readCorpus(options.corpus)) {
      if (d.invalidUtf8) invalid++;
      // Small pieces keep most of them pure ASCII (the fast path) and both workers busy.
      const pieces = canSplit ? splitDocument(d.text, PIECE_CHARS) : [d.text];
      for (let p = 0; p < pieces.length; p++) {
        batch.push(pieces[p]);
        ends.push(p === pieces.length - 1);
        chars += pieces[p].length;
        if (chars >= batchChars) await submit();
      }
    }
    if (batch.length > 0) await submit();
    while (inFlight.length > 0) await drainOne();
    const written = writer.finish();
    if (written.numDocuments === 0) {
      for (const ext of ['bin', 'idx']) fs.rmSync(`${options.prefix}.${ext}`, { force: true });
      throw new Error(`corpus ${options.corpus.paths.join(', ')} has no non-empty documents`);
    }
    const artifact: DatasetArtifact = {
      prefix: options.prefix,
      hash: written.hash,
      dtype,
      numDocuments: written.numDocuments,
      numTokens: written.numTokens,
      skippedEmptyDocuments: skipped,
      invalidUtf8Documents: invalid,
      tokenizerHash: tokenizer.hash,
      corpusFiles: files,
    };
    writeFileAtomic(`${options.prefix}.json`, JSON.stringify(artifact, null, 2) + '\n');
    return artifact;
  } catch (err) {
    writer.abort();
    await Promise.allSettled(inFlight.map((f) => f.reply));
    throw err;
  } finally {
    await pool?.close();
  }
}
