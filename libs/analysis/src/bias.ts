// Intervention studies (e.g. Pythia's gender-pronoun swap): a run resumed from a parent run's
// checkpoint with altered data, compared with the parent at the same steps.

export interface MetricRow {
  run: string;
  /** The run this one branched from; absent for a run trained from scratch. */
  parent?: string;
  step: number;
  metric: string;
  value: number;
}

export interface InterventionDelta {
  run: string;
  parent: string;
  step: number;
  metric: string;
  value: number;
  parentValue: number;
  /** value − parentValue. */
  delta: number;
  /** delta / |parentValue|, so its sign is the delta's; NaN where the parent's value is 0. */
  relative: number;
}

/**
 * For every run with a parent, its change against the parent at each (metric, step) that both
 * report, in the order of the run's rows. A parent absent from the rows contributes nothing.
 */
export function interventionDeltas(rows: readonly MetricRow[]): InterventionDelta[] {
  const parentOf = new Map<string, string | undefined>();
  const values = new Map<string, number>();
  const key = (run: string, metric: string, step: number) => JSON.stringify([run, metric, step]);
  for (const row of rows) {
    if (parentOf.has(row.run) && parentOf.get(row.run) !== row.parent) {
      throw new RangeError(`intervention deltas: run ${row.run} has rows with parents ${parentOf.get(row.run)} and ${row.parent}`);
    }
    parentOf.set(row.run, row.parent);
    const k = key(row.run, row.metric, row.step);
    if (values.has(k)) throw new RangeError(`intervention deltas: run ${row.run} reports ${row.metric} at step ${row.step} twice`);
    values.set(k, row.value);
  }
  const deltas: InterventionDelta[] = [];
  for (const { run, parent, step, metric, value } of rows) {
    if (parent === undefined) continue;
    const parentValue = values.get(key(parent, metric, step));
    if (parentValue === undefined) continue;
    const delta = value - parentValue;
    deltas.push({ run, parent, step, metric, value, parentValue, delta, relative: parentValue === 0 ? NaN : delta / Math.abs(parentValue) });
  }
  return deltas;
}
