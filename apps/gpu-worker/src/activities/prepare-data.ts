import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '@prisma/client';
import {
  CohortTokenizer,
  buildDataOrder,
  buildTokenDataset,
  corpusFiles,
  dedupDataset,
  generateSyntheticCorpus,
  sha256File,
  trainTokenizer,
  type CorpusSpec,
  type DatasetArtifact,
  type OrderManifest,
  type SyntheticManifest,
} from '@cohort/data';
import type { LineageClient } from '@cohort/lineage';
import { InvalidSuiteSpecError, validateSuiteSpec, type SuiteSpec } from '@cohort/suite-spec';
import type { ComputeActivities, PreparedVariant } from '@cohort/workflows';
import type { Storage } from '../storage';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const toJson = (value: object): Prisma.InputJsonObject => JSON.parse(JSON.stringify(value));

/**
 * Data preparation of a suite, once for all its runs: corpus (files or the synthetic generator),
 * tokenizer, the standard dataset, the deduplicated variant, and one data order per variant.
 * Each artefact is skipped when its manifest exists (manifests are written last and atomically),
 * so a retry resumes where the last attempt stopped. Lineage rows are upserts by location (each
 * suite reads its own files); their content hashes say which artefacts are the same across suites.
 */
export function prepareDataActivity(db: LineageClient, storage: Storage, dataRoots: readonly string[]): ComputeActivities['prepareData'] {
  return async ({ suiteId }) => {
    const suite = await db.suite.findUniqueOrThrow({ where: { id: suiteId } });
    // The API checked the files at launch; the reader checks again, here, before it opens any (a
    // row written by other means, or a symlink changed since, must not reach outside the roots).
    let spec: SuiteSpec;
    try {
      spec = validateSuiteSpec(suite.spec, { checkPaths: { dataRoots } });
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw ApplicationFailure.nonRetryable(`spec: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'BadSpec');
    }
    const dir = storage.suiteData(suiteId);
    mkdirSync(dir, { recursive: true });
    const beat = (stage: string) => Context.current().heartbeat({ stage });

    beat('corpus');
    const corpus = prepareCorpus(spec, dir);
    const corpusRow = await db.corpus.upsert({
      where: { suiteId_contentHash: { suiteId, contentHash: corpus.hash } },
      create: { suiteId, name: spec.corpus.kind, source: toJson(spec.corpus), contentHash: corpus.hash, bytes: corpus.bytes },
      update: {},
    });

    beat('tokenizer');
    const tokenizer = await prepareTokenizer(spec, corpus.spec, dir);
    const tokenizerRow = await db.tokenizer.upsert({
      where: { uri: tokenizer.path },
      create: { kind: spec.tokenizer.kind, vocabSize: tokenizer.vocabSize, uri: tokenizer.path, contentHash: tokenizer.hash },
      update: {},
    });

    beat('dataset');
    const standardPrefix = join(dir, 'standard');
    const standard = existsSync(`${standardPrefix}.json`)
      ? readJson<DatasetArtifact>(`${standardPrefix}.json`)
      : await buildTokenDataset({ corpus: corpus.spec, tokenizerPath: tokenizer.path, prefix: standardPrefix });
    if (standard.numTokens === 0) throw ApplicationFailure.nonRetryable('the corpus produced no tokens', 'EmptyCorpus');
    const datasetRow = (variant: PreparedVariant['variant'], hash: string, prefix: string, docs: number, tokens: number, parentId?: string) =>
      db.tokenDataset.upsert({
        where: { uri: prefix },
        create: { corpusId: corpusRow.id, tokenizerId: tokenizerRow.id, variant, uri: prefix, contentHash: hash, documents: BigInt(docs), tokens: BigInt(tokens), parentId },
        update: {},
      });
    const datasets = new Map([['standard', { prefix: standardPrefix, row: await datasetRow('standard', standard.hash, standardPrefix, standard.numDocuments, standard.numTokens) }]]);

    if (spec.variants.includes('deduplicated')) {
      beat('dedup');
      const prefix = join(dir, 'deduplicated');
      const reportPath = `${prefix}.dedup-report.json`; // written last by dedupDataset
      if (!existsSync(reportPath)) {
        dedupDataset({ dataset: standardPrefix, tokenizer, outPrefix: prefix, seed: spec.seed, ...spec.dedup });
      }
      const report = readJson<{ variant: { hash: string }; kept: number }>(reportPath);
      const tokens = readJson<{ numTokens?: number }>(`${prefix}.json`).numTokens ?? 0;
      const row = await datasetRow('deduplicated', report.variant.hash, prefix, report.kept, tokens, datasets.get('standard')?.row.id);
      datasets.set('deduplicated', { prefix, row });
      await db.artifact.upsert({
        where: { uri: `file://${reportPath}` },
        create: { suiteId, kind: 'dedup-report', uri: `file://${reportPath}`, sha256: sha256File(reportPath), bytes: BigInt(statSync(reportPath).size) },
        update: {},
      });
    }

    // One order per (variant, seed): a run's seed shuffles its data as well as its initial weights.
    const variants: PreparedVariant[] = [];
    const seeds = spec.seeds ?? [spec.seed];
    for (const variant of spec.variants) {
      const dataset = datasets.get(variant);
      if (!dataset) throw new Error(`variant ${variant} was not prepared`);
      for (const seed of seeds) {
        beat(`order:${variant}:${seed}`);
        const outDir = join(dir, spec.seeds ? `order-${variant}-seed${seed}` : `order-${variant}`);
        const order = existsSync(join(outDir, 'order.json'))
          ? readJson<OrderManifest>(join(outDir, 'order.json'))
          : buildDataOrder({
              dataset: dataset.prefix,
              outDir,
              seqLength: spec.seqLength,
              globalBatch: spec.globalBatch,
              seed,
              numSamples: spec.steps * spec.globalBatch,
              mode: spec.orderMode,
              datasetHash: dataset.row.contentHash,
            });
        const row = await db.dataOrder.upsert({
          where: { uri: outDir },
          create: {
            datasetId: dataset.row.id,
            mode: order.mode,
            seed: order.seed,
            seqLength: order.seqLength,
            globalBatch: order.globalBatch,
            numSamples: BigInt(order.numSamples),
            orderHash: order.hash,
            uri: outDir,
          },
          update: {},
        });
        variants.push({ variant, seed, dataOrderId: row.id, orderHash: order.hash });
      }
    }
    return { vocabSize: tokenizer.vocabSize, variants };
  };
}

