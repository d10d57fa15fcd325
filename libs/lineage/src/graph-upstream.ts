import type { LineageClient } from './client';
import type { RecordedKind } from './graph-contract';
import { find, type Described } from './graph-nodes';

/**
 * The full upstream closure of `root` (root included): each level reads the rows the previous
 * level refers to, one query per kind, until only leaves (files, code versions, specs) are left.
 */
export async function collectUpstream(db: LineageClient, root: Described): Promise<Described[]> {
  const found = new Map<string, Described>([[root.node.key, root]]);
  let level = [root];
  while (level.length > 0) {
    const wanted = new Map<RecordedKind, Set<string>>();
    for (const parent of level.flatMap((d) => d.parents)) {
      if (found.has(parent.key)) continue;
      if ('leaf' in parent) found.set(parent.key, { node: parent.leaf, parents: [] });
      else wanted.set(parent.kind, (wanted.get(parent.kind) ?? new Set()).add(parent.id));
    }
    const batches = await Promise.all([...wanted].map(([kind, ids]) => find[kind](db, { id: { in: [...ids] } })));
    level = batches.flat();
    for (const d of level) found.set(d.node.key, d);
  }
  return [...found.values()];
}
