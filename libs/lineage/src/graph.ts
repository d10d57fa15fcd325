import type { LineageClient } from './client';
import { collectDownstream } from './graph-downstream';
import { find, type Described } from './graph-nodes';
import { collectUpstream } from './graph-upstream';

/**
 * The lineage graph of one recorded thing: everything it was computed from (upstream, down to the
 * corpus files, the tokenizer and the code version) and everything computed from it (downstream).
 * This is the contract the API serves and the dashboard draws.
 */

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

/** A suite's downstream is every checkpoint and evaluation it has: a drawing needs a bound. */
export const DOWNSTREAM_LIMIT = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isRecordedKind = (kind: string): kind is RecordedKind => (RECORDED_KINDS as readonly string[]).includes(kind);
export const isUuid = (id: string): boolean => UUID.test(id);

/**
 * The graph around the `kind` row `id`, or undefined when there is no such row (an id that is no
 * UUID names no row either: PostgreSQL would reject it as malformed input, not answer "none").
 * Queries are batched per kind and level, so their number grows with the graph's depth only.
 */
export async function lineageGraph(db: LineageClient, kind: RecordedKind, id: string): Promise<LineageGraph | undefined> {
  if (!isUuid(id)) return undefined;
  const [root] = await find[kind](db, { id });
  if (!root) return undefined;
  const [upstream, downstream] = await Promise.all([collectUpstream(db, root), collectDownstream(db, root, DOWNSTREAM_LIMIT)]);
  return {
    root: root.node.key,
    nodes: [...upstream, ...downstream.found].map((d) => d.node),
    upstream: edgesWithin(upstream, upstream),
    downstream: edgesWithin(downstream.found, [root, ...downstream.found]),
    truncated: downstream.truncated,
  };
}

/** The edges from `from` to nodes of `within`, once each; a reference to a row that is gone is left out. */
function edgesWithin(from: Described[], within: Described[]): LineageEdge[] {
  const keys = new Set(within.map((d) => d.node.key));
  const edges = new Map<string, LineageEdge>();
  for (const d of from) {
    for (const p of d.parents) {
      if (keys.has(p.key)) edges.set(`${d.node.key} ${p.relation} ${p.key}`, { from: d.node.key, to: p.key, relation: p.relation });
    }
  }
  return [...edges.values()];
}
