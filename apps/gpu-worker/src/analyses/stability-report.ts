// PolyPythias: how much a model's numbers move with the seed alone. Runs that differ only in their
// seed form a family; per family, step and metric the seeds' mean, standard deviation and range,
// and the runs whose final metric or whole loss curve leaves the other seeds' band.
import { curveOutliers, flagOutliers, seedBand, stabilityChart } from '@cohort/analysis';
import { listEvaluations } from '@cohort/lineage';
import type { StabilityAnalysis } from '@cohort/suite-spec';
import { round, runFamily, type Report, type ReportContext } from './report-context';

type Row = Record<string, string | number | null>;

interface Point {
  family: string;
  run: string;
  step: number;
  metric: string;
  value: number;
}

export async function stabilityReport(c: ReportContext<StabilityAnalysis>): Promise<Report> {
  const { alpha } = c.entry;
  const evaluations = await listEvaluations(c.db, { suiteId: c.analysis.suiteId });
  const points: Point[] = [
    ...c.runs.flatMap((run) =>
      run.checkpoints.filter((cp) => cp.meanLoss !== null).map((cp) => ({ family: runFamily(run.name), run: run.name, step: cp.step, metric: 'train_loss', value: cp.meanLoss! })),
    ),
    ...evaluations.map((e) => ({
      family: runFamily(e.checkpoint.run.name),
      run: e.checkpoint.run.name,
      step: e.checkpoint.step,
      metric: `${e.task}/${e.metric}@${e.shots}`,
      value: e.value,
    })),
  ];

  const bands: Row[] = [];
  const outliers: Row[] = [];
  for (const [key, group] of groupBy(points, (p) => JSON.stringify([p.family, p.metric, p.step]))) {
    const [family, metric, step] = JSON.parse(key) as [string, string, number];
    const b = seedBand(group);
    bands.push({ family, metric, step, seeds: b.n, mean: round(b.mean), std: round(b.std), min: round(b.min), max: round(b.max) });
  }
  const finalStep = new Map<string, number>();
  for (const p of points) finalStep.set(p.family, Math.max(finalStep.get(p.family) ?? 0, p.step));
  const table = bands.filter((b) => b.step === finalStep.get(b.family as string));
  for (const [key, group] of groupBy(points.filter((p) => p.step === finalStep.get(p.family)), (p) => JSON.stringify([p.family, p.metric]))) {
    const [family, metric] = JSON.parse(key) as [string, string];
    for (const o of flagOutliers(group, { alpha })) outliers.push({ family, metric, step: finalStep.get(family)!, run: o.run, value: round(o.value), othersMean: round(o.othersMean), othersStd: round(o.othersStd), pValue: round(o.pValue, 6) });
  }

  // Whole loss curves: every optimiser step's loss, so a run that diverged mid-training shows.
  const losses = await c.db.runMetric.findMany({ where: { runId: { in: c.runs.map((r) => r.id) } }, orderBy: { step: 'asc' } });
  const nameOf = new Map(c.runs.map((r) => [r.id, r.name]));
  for (const [family, runs] of groupBy(c.runs, (r) => runFamily(r.name))) {
    const curves = runs.map((r) => ({ run: r.name, points: losses.filter((l) => l.runId === r.id).map((l) => ({ step: l.step, value: l.loss })) }));
    for (const o of curveOutliers(curves, { alpha })) {
      if (o.flagged) outliers.push({ family, metric: 'loss curve', step: null, run: o.run, value: round(o.fraction), othersMean: null, othersStd: null, pValue: null });
    }
  }

  c.writer.table('seed-bands', bands);
  c.writer.table('seed-outliers', outliers);
  const lossRows = losses.map((l) => ({ model: runFamily(nameOf.get(l.runId)!), run: nameOf.get(l.runId)!, step: l.step, value: l.loss }));
  await c.writer.chart('loss-across-seeds', stabilityChart(lossRows, 'Training loss across seeds (mean, min–max band)', 'loss'));

  const families = new Set(points.map((p) => p.family)).size;
  const summary = [
    `${families} families of ${c.runs.length} runs; ${outliers.length} outlier flags (outside the other seeds' ${100 * (1 - alpha)}% prediction interval)`,
    ...outliers.map((o) => `outlier: ${o.run} on ${o.metric}${o.step === null ? ` (outside the band at ${((o.value as number) * 100).toFixed(0)}% of steps)` : ` = ${o.value} vs ${o.othersMean} ± ${o.othersStd} (p = ${o.pValue})`}`),
  ];
  return {
    result: { table, summary, outliers, bands: bands.length },
    inputs: { checkpoints: c.runs.flatMap((r) => r.checkpoints.map((cp) => cp.id)), evaluations: evaluations.map((e) => e.id) },
  };
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  return groups;
}
