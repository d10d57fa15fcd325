// Pythia §6 from the evaluation rows: each bias measure across sizes and checkpoints, and every
// intervention against its parent at the same steps — Δbias (distance from neutral) beside the
// change in language-modelling ability (LAMBADA, held-out perplexity).
import { biasChart, interventionDeltas, type MetricRow } from '@cohort/analysis';
import { listEvaluations } from '@cohort/lineage';
import { abilityMeasures, biasMeasures } from '@cohort/suite-spec';
import { round, type Report, type ReportContext } from './report-context';

type Row = Record<string, string | number | null>;

export async function biasReport(c: ReportContext): Promise<Report> {
  const measures = [...biasMeasures, ...abilityMeasures];
  const wanted = new Set(measures.map((m) => `${m.task}/${m.metric}`));
  const evaluations = (await listEvaluations(c.db, { suiteId: c.analysis.suiteId })).filter((e) => e.shots === 0 && wanted.has(`${e.task}/${e.metric}`));
  const parentName = new Map(c.runs.map((r) => [r.id, c.runs.find((p) => p.id === r.parentRunId)?.name]));

  // Bias measures become distances from neutral, so one delta reads "toward neutral" when negative.
  const rows: MetricRow[] = evaluations.map((e) => {
    const bias = biasMeasures.find((m) => m.task === e.task && m.metric === e.metric);
    return {
      run: e.checkpoint.run.name,
      parent: parentName.get(e.checkpoint.run.id),
      step: e.checkpoint.step,
      metric: bias ? `|${e.task}/${e.metric} − ${bias.neutral}|` : `${e.task}/${e.metric}`,
      value: bias ? Math.abs(e.value - bias.neutral) : e.value,
    };
  });
  const across: Row[] = evaluations.map((e) => ({
    run: e.checkpoint.run.name,
    model: e.checkpoint.run.modelName,
    variant: e.checkpoint.run.variant,
    step: e.checkpoint.step,
    task: e.task,
    metric: e.metric,
    value: round(e.value),
  }));
  const deltas = interventionDeltas(rows);
  const table: Row[] = deltas.map((d) => ({
    run: d.run,
    parent: d.parent,
    step: d.step,
    metric: d.metric,
    parentValue: round(d.parentValue),
    value: round(d.value),
    delta: round(d.delta),
    relativePct: round(100 * d.relative, 2),
  }));

  c.writer.table('bias-across-runs', across);
  c.writer.table('intervention-deltas', table);
  for (const m of biasMeasures) {
    const series = evaluations.filter((e) => e.task === m.task && e.metric === m.metric).map((e) => ({ run: e.checkpoint.run.name, step: e.checkpoint.step, value: e.value }));
    if (series.length) await c.writer.chart(`bias-${m.task}`, biasChart(series, `${m.task} ${m.metric} by step (neutral: ${m.neutral})`, m.metric));
  }
  return { result: { table, summary: finalLines(deltas), across }, inputs: { checkpoints: [], evaluations: evaluations.map((e) => e.id) } };
}

/** One line per intervention and measure at the last step both runs report. */
function finalLines(deltas: ReturnType<typeof interventionDeltas>): string[] {
  const last = new Map<string, number>();
  for (const d of deltas) last.set(d.run, Math.max(last.get(d.run) ?? 0, d.step));
  return deltas
    .filter((d) => d.step === last.get(d.run))
    .map((d) => `${d.run} vs ${d.parent} at step ${d.step}: ${d.metric} ${round(d.parentValue)} → ${round(d.value)} (Δ ${round(d.delta)}, ${round(100 * d.relative, 2)}%)`);
}
