// Pythia §4 from the scans' scores: memorization per run and checkpoint (by planted repetition
// count when the windows are the planted sequences), the Poisson test of where memorized
// sequences fall in training order, and how well an early checkpoint predicts the final one.
import { join } from 'node:path';
import {
  memorizationByGroupChart,
  memorizationSummary,
  poissonBinTest,
  poissonQqChart,
  predictableMemorization,
  summariseByGroup,
} from '@cohort/analysis';
import type { MemorizationAnalysis } from '@cohort/suite-spec';
import type { AnalysisPlan } from '@cohort/workflows';
import { readScanScores, writeScanArtefact, type ScanScores } from '../memorization';
import { checkpointAt, readManifest, round, type Report, type ReportContext, type SuiteRun } from './report-context';

type Row = Record<string, string | number | null>;

export async function memorizationReport(c: ReportContext<MemorizationAnalysis>, plan: AnalysisPlan): Promise<Report> {
  const { continuation: C, binSize } = c.entry;
  const planted = c.entry.windows === 'planted';
  const manifest = planted ? readManifest(c.storage, c.analysis.suiteId) : null;
  if (planted && !manifest) throw new Error('planted windows need the suite\'s synthetic manifest, which is missing');
  const repetitions = new Map(manifest?.repeatedSequences.map((s) => [s.id, s.repetitions]) ?? []);

  const table: Row[] = [];
  const byRepetition: Row[] = [];
  const poisson: Row[] = [];
  const predictable: Row[] = [];
  const qq: { series: string; theoretical: number; sample: number }[] = [];
  const summary: string[] = [];
  const checkpoints: string[] = [];

  for (const run of c.runs) {
    const steps = plan.scans.filter((s) => s.target.runId === run.id).map((s) => s.target.step).sort((a, b) => a - b);
    if (steps.length === 0) continue;
    const scans = new Map<number, ScanScores>();
    for (const step of steps) {
      checkpoints.push(checkpointAt(run, step).id);
      const scores = readScanScores(c.storage.memorizationScan(c.analysis.id, run.id, step));
      scans.set(step, scores);
      const name = `scores-${run.name}-step${step}.safetensors`;
      const path = join(c.storage.analysis(c.analysis.id), name);
      writeScanArtefact(path, scores);
      c.writer.existing(name, 'memorization-scores', 'application/octet-stream', path);

      const s = memorizationSummary(scores.scores, C);
      table.push({ ...runColumns(run), step, windows: s.sequences, memorized: s.memorized, rate: round(s.rate), meanScore: round(s.meanScore / C) });
      if (planted) {
        for (const g of summariseByGroup(scores.scores, C, (i) => repetitions.get(scores.plantedId[i]) ?? 0)) {
          byRepetition.push({ ...runColumns(run), step, repetitions: g.group, windows: g.sequences, memorized: g.memorized, rate: round(g.rate) });
        }
      }
    }

    const final = steps[steps.length - 1];
    const finalScores = scans.get(final)!;
    const test = poissonAt(finalScores, sequencesScanned(run, final, c.entry.sequences), C, binSize);
    if (typeof test === 'string') {
      poisson.push({ run: run.name, step: final, error: test });
      summary.push(`${run.name} step ${final}: Poisson test not computed (${test})`);
    } else {
      poisson.push({
        run: run.name,
        step: final,
        bins: test.bins.length,
        lambda: round(test.lambda),
        varianceToMean: round(test.dispersion.varianceToMean),
        dispersionStatistic: round(test.dispersion.statistic),
        df: test.dispersion.df,
        pValue: round(test.dispersion.pValue, 6),
        pValueTwoSided: round(test.dispersion.pValueTwoSided, 6),
        chiSquare: round(test.chiSquare.statistic),
        chiSquareDf: test.chiSquare.df,
        chiSquarePValue: round(test.chiSquare.pValue, 6),
      });
      test.qq.sample.forEach((sample, i) => qq.push({ series: run.name, theoretical: test.qq.theoretical[i], sample }));
      summary.push(
        `${run.name} step ${final}: ${test.bins.length} bins of ${binSize}, λ = ${round(test.lambda, 3)}, variance/mean ${round(test.dispersion.varianceToMean, 3)}, dispersion test p = ${round(test.dispersion.pValue, 4)}`,
      );
    }

    const early = c.entry.early ?? (steps.length > 1 ? steps[0] : undefined);
    if (early !== undefined && early !== final) {
      const p = predictableMemorization(scans.get(early)!.scores, finalScores.scores, C);
      predictable.push({ run: run.name, early, final, ...roundAll(p) });
    }
  }

  await charts(c, table, byRepetition, qq, planted);
  c.writer.table('memorization', table);
  if (planted) c.writer.table('memorization-by-repetition', byRepetition);
  c.writer.table('poisson-test', poisson);
  if (predictable.length) c.writer.table('predictable-memorization', predictable);
  if (planted) summary.unshift(...repetitionLines(byRepetition));
  return { result: { table, summary, byRepetition, poisson, predictable }, inputs: { checkpoints, evaluations: [] } };
}

