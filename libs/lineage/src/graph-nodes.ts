import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Prisma } from '@prisma/client';
import type { LineageClient } from './client';
import type { LineageKind, LineageNode, RecordedKind } from './graph-contract';

/** How each recorded kind is read from the database and described as a node with its upstream references. */

/** One upstream edge of a node: to a row to read, or to a leaf known from the reference alone. */
export type Parent = { relation: string; key: string } & ({ kind: RecordedKind; id: string } | { leaf: LineageNode });

/** A node and what it was computed from. */
export interface Described {
  node: LineageNode;
  parents: Parent[];
}

/** Rows already in the graph are left out of a page, so `take` counts new rows only. */
export interface Page {
  exclude: (kind: RecordedKind) => string[];
  take: number;
}

type Scalar = LineageNode['attributes'][string];
type Args<Where> = { where: Where; take?: number; orderBy: { createdAt: 'asc' } };
type Finder<Where> = (db: LineageClient, where: Where, page?: Page) => Promise<Described[]>;

export const nodeKey = (kind: LineageKind, id: string): string => `${kind}:${id}`;

function finder<Where, Row>(kind: RecordedKind, read: (db: LineageClient, args: Args<Where>) => Promise<Row[]>, describe: (row: Row) => Described): Finder<Where> {
  return async (db, where, page) => {
    // Oldest first, so a cut downstream keeps the same nodes every time it is asked for.
    const args: Args<Where> = page
      ? { where: { AND: [where, { id: { notIn: page.exclude(kind) } }] } as Where, take: page.take, orderBy: { createdAt: 'asc' } }
      : { where, orderBy: { createdAt: 'asc' } };
    return (await read(db, args)).map(describe);
  };
}

/** JSON numbers as they are; BigInt as a number (counts and sizes fit); structures as JSON text. */
function scalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function pick<Row, K extends keyof Row & string>(row: Row, keys: readonly K[]): Record<string, Scalar> {
  return Object.fromEntries(keys.map((k) => [k, scalar(row[k])]));
}

const node = (kind: LineageKind, id: string, label: string, attributes: Record<string, Scalar>): LineageNode => ({ key: nodeKey(kind, id), kind, id, label, attributes });

/** An edge to a recorded row; none when the reference is unset (a run that did not branch). */
const recorded = (relation: string, kind: RecordedKind, id: string | null): Parent[] => (id ? [{ relation, key: nodeKey(kind, id), kind, id }] : []);

const leaf = (relation: string, n: LineageNode): Parent => ({ relation, key: n.key, leaf: n });

const fileNode = (path: string): LineageNode => node('file', path, `file ${basename(path)}`, { path });

/** The code version a row was computed by: a leaf; none when it was not recorded. */
const computedBy = (version: string | null): Parent[] => (version ? [leaf('computed by', node('code', version, `code ${version}`, { version }))] : []);

/** The local path a uri names (a plain path or file://), or undefined when it lives elsewhere. */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? undefined : uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined; // a file URL of another host is not a file here
  }
}

