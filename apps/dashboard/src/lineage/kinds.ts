import { LEAF_KINDS, type LineageKind } from '../api/types';

/** A fill (light) and an outline (dark) per kind: data artefacts warm, training cool, results green. */
export const KIND_COLOURS: Record<LineageKind, { fill: string; stroke: string }> = {
  suite: { fill: '#e8eaf6', stroke: '#3949ab' },
  corpus: { fill: '#fff3e0', stroke: '#e65100' },
  tokenizer: { fill: '#fbe9e7', stroke: '#bf360c' },
  dataset: { fill: '#fff8e1', stroke: '#a86b00' },
  order: { fill: '#fffde7', stroke: '#827717' },
  'model-config': { fill: '#f3e5f5', stroke: '#7b1fa2' },
  run: { fill: '#e3f2fd', stroke: '#1565c0' },
  checkpoint: { fill: '#e0f7fa', stroke: '#00838f' },
  evaluation: { fill: '#e8f5e9', stroke: '#2e7d32' },
  analysis: { fill: '#f1f8e9', stroke: '#558b2f' },
  artifact: { fill: '#f9fbe7', stroke: '#6b7a1a' },
  file: { fill: '#eceff1', stroke: '#455a64' },
  code: { fill: '#efebe9', stroke: '#5d4037' },
};

/** Kinds the API keeps no record of (a file on disk, a code version): they have no graph of their own. */
export const UNRECORDED_KINDS: ReadonlySet<LineageKind> = new Set(LEAF_KINDS);