/**
 * Which training sequences, in training order, hold a memorized window: the input of the Poisson
 * test. A sequence-start scan has one window per sequence; a sequence may hold several planted
 * windows, and counts once.
 */
function poissonAt(s: ScanScores, sequences: number, C: number, binSize: number) {
  const perSequence = new Uint8Array(sequences);
  s.scores.forEach((score, i) => {
    if (score === C) perSequence[s.sequence[i]] = 1;
  });
  try {
    return poissonBinTest(perSequence, binSize);
  } catch (err) {
    return (err as Error).message;
  }
}

function sequencesScanned(run: SuiteRun, step: number, which: 'seen' | 'all'): number {
  const training = run.training as { globalBatch: number; steps: number };
  return (which === 'all' ? training.steps : step) * training.globalBatch;
}

const runColumns = (run: SuiteRun): Row => ({ run: run.name, model: run.modelName, variant: run.variant, seed: run.seed });

const roundAll = (o: object): Row => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));

/** "1×: 0.0%, 4×: 50.0%, 16×: 100%" per run at its last scanned step. */
function repetitionLines(rows: Row[]): string[] {
  const last = new Map<string, number>();
  for (const r of rows) last.set(r.run as string, Math.max(last.get(r.run as string) ?? 0, r.step as number));
  return [...last].map(([run, step]) => {
    const parts = rows.filter((r) => r.run === run && r.step === step).map((r) => `${r.repetitions}×: ${((r.rate as number) * 100).toFixed(1)}%`);
    return `${run} step ${step}: planted windows memorized by repetitions — ${parts.join(', ')}`;
  });
}

async function charts(c: ReportContext<MemorizationAnalysis>, table: Row[], byRepetition: Row[], qq: { series: string; theoretical: number; sample: number }[], planted: boolean) {
  const finalOf = (rows: Row[]) => rows.filter((r) => r.step === Math.max(...rows.filter((x) => x.run === r.run).map((x) => x.step as number)));
  if (planted) {
    const rows = finalOf(byRepetition).map((r) => ({ model: r.run as string, group: r.repetitions as number, rate: r.rate as number, sequences: r.windows as number }));
    await c.writer.chart('memorization-by-repetition', memorizationByGroupChart(rows, 'Planted sequences memorized at the last checkpoint, by repetition count'));
  } else {
    const rows = table.map((r) => ({ model: r.run as string, group: r.step as number, rate: r.rate as number, sequences: r.windows as number }));
    await c.writer.chart('memorization-by-step', memorizationByGroupChart(rows, 'Training sequences memorized, by checkpoint', 'checkpoint step'));
  }
  if (qq.length) await c.writer.chart('poisson-qq', poissonQqChart(qq, 'Memorized sequences per bin against Poisson(λ), last checkpoint'));
}
