import { useState } from 'react';
import { api } from '../api/client';
import { LINEAGE_KINDS, type LineageKind } from '../api/types';
import { useResource } from '../api/use-resource';
import { Section } from '../components/section';
import { AttributesPanel } from '../lineage/attributes-panel';
import { KIND_COLOURS, UNRECORDED_KINDS } from '../lineage/kinds';
import { LineageGraphView } from '../lineage/lineage-graph';
import { navigate } from '../routes/history';
import { paths } from '../routes/paths';
import { Loading } from './loading';
import { NotFoundPage } from './not-found-page';
import { useDocumentTitle } from './use-document-title';

/** Where a number came from (left) and what was computed from it (right). */
export function LineagePage({ kind, id }: { kind: LineageKind; id: string }) {
  const graph = useResource(`${kind}:${id}`, () => api.lineage(kind, id));
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const root = graph.data?.nodes.find((n) => n.key === graph.data?.root);
  useDocumentTitle(`Lineage of ${root?.label ?? `${kind} ${id}`}`);

  // 400 too: the API graphs recorded kinds only (an address typed by hand may name another).
  if (graph.error?.status === 404 || graph.error?.status === 400) return <NotFoundPage message={graph.error.message} />;
  const selected = graph.data?.nodes.find((n) => n.key === selectedKey) ?? root;
  const kinds = LINEAGE_KINDS.filter((k) => graph.data?.nodes.some((n) => n.kind === k));

  return (
    <div className="page">
      <h1>Lineage of {root?.label ?? `${kind} ${id}`}</h1>
      {!graph.data ? (
        <Loading error={graph.error} what="the lineage" />
      ) : (
        <>
          <p className="muted">
            What it was computed from is to the left, what was computed from it to the right; {graph.data.nodes.length} nodes,{' '}
            {graph.data.upstream.length + graph.data.downstream.length} edges. Click a node (or focus it and press Enter) to open its own
            lineage. Rounded nodes are where the trace ends: the files, the tokenizer and the code version.
          </p>
          {graph.data.truncated && (
            <p className="note" data-truncated="true">
              Truncated: the downstream was cut off at the API’s limit. Open a node to follow it further.
            </p>
          )}
          <ul className="legend" aria-label="Node kinds">
            {kinds.map((k) => (
              <li key={k}>
                <span className="swatch" style={{ background: KIND_COLOURS[k]?.fill, borderColor: KIND_COLOURS[k]?.stroke }} aria-hidden="true" />
                {k}
              </li>
            ))}
          </ul>
          <div className="lineage">
            <Section title="Graph">
              <LineageGraphView
                graph={graph.data}
                selected={selected?.key ?? ''}
                onSelect={(node) => setSelectedKey(node.key)}
                onOpen={(node) => (UNRECORDED_KINDS.has(node.kind) ? setSelectedKey(node.key) : navigate(paths.lineage(node.kind, node.id)))}
              />
            </Section>
            {selected && <AttributesPanel node={selected} isRoot={selected.key === graph.data.root} />}
          </div>
        </>
      )}
    </div>
  );
}
