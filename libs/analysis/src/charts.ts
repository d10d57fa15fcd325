// Vega-Lite v6 specs for the report's figures: plain JSON with the data inlined, so a spec can be
// saved next to its CSV and rendered anywhere (render.ts here, or the Vega editor).
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import { seedBand } from './stability';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
// Run names are long (model-variant-seedN): legends show them whole.
const LAYOUT = { width: 480, height: 300, config: { legend: { labelLimit: 360 } } };

export function memorizationByGroupChart(
  rows: readonly { model: string; group: string | number; rate: number; sequences?: number }[],
  title: string,
  groupTitle = 'planted repetitions',
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    ...LAYOUT,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: 'bar',
    encoding: {
      x: { field: 'group', type: 'ordinal', title: groupTitle },
      xOffset: { field: 'model' },
      y: { field: 'rate', type: 'quantitative', title: 'memorized', axis: { format: '%' } },
      color: { field: 'model', type: 'nominal', title: 'model' },
      tooltip: [{ field: 'model' }, { field: 'group' }, { field: 'rate', format: '.2%' }, { field: 'sequences' }],
    },
  };
}

/**
 * Sample against theoretical quantiles with the y = x line. Both are integer counts, so a long
 * Q–Q series is mostly repeats: each distinct point is drawn once, sized by how often it occurs,
 * which keeps a spec for thousands of bins small.
 */
export function poissonQqChart(rows: readonly { series: string; theoretical: number; sample: number }[], title: string): TopLevelSpec {
  const points = new Map<string, { series: string; theoretical: number; sample: number; bins: number }>();
  for (const { series, theoretical, sample } of rows) {
    const key = JSON.stringify([series, theoretical, sample]);
    const point = points.get(key);
    if (point) point.bins++;
    else points.set(key, { series, theoretical, sample, bins: 1 });
  }
  let lo = 0;
  let hi = 1;
  for (const { theoretical, sample } of rows) {
    lo = Math.min(lo, theoretical, sample);
    hi = Math.max(hi, theoretical, sample);
  }
  return {
    $schema: SCHEMA,
    title,
    ...LAYOUT,
    layer: [
      {
        data: { values: [{ theoretical: lo, sample: lo }, { theoretical: hi, sample: hi }] },
        mark: { type: 'line', color: 'gray', strokeDash: [4, 4] },
        encoding: { x: { field: 'theoretical', type: 'quantitative' }, y: { field: 'sample', type: 'quantitative' } },
      },
      {
        data: { values: [...points.values()] },
        mark: { type: 'point', filled: true, opacity: 0.7 },
        encoding: {
          x: { field: 'theoretical', type: 'quantitative', title: 'Poisson(λ) quantile' },
          y: { field: 'sample', type: 'quantitative', title: 'memorized per bin (sorted)' },
          color: { field: 'series', type: 'nominal', title: null },
          size: { field: 'bins', type: 'quantitative', title: 'bins' },
          tooltip: [{ field: 'series' }, { field: 'theoretical' }, { field: 'sample' }, { field: 'bins' }],
        },
      },
    ],
  };
}

/** Accuracy per log-frequency bin, one line per checkpoint, each bin drawn at its geometric middle; empty bins are left out. */
export function termFrequencyChart(
  rows: readonly { checkpoint: string | number; lo: number; hi: number; n: number; accuracy: number }[],
  title: string,
): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    ...LAYOUT,
    data: { values: rows.filter((r) => r.n > 0).map((r) => ({ ...r, frequency: Math.sqrt(r.lo * r.hi) })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'frequency', type: 'quantitative', scale: { type: 'log' }, title: 'term frequency in training data' },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
      color: { field: 'checkpoint', type: 'ordinal', title: 'checkpoint' },
      tooltip: [{ field: 'checkpoint' }, { field: 'lo', format: '.3s' }, { field: 'hi', format: '.3s' }, { field: 'n' }, { field: 'accuracy', format: '.3f' }],
    },
  };
}

export function biasChart(rows: readonly { run: string; step: number; value: number }[], title: string, metric = 'value'): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    ...LAYOUT,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: metric },
      color: { field: 'run', type: 'nominal', title: 'run' },
      tooltip: [{ field: 'run' }, { field: 'step' }, { field: 'value' }],
    },
  };
}

/**
 * The mean over seeds per model and step, inside the band from the lowest to the highest seed.
 * With a handful of seeds a ±sd band is itself noisy; the envelope shows exactly where every
 * seed lies.
 */
