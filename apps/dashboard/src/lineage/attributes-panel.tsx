import type { LineageNode } from '../api/types';
import { formatValue } from '../format';
import { LineageLink } from '../routes/link';
import { UNRECORDED_KINDS } from './kinds';

/** Long strings here are ids, hashes and URIs: set in monospace, and broken anywhere. */
const isCode = (value: unknown) => typeof value === 'string' && value.length > 24;

/** Everything lineage records about one node, and a way into its own graph. */
export function AttributesPanel({ node, isRoot }: { node: LineageNode; isRoot: boolean }) {
  const entries: [string, LineageNode['attributes'][string]][] = [['kind', node.kind], ['id', node.id], ...Object.entries(node.attributes)];
  return (
    <aside className="attributes" aria-label="Attributes">
      <h2>{node.label}</h2>
      <dl>
        {entries.map(([name, value], i) => (
          <div key={`${i}:${name}`}>
            <dt>{name}</dt>
            <dd className={isCode(value) ? 'mono' : undefined}>{formatValue(value)}</dd>
          </div>
        ))}
      </dl>
      {!isRoot && !UNRECORDED_KINDS.has(node.kind) && (
        <p>
          <LineageLink kind={node.kind} id={node.id}>
            Open the lineage of this {node.kind}
          </LineageLink>
        </p>
      )}
    </aside>
  );
}
