import { ApplicationFailure } from '@temporalio/common';
import type { Prisma } from '@prisma/client';
import { completeAnalysis, type LineageClient } from '@cohort/lineage';
import { validateSuiteSpec, type AnalysisEntry } from '@cohort/suite-spec';
import type { AnalysisPlan, ComputeActivities } from '@cohort/workflows';
import { ArtefactWriter } from '../analyses/artefacts';
import { biasReport } from '../analyses/bias-report';
import { memorizationReport } from '../analyses/memorization-report';
import type { Report, ReportContext } from '../analyses/report-context';
import { stabilityReport } from '../analyses/stability-report';
import { termFrequencyReport } from '../analyses/term-frequency-report';
import type { Storage } from '../storage';

export interface ReportDeps {
  db: LineageClient;
  storage: Storage;
  codeVersion: string;
}

/**
 * Computes an analysis from what its units left on storage and what lineage holds, writes its
 * artefacts, and records everything in one transaction. Re-running it rewrites the same files and
 * replaces the rows, so a retry after a lost worker changes nothing.
 */
export function reportAnalysisActivity(deps: ReportDeps): ComputeActivities['reportAnalysis'] {
  return async ({ plan }) => {
    const analysis = await deps.db.analysis.findUniqueOrThrow({ where: { id: plan.analysisId }, include: { suite: true } });
    const runs = await deps.db.run.findMany({ where: { suiteId: analysis.suiteId }, include: { checkpoints: { orderBy: { step: 'asc' } } }, orderBy: { name: 'asc' } });
    const context: ReportContext = {
      db: deps.db,
      storage: deps.storage,
      analysis,
      entry: analysis.params as unknown as AnalysisEntry,
      spec: validateSuiteSpec(analysis.suite.spec),
      runs,
      writer: new ArtefactWriter(deps.storage.analysis(analysis.id)),
    };
    let report: Report;
    try {
      report = await reportOf(context, plan);
    } catch (err) {
      // The inputs are on disk and in lineage already: a report that fails once fails every time.
      throw ApplicationFailure.nonRetryable(`${analysis.kind} report: ${(err as Error).message}`, 'ReportFailed');
    }
    // jsonb reorders object keys: the headline table's column order is kept beside it.
    const result = { ...report.result, columns: Object.keys(report.result.table[0] ?? {}) };
    await completeAnalysis(deps.db, analysis.id, {
      result: JSON.parse(JSON.stringify(result)) as Prisma.InputJsonObject,
      inputs: report.inputs,
      codeVersion: deps.codeVersion,
      artifacts: context.writer.artifacts,
    });
    return { artifacts: context.writer.artifacts.length };
  };
}

function reportOf(c: ReportContext, plan: AnalysisPlan): Promise<Report> {
  const { entry } = c;
  switch (entry.kind) {
    case 'memorization':
      return memorizationReport({ ...c, entry }, plan);
    case 'term-frequency':
      return termFrequencyReport({ ...c, entry }, plan);
    case 'bias':
      return biasReport(c);
    case 'stability':
      return stabilityReport({ ...c, entry });
  }
}
