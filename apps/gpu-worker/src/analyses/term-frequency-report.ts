// Pythia §5 from the units' files: few-shot arithmetic accuracy per x1 against how often x1 occurred
// (near another number) in the batches each checkpoint had seen — Spearman's ρ, the Δ-performance
// of the most against the least frequent operands, and accuracy by log-frequency bin. On the
// synthetic corpus ρ is also given against the planted operand counts, the ground truth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deltaPerformance, logFrequencyBins, mean, spearman, termFrequencyChart } from '@cohort/analysis';
import type { ArithmeticResult } from '@cohort/evals';
import type { TermFrequencyAnalysis } from '@cohort/suite-spec';
import type { AnalysisPlan } from '@cohort/workflows';
import { arithmeticFile, OPERAND_COUNTS_FILE } from '../activities/term-frequency';
import { checkpointAt, readManifest, round, type Report, type ReportContext } from './report-context';

type Row = Record<string, string | number | null>;

interface OperandCounts {
  steps: number[];
  terms: string[];
  counts: number[][];
}

export async function termFrequencyReport(c: ReportContext<TermFrequencyAnalysis>, plan: AnalysisPlan): Promise<Report> {
  const planted = readManifest(c.storage, c.analysis.suiteId)?.arithmetic?.operandCounts;
  const firstSeed = c.spec.seeds?.[0] ?? c.spec.seed;
  const table: Row[] = [];
  const perX1: Row[] = [];
  const summary: string[] = [];
  const checkpoints: string[] = [];

  for (const { unit } of plan.termFrequency) {
    const run = c.runs.find((r) => r.id === unit.runId)!;
    const dir = c.storage.termFrequency(c.analysis.id, run.id);
    const counts = readJson<OperandCounts>(join(dir, OPERAND_COUNTS_FILE));
    const binRows: { checkpoint: number; lo: number; hi: number; n: number; accuracy: number }[] = [];
    const chartShots = Math.max(...unit.params.shots);
    for (const step of unit.steps) {
      checkpoints.push(checkpointAt(run, step).id);
      const k = counts.steps.indexOf(step);
      const frequency = (x1: number) => counts.counts[k][counts.terms.indexOf(String(x1))];
      const result = readJson<ArithmeticResult>(join(dir, arithmeticFile(step)));
      for (const operation of unit.params.operations) {
        for (const shots of unit.params.shots) {
          const accuracy = result.accuracy.filter((a) => a.operation === operation && a.shots === shots);
          const rows = accuracy.map((a) => ({ x1: a.x1, frequency: frequency(a.x1), planted: planted?.[a.x1] ?? 0, accuracy: a.acc }));
          for (const r of rows) perX1.push({ run: run.name, step, operation, shots, ...r });
          const observed = spearman(rows.map((r) => r.frequency), rows.map((r) => r.accuracy));
          const truth = planted ? spearman(rows.map((r) => r.planted), rows.map((r) => r.accuracy)) : null;
          table.push({
            run: run.name,
            model: run.modelName,
            step,
            operation,
            shots,
            accuracy: round(mean(rows.map((r) => r.accuracy))),
            rho: round(observed.rho),
            pValue: round(observed.pValue, 6),
            ...(truth ? { plantedRho: round(truth.rho), plantedPValue: round(truth.pValue, 6) } : {}),
            deltaPerformance: round(deltaPerformance(rows, c.entry.top), 2),
          });
          if (shots === chartShots && operation === unit.params.operations[0]) {
            const items = result.rows.filter((r) => r.operation === operation && r.shots === shots).map((r) => ({ frequency: frequency(r.x1), correct: r.correct }));
            for (const b of logFrequencyBins(items, { bins: c.entry.bins })) binRows.push({ checkpoint: step, lo: b.lo, hi: b.hi, n: b.n, accuracy: b.accuracy });
          }
        }
      }
    }
    // One figure per model (its first seed, not an intervention), as the paper shows one per size.
    if (run.seed === firstSeed && !run.parentRunId) {
      await c.writer.chart(`term-frequency-${run.name}`, termFrequencyChart(binRows, `${run.name}: ${chartShots}-shot ${unit.params.operations[0]} accuracy by operand frequency`));
    }
  }

  for (const r of table.filter((t) => t.step === Math.max(...table.filter((x) => x.run === t.run).map((x) => x.step as number)))) {
    const truth = r.plantedRho === undefined ? '' : `; vs planted counts ρ = ${r.plantedRho} (p = ${r.plantedPValue})`;
    summary.push(`${r.run} step ${r.step} ${r.operation} ${r.shots}-shot: accuracy ${r.accuracy}, Spearman ρ(frequency, accuracy) = ${r.rho} (p = ${r.pValue})${truth}, Δ-performance ${r.deltaPerformance}`);
  }
  c.writer.table('term-frequency', table);
  c.writer.table('term-frequency-by-x1', perX1);
  return { result: { table, summary }, inputs: { checkpoints, evaluations: [] } };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
