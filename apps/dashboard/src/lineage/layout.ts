import type { LineageEdge, LineageGraph, LineageNode } from '../api/types';

// A layered drawing of a lineage graph: what the root was computed from in columns to its left
// (farther back, farther left), what was computed from it to its right. Every edge runs from the
// source (left) to what was derived from it (right).

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 44;
const COLUMN_GAP = 96;
const ROW_GAP = 14;
const MARGIN = 16;

export interface PlacedNode {
  node: LineageNode;
  column: number;
  /** Where a trace ends: on the root's side, a node computed from nothing recorded. */
  leaf: boolean;
  x: number;
  y: number;
}

export interface PlacedEdge {
  edge: LineageEdge;
  /** An SVG path from the source's right side to the derived node's left side. */
  path: string;
  /** Where the relation is written: beside the end away from the root, where edges fan out. */
  label: { x: number; y: number; anchor: 'start' | 'end' };
}

export interface LineageLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/**
 * Each node's column: the longest chain of edges from the root, negative upstream, so every edge
 * crosses at least one column left to right. Chains are at most as long as the graph is big,
 * which also bounds the loop on a graph with a cycle.
 */
function columns(graph: LineageGraph): Map<string, number> {
  const column = new Map([[graph.root, 0]]);
  const relax = (edges: LineageEdge[], near: 'from' | 'to', step: 1 | -1) => {
    for (let round = 0; round < graph.nodes.length; round++) {
      let changed = false;
      for (const edge of edges) {
        const base = column.get(edge[near]);
        const far = near === 'from' ? edge.to : edge.from;
        if (base === undefined || far === graph.root) continue;
        const wanted = base + step;
        const current = column.get(far);
        if (current === undefined || Math.abs(wanted) > Math.abs(current)) {
          column.set(far, wanted);
          changed = true;
        }
      }
      if (!changed) break;
    }
  };
  relax(graph.upstream, 'from', -1); // upstream: `from` (nearer the root) was derived from `to`
  relax(graph.downstream, 'to', 1); // downstream: `from` was derived from `to` (nearer the root)
  return column;
}

/**
 * Orders each column by the mean row of its neighbours in the column next nearer the root
 * (a barycentre sweep outwards), which keeps most edges from crossing.
 */
function rows(graph: LineageGraph, column: Map<string, number>): Map<number, LineageNode[]> {
  const neighbours = new Map<string, string[]>();
  for (const { from, to } of [...graph.upstream, ...graph.downstream]) {
    append(neighbours, from, to);
    append(neighbours, to, from);
  }
  const byColumn = new Map<number, LineageNode[]>();
  for (const node of graph.nodes) append(byColumn, column.get(node.key) ?? 0, node);
  const row = new Map<string, number>();
  const order = [...byColumn.keys()].sort((a, b) => Math.abs(a) - Math.abs(b));
  for (const c of order) {
    const inner = c - Math.sign(c);
    const barycentre = (node: LineageNode) => {
      const placed = (neighbours.get(node.key) ?? []).filter((k) => column.get(k) === inner && row.has(k));
      return placed.length ? placed.reduce((s, k) => s + (row.get(k) as number), 0) / placed.length : Infinity;
    };
    const nodes = byColumn.get(c) as LineageNode[];
    const keyed = nodes.map((node) => ({ node, at: barycentre(node) }));
    keyed.sort((a, b) => a.at - b.at || a.node.kind.localeCompare(b.node.kind) || byLabel.compare(a.node.label, b.node.label));
    byColumn.set(c, keyed.map((k) => k.node));
    keyed.forEach(({ node }, i) => row.set(node.key, i));
  }
  return byColumn;
}

/** "checkpoint step 2" before "checkpoint step 10". */
const byLabel = new Intl.Collator('en', { numeric: true });

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function layoutLineage(graph: LineageGraph): LineageLayout {
  const column = columns(graph);
  const byColumn = rows(graph, column);
  const first = Math.min(...byColumn.keys());
  const last = Math.max(...byColumn.keys());
  const tallest = Math.max(...[...byColumn.values()].map((nodes) => nodes.length));
  const rowHeight = NODE_HEIGHT + ROW_GAP;
  const height = tallest * rowHeight - ROW_GAP + 2 * MARGIN;

  // Columns hang from the top: a suite's evaluations make a column hundreds of nodes tall, and the
  // root and its near neighbours should be in view without scrolling down to its middle.
  const derived = new Set(graph.upstream.map((e) => e.from));
  const nodes: PlacedNode[] = [];
  for (const [c, inColumn] of byColumn) {
    inColumn.forEach((node, i) =>
      nodes.push({ node, column: c, leaf: c <= 0 && !derived.has(node.key), x: MARGIN + (c - first) * (NODE_WIDTH + COLUMN_GAP), y: MARGIN + i * rowHeight }),
    );
  }

  const at = new Map(nodes.map((p) => [p.node.key, p]));
  const edges: PlacedEdge[] = [];
  const place = (edge: LineageEdge, upstream: boolean) => {
    const source = at.get(edge.to);
    const derived = at.get(edge.from);
    if (!source || !derived) return;
    const [x1, y1] = [source.x + NODE_WIDTH, source.y + NODE_HEIGHT / 2];
    const [x2, y2] = [derived.x, derived.y + NODE_HEIGHT / 2];
    const bend = Math.max(COLUMN_GAP / 2, Math.abs(x2 - x1) / 2);
    edges.push({
      edge,
      path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      label: upstream ? { x: x1 + 6, y: y1 - 5, anchor: 'start' } : { x: x2 - 10, y: y2 - 5, anchor: 'end' },
    });
  };
  for (const edge of graph.upstream) place(edge, true);
  for (const edge of graph.downstream) place(edge, false);
  return { width: (last - first + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP + 2 * MARGIN, height, nodes, edges };
}
