import type { Prisma } from '@prisma/client';
import type { LineageClient } from './client';
import type { LineageKind, RecordedKind } from './graph-contract';
import { find, type Described, type Page } from './graph-nodes';

/** The children of a level's nodes of one kind: rows computed from them. */
type ChildQuery = (db: LineageClient, ids: string[], page: Page) => Promise<Described[]>;

/** Analyses whose `inputs` list one of these checkpoints or evaluations. */
const reading = (field: 'checkpoints' | 'evaluations', ids: string[]): Prisma.AnalysisWhereInput => ({
  OR: ids.map((id) => ({ inputs: { path: [field], array_contains: [id] } })),
});

/** The reverse of each upstream relation (graph-nodes), by the kind computed from. */
const CHILDREN: Record<RecordedKind, ChildQuery[]> = {
  suite: [
    (db, ids, page) => find.run(db, { suiteId: { in: ids } }, page),
    (db, ids, page) => find.analysis(db, { suiteId: { in: ids } }, page),
    (db, ids, page) => find.artifact(db, { suiteId: { in: ids }, analysisId: null }, page),
  ],
  corpus: [(db, ids, page) => find.dataset(db, { corpusId: { in: ids } }, page)],
  tokenizer: [(db, ids, page) => find.dataset(db, { tokenizerId: { in: ids } }, page)],
  dataset: [(db, ids, page) => find.dataset(db, { parentId: { in: ids } }, page), (db, ids, page) => find.order(db, { datasetId: { in: ids } }, page)],
  order: [(db, ids, page) => find.run(db, { dataOrderId: { in: ids } }, page)],
  'model-config': [(db, ids, page) => find.run(db, { modelConfigId: { in: ids } }, page)],
  run: [(db, ids, page) => find.checkpoint(db, { runId: { in: ids } }, page), (db, ids, page) => find.run(db, { parentRunId: { in: ids } }, page)],
  checkpoint: [(db, ids, page) => find.evaluation(db, { checkpointId: { in: ids } }, page), (db, ids, page) => find.analysis(db, reading('checkpoints', ids), page)],
  evaluation: [(db, ids, page) => find.analysis(db, reading('evaluations', ids), page)],
  analysis: [(db, ids, page) => find.artifact(db, { analysisId: { in: ids } }, page)],
  artifact: [],
};

/** Files and code versions are leaves of what is recorded: nothing here says what read them. */
const childQueries = (kind: LineageKind): ChildQuery[] => CHILDREN[kind as RecordedKind] ?? [];

/**
 * Everything computed from `root`, transitively, at most `limit` nodes (root not counted). Each
 * level runs each child query once over all its ids; queries run one after another so that each
 * leaves out what the ones before found, and `take` = room + 1 tells a full graph from a cut one.
 */
export async function collectDownstream(db: LineageClient, root: Described, limit: number): Promise<{ found: Described[]; truncated: boolean }> {
  const found = new Map<string, Described>();
  const exclude = (kind: RecordedKind): string[] => [root, ...found.values()].filter((d) => d.node.kind === kind).map((d) => d.node.id);
  let level = [root];
  while (level.length > 0) {
    const next: Described[] = [];
    for (const [kind, ids] of idsByKind(level)) {
      for (const query of childQueries(kind)) {
        const room = limit - found.size;
        const children = await query(db, ids, { exclude, take: room + 1 });
        for (const child of children.slice(0, room)) {
          found.set(child.node.key, child);
          next.push(child);
        }
        if (children.length > room) return { found: [...found.values()], truncated: true };
      }
    }
    level = next;
  }
  return { found: [...found.values()], truncated: false };
}

function idsByKind(level: Described[]): Map<LineageKind, string[]> {
  const byKind = new Map<LineageKind, string[]>();
  for (const { node } of level) byKind.set(node.kind, [...(byKind.get(node.kind) ?? []), node.id]);
  return byKind;
}