/** A JSON column as an object; anything else (null, a list) as an empty one. */
const jsonObject = (value: Prisma.JsonValue): Prisma.JsonObject => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});
const strings = (value: Prisma.JsonValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The files a corpus source names (`kind: files`); a synthetic corpus is generated and reads none. */
function corpusPaths(source: Prisma.JsonObject): string[] {
  return source.kind === 'files' ? strings(source.paths) : [];
}

/** An analysis's `inputs` ({ checkpoints: id[], evaluations: id[] }) as edges. */
function analysisInputs(inputs: Prisma.JsonObject): Parent[] {
  return [...strings(inputs.checkpoints).flatMap((id) => recorded('read', 'checkpoint', id)), ...strings(inputs.evaluations).flatMap((id) => recorded('read', 'evaluation', id))];
}

const SUITE = ['name', 'specHash', 'status', 'workflowId'] as const;
const CORPUS = ['name', 'contentHash', 'bytes'] as const;
const TOKENIZER = ['kind', 'vocabSize', 'uri', 'contentHash'] as const;
const DATASET = ['variant', 'uri', 'contentHash', 'documents', 'tokens'] as const;
const ORDER = ['mode', 'seed', 'seqLength', 'globalBatch', 'numSamples', 'orderHash', 'uri'] as const;
const MODEL_CONFIG = ['name', 'configHash', 'parameters'] as const;
const RUN = ['name', 'modelName', 'variant', 'seed', 'status', 'placement', 'transform', 'branchStep', 'backend', 'precision', 'device', 'codeVersion', 'workflowId'] as const;
const CHECKPOINT = ['step', 'tokensSeen', 'sha256', 'uri', 'bytes', 'meanLoss', 'consumedSha256', 'workflowId', 'workflowRunId'] as const;
const EVALUATION = ['task', 'metric', 'shots', 'value', 'stderr', 'n', 'limit', 'taskVersion', 'dataSha256', 'backend', 'codeVersion', 'workflowId', 'workflowRunId'] as const;
const ANALYSIS = ['kind', 'status', 'paramsHash', 'codeVersion', 'workflowId', 'workflowRunId'] as const;
const ARTIFACT = ['name', 'kind', 'mediaType', 'sha256', 'bytes', 'uri'] as const;

/** One finder per recorded kind. Large columns (specs, results, artefact bytes) are never read. */
export const find = {
  suite: finder(
    'suite',
    (db, args: Args<Prisma.SuiteWhereInput>) => db.suite.findMany({ ...args, omit: { spec: true } }),
    // The spec is what the user wrote: a leaf, identified by its hash.
    (s) => ({ node: node('suite', s.id, `suite ${s.name}`, pick(s, SUITE)), parents: [] }),
  ),
  corpus: finder(
    'corpus',
    (db, args: Args<Prisma.CorpusWhereInput>) => db.corpus.findMany(args),
    (c) => {
      const source = jsonObject(c.source);
      const attributes = { ...Object.fromEntries(Object.entries(source).map(([k, v]) => [k, scalar(v)])), ...pick(c, CORPUS) };
      return { node: node('corpus', c.id, `${c.name} corpus`, attributes), parents: corpusPaths(source).map((p) => leaf('read', fileNode(p))) };
    },
  ),
  tokenizer: finder(
    'tokenizer',
    (db, args: Args<Prisma.TokenizerWhereInput>) => db.tokenizer.findMany(args),
    (t) => {
      const path = localPath(t.uri);
      return { node: node('tokenizer', t.id, `tokenizer ${t.kind}, vocab ${t.vocabSize}`, pick(t, TOKENIZER)), parents: path ? [leaf('read', fileNode(path))] : [] };
    },
  ),
  dataset: finder(
    'dataset',
    (db, args: Args<Prisma.TokenDatasetWhereInput>) => db.tokenDataset.findMany(args),
    (d) => ({
      node: node('dataset', d.id, `${d.variant} dataset`, pick(d, DATASET)),
      parents: [...recorded('deduplicated from', 'dataset', d.parentId), ...recorded('tokenized from', 'corpus', d.corpusId), ...recorded('tokenized with', 'tokenizer', d.tokenizerId)],
    }),
  ),
  order: finder(
    'order',
    (db, args: Args<Prisma.DataOrderWhereInput>) => db.dataOrder.findMany(args),
    (o) => ({ node: node('order', o.id, `${o.mode} order, seed ${o.seed}`, pick(o, ORDER)), parents: recorded('orders', 'dataset', o.datasetId) }),
  ),
  'model-config': finder(
    'model-config',
    (db, args: Args<Prisma.ModelConfigWhereInput>) => db.modelConfig.findMany(args),
    (m) => ({ node: node('model-config', m.id, `model ${m.name}`, pick(m, MODEL_CONFIG)), parents: [] }),
  ),
  run: finder(
    'run',
    (db, args: Args<Prisma.RunWhereInput>) => db.run.findMany(args),
    (r) => ({
      node: node('run', r.id, `run ${r.name}`, pick(r, RUN)),
      parents: [
        ...recorded('branched from', 'run', r.parentRunId),
        ...recorded('trained on', 'order', r.dataOrderId),
        ...recorded('configured by', 'model-config', r.modelConfigId),
        ...recorded('member of', 'suite', r.suiteId),
        ...computedBy(r.codeVersion),
      ],
    }),
  ),
  checkpoint: finder(
    'checkpoint',
    (db, args: Args<Prisma.CheckpointWhereInput>) => db.checkpoint.findMany(args),
    (c) => ({ node: node('checkpoint', c.id, `checkpoint step ${c.step}`, pick(c, CHECKPOINT)), parents: recorded('written by', 'run', c.runId) }),
  ),
  evaluation: finder(
    'evaluation',
    (db, args: Args<Prisma.EvaluationWhereInput>) => db.evaluation.findMany(args),
    (e) => ({
      node: node('evaluation', e.id, `${e.task} ${e.metric}, ${e.shots}-shot`, pick(e, EVALUATION)),
      parents: [...recorded('evaluated', 'checkpoint', e.checkpointId), ...computedBy(e.codeVersion)],
    }),
  ),
  analysis: finder(
    'analysis',
    (db, args: Args<Prisma.AnalysisWhereInput>) => db.analysis.findMany({ ...args, omit: { result: true, params: true } }),
    (a) => ({
      node: node('analysis', a.id, `${a.kind} analysis`, pick(a, ANALYSIS)),
      parents: [...analysisInputs(jsonObject(a.inputs)), ...recorded('member of', 'suite', a.suiteId), ...computedBy(a.codeVersion)],
    }),
  ),
  artifact: finder(
    'artifact',
    (db, args: Args<Prisma.ArtifactWhereInput>) => db.artifact.findMany({ ...args, omit: { content: true } }),
    // An artefact of data preparation (the dedup report) belongs to its suite, not to an analysis.
    (f) => ({
      node: node('artifact', f.id, `artifact ${f.name ?? f.kind}`, pick(f, ARTIFACT)),
      parents: f.analysisId ? recorded('produced by', 'analysis', f.analysisId) : recorded('member of', 'suite', f.suiteId),
    }),
  ),
} satisfies { [K in RecordedKind]: Finder<never> };
