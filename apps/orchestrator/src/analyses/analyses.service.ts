import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AnalysisStatus } from '@prisma/client';
import { getAnalysis, getArtifact, listAnalyses, type AnalysisRecord, type LineageClient } from '@cohort/lineage';
import { dataRootIssue, InvalidSuiteSpecError, validateAnalysesRequest, validateSuiteSpec, type AnalysisEntry, type SuiteSpec } from '@cohort/suite-spec';
import { analysisWorkflowId, type AnalysisWorkflowInput } from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { findSuite } from '../common/find-suite';
import { requireUuid } from '../common/ids';
import { callDependency, unavailable } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { ensureEntry } from '../temporal/analysis-planner';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { toAnalysisDetailView, toAnalysisView, type AnalysisDetailView, type AnalysisView } from './analysis.views';

/** Filters of a suite's analyses, as query strings arrive (REST) or typed (GraphQL). */
export interface AnalysisQuery {
  kind?: string;
  status?: string;
}

const STATUSES: readonly AnalysisStatus[] = ['pending', 'running', 'completed', 'failed'];

/** An artefact's bytes, ready to send. */
export interface ArtifactDownload {
  name: string;
  mediaType: string;
  content: Uint8Array;
}

@Injectable()
export class AnalysesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
  ) {}

  /**
   * Runs analyses of a suite: validates the entries against the suite's spec, ensures one row per
   * (kind, parameters) and starts an AnalysisWorkflow for each that is not completed. Asking
   * again is idempotent: a running analysis's workflow id is taken, so Temporal starts nothing
   * new; a failed one is started again (its closed execution's id is reused).
   */
  async analyse(suiteId: string, body: unknown): Promise<AnalysisView[]> {
    const suite = await findSuite(this.db, this.config.COHORT_DEPENDENCY_TIMEOUT_MS, suiteId);
    const spec = validateSuiteSpec(suite.spec);
    let entries: AnalysisEntry[];
    try {
      entries = validateAnalysesRequest(body, spec);
    } catch (err) {
      if (!(err instanceof InvalidSuiteSpecError)) throw err;
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'invalid analyses request', issues: err.issues });
    }
    if (suite.status === 'pending') throw new ConflictException(`suite ${suiteId} has not started yet`);
    const rows = new Map<string, { id: string; status: AnalysisStatus }>(); // the same entry twice is one analysis
    for (const entry of entries) {
      const row = await this.postgres(() => ensureEntry(this.db, suiteId, entry));
      rows.set(row.id, row);
    }
    for (const row of rows.values()) await this.start(row, spec);
    const ids = [...rows.keys()];
    const views = await this.postgres(() => Promise.all(ids.map((id) => getAnalysis(this.db, id))));
    return views.filter((r): r is AnalysisRecord => r !== null).map(toAnalysisView);
  }

  async forSuite(suiteId: string, query: AnalysisQuery): Promise<AnalysisView[]> {
    return (await this.records(suiteId, query)).map(toAnalysisView);
  }

  /** The list with results, for GraphQL (which may ask for `resultJson` of each). */
  async forSuiteDetailed(suiteId: string, query: AnalysisQuery): Promise<AnalysisDetailView[]> {
    return (await this.records(suiteId, query)).map(toAnalysisDetailView);
  }

  async get(id: string): Promise<AnalysisDetailView> {
    requireUuid('analysis', id);
    const row = await this.postgres(() => getAnalysis(this.db, id));
    if (!row) throw new NotFoundException(`analysis ${id} not found`);
    return toAnalysisDetailView(row);
  }

  /** An artefact's bytes: from the database when kept there, else from its file if readable here. */
  async artifact(analysisId: string, name: string): Promise<ArtifactDownload> {
    requireUuid('analysis', analysisId);
    const analysis = await this.postgres(() => this.db.analysis.findUnique({ where: { id: analysisId }, select: { id: true } }));
    if (!analysis) throw new NotFoundException(`analysis ${analysisId} not found`);
    const artifact = await this.postgres(() => getArtifact(this.db, analysisId, name));
    if (!artifact) throw new NotFoundException(`analysis ${analysisId} has no artefact "${name}"`);
    const mediaType = artifact.mediaType ?? 'application/octet-stream';
    if (artifact.content) return { name, mediaType, content: artifact.content };
    const content = await readLocal(artifact.uri, this.config.COHORT_DATA_DIR);
    if (!content) {
      throw new NotFoundException(
        `artefact "${name}" of analysis ${analysisId} is not kept in the database and not readable here (only files in Cohort's data dir are served): it lives at ${artifact.uri}`,
      );
    }
    return { name, mediaType, content };
  }

  private async records(suiteId: string, query: AnalysisQuery): Promise<AnalysisRecord[]> {
    await findSuite(this.db, this.config.COHORT_DEPENDENCY_TIMEOUT_MS, suiteId);
    const kind = query.kind || undefined;
    const status = query.status || undefined;
    if (status !== undefined && !STATUSES.includes(status as AnalysisStatus)) {
      throw new BadRequestException(`status must be one of ${STATUSES.join(', ')}, got "${status}"`);
    }
    return this.postgres(() => listAnalyses(this.db, { suiteId, kind, status: status as AnalysisStatus | undefined }));
  }

  /**
   * Starts the analysis's workflow unless it is completed. A running execution of its workflow id
   * (this API's or the suite's own child) makes Temporal refuse the start: nothing new starts.
   */
  private async start(row: { id: string; status: AnalysisStatus }, spec: SuiteSpec): Promise<void> {
    if (row.status === 'completed') return;
    const workflowId = analysisWorkflowId(row.id);
    // Compare-and-set on the status just read: a failed analysis is pending again from here on;
    // a row that moved on meanwhile is in a workflow's hands already.
    const { count } = await this.postgres(() =>
      this.db.analysis.updateMany({
        where: { id: row.id, status: row.status },
        data: { workflowId, ...(row.status === 'failed' ? { status: 'pending' as const, error: null } : {}) },
      }),
    );
    if (count === 0) return;
    const input: AnalysisWorkflowInput = {
      analysisId: row.id,
      orchestrationQueue: this.config.COHORT_ORCHESTRATION_QUEUE,
      heartbeatTimeoutSeconds: this.config.COHORT_HEARTBEAT_TIMEOUT_S,
      maxConcurrent: spec.maxConcurrentRuns,
    };
    try {
      await this.temporal.startWorkflow('AnalysisWorkflow', workflowId, input, { workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return; // already running
      throw unavailable('temporal', err as Error);
    }
  }

  private postgres<T>(call: () => Promise<T>): Promise<T> {
    return callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, call);
  }
}

/** A file:// artefact's bytes, only from inside Cohort's data dir (after symlinks), else undefined. */
async function readLocal(uri: string, dataDir: string): Promise<Uint8Array | undefined> {
  if (!uri.startsWith('file://')) return undefined;
  try {
    const path = fileURLToPath(uri);
    if (dataRootIssue(path, [dataDir], 'file') !== undefined) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}
