import type { AnalysisStatus, Prisma } from '@prisma/client';
import type { LineageClient } from './client';

/** Lineage access for analyses: one row per (suite, kind, parameters), with its artefacts. */

export interface AnalysisKey {
  suiteId: string;
  kind: string;
  params: Prisma.InputJsonObject;
  /** sha256 of the canonical JSON of params (the caller's canonical form, see suite-spec). */
  paramsHash: string;
}

/** The analysis of these parameters, created pending on first request: asking twice is one row. */
export function ensureAnalysis(db: LineageClient, key: AnalysisKey) {
  return db.analysis.upsert({
    where: { suiteId_kind_paramsHash: { suiteId: key.suiteId, kind: key.kind, paramsHash: key.paramsHash } },
    create: key,
    update: {},
  });
}

export async function setAnalysisStatus(
  db: LineageClient,
  id: string,
  status: Exclude<AnalysisStatus, 'completed'>,
  extra: { error?: string; workflowId?: string; workflowRunId?: string } = {},
): Promise<void> {
  await db.analysis.update({ where: { id }, data: { status, error: status === 'failed' ? (extra.error ?? null) : null, workflowId: extra.workflowId, workflowRunId: extra.workflowRunId } });
}

export interface ArtifactInput {
  name: string;
  kind: string;
  mediaType: string;
  uri: string;
  sha256: string;
  bytes: number;
  /** Kept in the database when small (tables, figures); large score files stay on storage only. */
  content?: Uint8Array<ArrayBuffer>;
}

export interface AnalysisOutcome {
  result: Prisma.InputJsonObject;
  inputs: { checkpoints: string[]; evaluations: string[] };
  codeVersion: string;
  artifacts: ArtifactInput[];
}

/**
 * Stores an analysis's result and replaces its artefacts in one transaction: a retried finish
 * leaves exactly one set, never a mix of two attempts.
 */
export async function completeAnalysis(db: LineageClient, id: string, outcome: AnalysisOutcome): Promise<void> {
  const row = await db.analysis.findUniqueOrThrow({ where: { id }, select: { suiteId: true } });
  await db.$transaction([
    db.artifact.deleteMany({ where: { analysisId: id } }),
    db.artifact.createMany({
      data: outcome.artifacts.map((a) => ({ ...a, bytes: BigInt(a.bytes), suiteId: row.suiteId, analysisId: id })),
    }),
    db.analysis.update({
      where: { id },
      data: { status: 'completed', error: null, result: outcome.result, inputs: outcome.inputs, codeVersion: outcome.codeVersion, completedAt: new Date() },
    }),
  ]);
}

/** Artefact metadata without their bytes, for listings. */
export const artifactSummary = {
  select: { name: true, kind: true, mediaType: true, uri: true, sha256: true, bytes: true, createdAt: true },
  orderBy: { name: 'asc' },
} satisfies Prisma.Analysis$artifactsArgs;

export type AnalysisRecord = Prisma.AnalysisGetPayload<{ include: { artifacts: typeof artifactSummary } }>;

export function listAnalyses(db: LineageClient, f: { suiteId: string; kind?: string; status?: AnalysisStatus }): Promise<AnalysisRecord[]> {
  return db.analysis.findMany({
    where: { suiteId: f.suiteId, kind: f.kind, status: f.status },
    include: { artifacts: artifactSummary },
    orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
  });
}

export function getAnalysis(db: LineageClient, id: string): Promise<AnalysisRecord | null> {
  return db.analysis.findUnique({ where: { id }, include: { artifacts: artifactSummary } });
}

export function getArtifact(db: LineageClient, analysisId: string, name: string) {
  return db.artifact.findUnique({ where: { analysisId_name: { analysisId, name } } });
}
