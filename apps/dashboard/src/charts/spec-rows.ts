import type { Cell } from '@cohort/analysis/tables';
import type { VisualizationSpec } from 'vega-embed';

type Row = Record<string, Cell>;

const inlineValues = (part: unknown): Row[] => {
  const values = (part as { data?: { values?: unknown } }).data?.values;
  return Array.isArray(values) ? (values as Row[]) : [];
};

/**
 * The data a figure draws: the specs here and the analyses' own inline their rows, at the top or
 * per layer (a reference line's rows come along with the points they frame).
 */
export function specRows(spec: VisualizationSpec): Row[] {
  const layers = (spec as { layer?: unknown[] }).layer ?? [];
  return [spec, ...layers].flatMap(inlineValues);
}
