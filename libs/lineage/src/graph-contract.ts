// The lineage graph as the API serves it and the dashboard draws it: types and kinds only, with no
// imports, so the browser bundle can share this one file with the server.

/** Kinds with a row in the lineage database: the ones a graph can be asked for. */
export const RECORDED_KINDS = ['suite', 'corpus', 'tokenizer', 'dataset', 'order', 'model-config', 'run', 'checkpoint', 'evaluation', 'analysis', 'artifact'] as const;
/** Kinds known only as a reference from a row (a corpus file, a code version): always leaves. */
export const LEAF_KINDS = ['file', 'code'] as const;
export const LINEAGE_KINDS = [...RECORDED_KINDS, ...LEAF_KINDS] as const;

export type RecordedKind = (typeof RECORDED_KINDS)[number];
export type LineageKind = (typeof LINEAGE_KINDS)[number];

export interface LineageNode {
  /** `${kind}:${id}` */
  key: string;
  kind: LineageKind;
  id: string;
  /** A short human label, e.g. "checkpoint step 64". */
  label: string;
  attributes: Record<string, string | number | boolean | null>;
}

/** `from` (a node key) was derived from, or depends on, `to`. */
export interface LineageEdge {
  from: string;
  to: string;
  relation: string;
}

export interface LineageGraph {
  /** Key of the node asked for. */
  root: string;
  nodes: LineageNode[];
  upstream: LineageEdge[];
  downstream: LineageEdge[];
  /** The downstream was cut at DOWNSTREAM_LIMIT nodes. */
  truncated: boolean;
}