export function stabilityChart(rows: readonly { model: string; run: string; step: number; value: number }[], title: string, metric = 'value'): TopLevelSpec {
  const groups = new Map<string, { model: string; step: number; values: { run: string; value: number }[] }>();
  for (const { model, run, step, value } of rows) {
    const key = JSON.stringify([model, step]);
    const group = groups.get(key) ?? groups.set(key, { model, step, values: [] }).get(key)!;
    group.values.push({ run, value });
  }
  const values = [...groups.values()].map(({ model, step, values }) => {
    const { n, mean, min, max } = seedBand(values);
    return { model, step, seeds: n, mean, min, max };
  });
  const x = { field: 'step', type: 'quantitative', title: 'step' } as const;
  const color = { field: 'model', type: 'nominal', title: 'model' } as const;
  return {
    $schema: SCHEMA,
    title,
    ...LAYOUT,
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.25 },
        encoding: { x, y: { field: 'min', type: 'quantitative', title: metric }, y2: { field: 'max' }, color },
      },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', title: metric },
          color,
          tooltip: [{ field: 'model' }, { field: 'step' }, { field: 'seeds' }, { field: 'mean' }, { field: 'min' }, { field: 'max' }],
        },
      },
    ],
  };
}

/** A run as the curve charts tell runs apart; any other fields of a row ride along in its datum. */
export interface CurveRun {
  run: string;
  model: string;
  variant: string;
  /** The transform of an intervention run (e.g. `pronoun-swap`); absent or null for a plain run. */
  intervention?: string | null;
}

/**
 * Colour is the model and the dash the data a run read — its variant, or variant + transform for
 * an intervention — so a branch is drawn in its parent's colour with its own dash. Plain variants
 * take the first dashes (standard solid), interventions the later ones; `detail` keeps runs that
 * share both (seeds) as separate lines.
 */
function curveSeries<T extends CurveRun>(rows: readonly T[]) {
  const values = rows.map(({ intervention, ...r }) => ({ ...r, data: intervention ? `${r.variant} + ${intervention}` : r.variant }));
  // Plain variants first (standard first of all), then interventions, each group by name.
  const rank = (d: string) => (d.includes(' + ') ? 2 : d === 'standard' ? 0 : 1);
  const dashes = [...new Set(values.map((v) => v.data))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return {
    values,
    color: { field: 'model', type: 'nominal', title: 'model' },
    strokeDash: { field: 'data', type: 'nominal', title: 'data', scale: { domain: dashes } },
    detail: { field: 'run' },
  } as const;
}

/** Training loss per optimiser step, one line per run; a log step axis leaves out step 0. */
export function lossCurveChart(rows: readonly (CurveRun & { step: number; loss: number })[], opts: { logSteps: boolean }): TopLevelSpec {
  const { values, color, strokeDash, detail } = curveSeries(opts.logSteps ? rows.filter((r) => r.step > 0) : rows);
  return {
    $schema: SCHEMA,
    ...LAYOUT,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, cursor: 'pointer' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', scale: { type: opts.logSteps ? 'log' : 'linear' } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss', scale: { zero: false } },
      color,
      strokeDash,
      detail,
      // A line is one mark: its tooltip names the run, not a step.
      tooltip: [{ field: 'run' }, { field: 'model' }, { field: 'data' }],
    },
  };
}

/**
 * One evaluation metric per checkpoint, one line per run, against steps or tokens seen; each
 * checkpoint is a point whose datum keeps its `evaluationId`, so a reader can trace it.
 */
export function evaluationCurveChart(
  rows: readonly (CurveRun & { evaluationId: string; step: number; tokens: number; value: number })[],
  opts: { x: 'step' | 'tokens'; metric: string },
): TopLevelSpec {
  const { values, color, strokeDash, detail } = curveSeries(rows);
  const x =
    opts.x === 'step'
      ? ({ field: 'step', type: 'quantitative', title: 'step' } as const)
      : ({ field: 'tokens', type: 'quantitative', title: 'tokens seen', axis: { format: '.2s' } } as const);
  return {
    $schema: SCHEMA,
    ...LAYOUT,
    data: { values },
    encoding: { x, y: { field: 'value', type: 'quantitative', title: opts.metric, scale: { zero: false } }, color },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { strokeDash, detail } },
      {
        mark: { type: 'point', filled: true, size: 40, cursor: 'pointer' },
        encoding: {
          tooltip: [{ field: 'run' }, { field: 'data' }, { field: 'step' }, { field: 'tokens', format: ',' }, { field: 'value', format: '.4f' }],
        },
      },
    ],
  };
}
