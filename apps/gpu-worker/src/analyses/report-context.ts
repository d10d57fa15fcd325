import { existsSync, readFileSync } from 'node:fs';
import type { Analysis, Checkpoint, Run } from '@prisma/client';
import type { SyntheticManifest } from '@cohort/data';
import type { LineageClient } from '@cohort/lineage';
import type { AnalysisEntry, SuiteSpec } from '@cohort/suite-spec';
import type { Storage } from '../storage';
import type { ArtefactWriter } from './artefacts';

export type SuiteRun = Run & { checkpoints: Checkpoint[] };

/** What every report reads: the analysis, its suite's spec and runs, and where to write. */
export interface ReportContext<E extends AnalysisEntry = AnalysisEntry> {
  db: LineageClient;
  storage: Storage;
  analysis: Analysis;
  entry: E;
  spec: SuiteSpec;
  runs: SuiteRun[];
  writer: ArtefactWriter;
}

/** A report's outcome: its result JSON (with the headline `table` the CLI prints) and its inputs. */
export interface Report {
  result: { table: Record<string, string | number | null>[]; summary: string[]; [key: string]: unknown };
  inputs: { checkpoints: string[]; evaluations: string[] };
}

/** The suite's synthetic manifest, when its corpus is synthetic. */
export function readManifest(storage: Storage, suiteId: string): SyntheticManifest | null {
  const path = storage.syntheticManifest(suiteId);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SyntheticManifest) : null;
}

/** The recorded checkpoint of a run at a step (the planner checked that it exists). */
export function checkpointAt(run: SuiteRun, step: number): Checkpoint {
  const cp = run.checkpoints.find((c) => c.step === step);
  if (!cp) throw new Error(`run ${run.name} has no checkpoint at step ${step}`);
  return cp;
}

/** Runs of one family differ only by seed: `small-standard-seed2` → `small-standard`. */
export const runFamily = (name: string): string => name.replace(/-seed\d+$/, '');

export const round = (x: number, digits = 4): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
