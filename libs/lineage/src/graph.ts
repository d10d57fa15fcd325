import type { LineageClient } from './client';
import { collectDownstream } from './graph-downstream';
import { find, type Described } from './graph-nodes';
import { collectUpstream } from './graph-upstream';
import { RECORDED_KINDS, type LineageEdge, type LineageGraph, type RecordedKind } from './graph-contract';

export * from './graph-contract';

// The lineage graph of one recorded thing: everything it was computed from (upstream, down to the
// corpus files, the tokenizer and the code version) and everything computed from it (downstream).

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