function prepareCorpus(spec: SuiteSpec, dir: string): { spec: CorpusSpec; hash: string; bytes: bigint } {
  if (spec.corpus.kind === 'files') {
    const corpus: CorpusSpec = { paths: spec.corpus.paths, textField: spec.corpus.textField };
    let files: string[];
    try {
      files = corpusFiles(corpus);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`corpus: ${(err as Error).message}`, 'BadCorpus');
    }
    const hash = createHash('sha256');
    let bytes = 0n;
    for (const f of files) {
      hash.update(`${sha256File(f)}\n`);
      bytes += BigInt(statSync(f).size);
    }
    return { spec: corpus, hash: hash.digest('hex'), bytes };
  }
  const outDir = join(dir, 'synthetic');
  const manifestPath = join(outDir, 'manifest.json');
  const c = spec.corpus;
  const manifest = existsSync(manifestPath)
    ? readJson<SyntheticManifest>(manifestPath)
    : generateSyntheticCorpus({
        outDir,
        seed: c.seed ?? spec.seed,
        documents: c.documents,
        background: c.background,
        repeated: c.repeated,
        arithmetic: c.arithmetic ?? { facts: Math.ceil(c.documents / 4) },
        pronouns: c.pronouns ?? { sentences: Math.ceil(c.documents / 2) },
        duplicates: c.duplicates ?? { exact: Math.ceil(c.documents / 20), near: Math.ceil(c.documents / 20) },
        heldout: c.heldout,
      });
  return { spec: { paths: [manifest.corpusFile] }, hash: manifest.corpusSha256, bytes: BigInt(statSync(manifest.corpusFile).size) };
}

async function prepareTokenizer(spec: SuiteSpec, corpus: CorpusSpec, dir: string): Promise<CohortTokenizer> {
  if (spec.tokenizer.kind === 'file') {
    try {
      return CohortTokenizer.load(spec.tokenizer.path);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(`tokenizer: ${(err as Error).message}`, 'BadTokenizer');
    }
  }
  const path = join(dir, 'tokenizer.json');
  if (!existsSync(path)) await trainTokenizer({ corpus, vocabSize: spec.tokenizer.vocabSize, outPath: path });
  return CohortTokenizer.load(path);
}
