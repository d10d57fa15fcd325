// Deduplication of a token dataset into a new variant: exact duplicates (identical tokens) and near
// duplicates (MinHash-LSH candidates whose estimated Jaccard similarity ≥ threshold; Pythia's deduped
// Pile used 0.87). Documents are visited in order and the first occurrence wins: a document is
// removed when it duplicates an earlier *kept* one, which forms that document's cluster. Only kept
// documents enter the LSH buckets, so the result depends only on the data and the seed.
import { createHash } from 'node:crypto';
import { IndexedDataset, IndexedDatasetWriter } from '../indexed/dataset';
import { hashDataset } from '../indexed/dataset';
import { writeFileAtomic } from '../hash';
import type { CohortTokenizer } from '../tokenizer/tokenizer';
import { estimatedJaccard, MinHasher, shingles, wordHashes } from './minhash';

export interface DedupOptions {
  /** Source dataset prefix (one item per document, as NeoX and Cohort write them). */
  dataset: string;
  /** Tokenizer of the dataset, to recover each document's bytes for word shingles. */
  tokenizer: CohortTokenizer;
  /** Output prefix of the deduplicated variant. */
  outPrefix: string;
  /** Words per shingle (default 5). */
  ngram?: number;
  numPerm?: number;
  bands?: number;
  threshold?: number;
  seed?: number;
  /** Skip near-duplicate detection (exact only). */
  exactOnly?: boolean;
}

export interface DedupCluster {
  kept: number;
  removed: { document: number; kind: 'exact' | 'near'; similarity: number }[];
}

export interface DedupReport {
  source: { prefix: string; hash: string };
  variant: { prefix: string; hash: string };
  params: { ngram: number; numPerm: number; bands: number; threshold: number; seed: number; exactOnly: boolean };
  documents: number;
  kept: number;
  removedExact: number;
  removedNear: number;
  removedTokens: number;
  removedBytes: number;
  clusters: DedupCluster[];
}

export function dedupDataset(o: DedupOptions): DedupReport {
  const params = {
    ngram: o.ngram ?? 5, numPerm: o.numPerm ?? 128, bands: o.bands ?? 16,
    threshold: o.threshold ?? 0.87, seed: o.seed ?? 0, exactOnly: o.exactOnly ?? false,
  };
  if (!(params.threshold > 0 && params.threshold <= 1)) throw new Error(`dedup: threshold must be in (0, 1], got ${params.threshold}`);
  const hasher = new MinHasher(params);
  const ds = IndexedDataset.open(o.dataset);
  try {
    const n = ds.numItems;
    const exact = new Map<string, number>();
    const buckets = new Map<string, number[]>();
    const signatures = new Map<number, Uint32Array>();
    const clusters = new Map<number, DedupCluster>();
    const writer = new IndexedDatasetWriter(o.outPrefix, ds.dtype);
    let removedTokens = 0;
    let removedBytes = 0;
    const remove = (d: number, bytes: number, kept: number, kind: 'exact' | 'near', similarity: number) => {
      const cluster = clusters.get(kept) ?? { kept, removed: [] };
      cluster.removed.push({ document: d, kind, similarity });
      clusters.set(kept, cluster);
      removedTokens += ds.sizes[d];
      removedBytes += bytes;
    };
    try {
      for (let d = 0; d < n; d++) {
        const tokens = ds.get(d);
        const bytes = Buffer.concat(Array.from(tokens, (id) => o.tokenizer.tokenBytes(id)));
        const digest = createHash('sha256').update(new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength)).digest('base64');
        const twin = exact.get(digest);
        if (twin !== undefined) {
          remove(d, bytes.length, twin, 'exact', 1);
          continue;
        }
        let match = -1;
        let best = 0;
        let keys: string[] = [];
        let sig: Uint32Array | null = null;
        if (!params.exactOnly) {
          sig = hasher.signature(shingles(wordHashes(bytes), params.ngram));
          keys = hasher.bandKeys(sig);
          const candidates = new Set<number>();
          for (const key of keys) for (const c of buckets.get(key) ?? []) candidates.add(c);
          // The most similar earlier kept document; ties go to the earliest.
          for (const c of [...candidates].sort((a, b) => a - b)) {
            const j = estimatedJaccard(sig, signatures.get(c)!);
            if (j >= params.threshold && j > best) { best = j; match = c; }
          }
        }
        if (match >= 0) {
          remove(d, bytes.length, match, 'near', best);
          continue;
        }
        exact.set(digest, d);
        if (sig) {
          signatures.set(d, sig);
          for (const key of keys) {
            const bucket = buckets.get(key);
            if (bucket) bucket.push(d);
            else buckets.set(key, [d]);
          }
        }
        writer.addDocument(tokens);
      }
    } catch (err) {
      writer.abort();
      throw err;
    }
    const written = writer.finish();
    const all = [...clusters.values()].flatMap((c) => c.removed);
    const report: DedupReport = {
      source: { prefix: o.dataset, hash: hashDataset(o.dataset) },
      variant: { prefix: o.outPrefix, hash: written.hash },
      params,
      documents: n,
      kept: written.numDocuments,
      removedExact: all.filter((r) => r.kind === 'exact').length,
      removedNear: all.filter((r) => r.kind === 'near').length,
      removedTokens,
      removedBytes,
      clusters: [...clusters.values()],
    };
    writeFileAtomic(`${o.outPrefix}.json`, JSON.stringify({ hash: written.hash, dtype: written.dtype, numDocuments: written.numDocuments, numTokens: written.numTokens, derivedFrom: report.source, transform: { dedup: params } }, null, 2) + '\n');
    writeFileAtomic(`${o.outPrefix}.dedup-report.json`, JSON.stringify(report, null, 1) + '\n');
    return report;
  } finally {
    ds.close();
  }
}
