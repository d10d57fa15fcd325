import { useLayoutEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { LineageGraph, LineageNode } from '../api/types';
import { KIND_COLOURS } from './kinds';
import { layoutLineage, NODE_HEIGHT, NODE_WIDTH } from './layout';

interface LineageGraphViewProps {
  graph: LineageGraph;
  selected: string;
  /** A node got focus: show its attributes. */
  onSelect: (node: LineageNode) => void;
  /** A node was clicked or Entered: open its own lineage. */
  onOpen: (node: LineageNode) => void;
}

const LABEL_CHARS = 26;
const clip = (text: string) =>
  text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;

/** The graph as SVG: sources left, derived right; every node a focusable link to its own graph. */
export function LineageGraphView({ graph, selected, onSelect, onOpen }: LineageGraphViewProps) {
  const layout = useMemo(() => layoutLineage(graph), [graph]);
  const canvas = useRef<HTMLDivElement>(null);
  // The root opens in view: upstream columns can push it past the canvas's right edge.
  useLayoutEffect(() => {
    const root = layout.nodes.find((p) => p.node.key === graph.root);
    if (canvas.current && root)
      canvas.current.scrollLeft = root.x + NODE_WIDTH / 2 - canvas.current.clientWidth / 2;
  }, [layout, graph.root]);
  const openOnEnter = (node: LineageNode) => (event: KeyboardEvent) => {
    if (event.key === 'Enter') onOpen(node);
  };
  return (
    <div ref={canvas} className="lineage-canvas">
      <svg
        className="lineage-graph"
        aria-label="Lineage graph"
        role="group"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
      >
        <defs>
          <marker
            id="lineage-arrow"
            viewBox="0 0 8 8"
            refX="8"
            refY="4"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L8,4 L0,8 Z" className="edge-arrow" />
          </marker>
        </defs>
        <g className="edges" aria-hidden="true">
          {layout.edges.map(({ edge, path, label }, i) => (
            <g key={`${edge.from}>${edge.to}>${i}`} className="edge">
              <title>{`${edge.from} — ${edge.relation} → ${edge.to}`}</title>
              <path d={path} markerEnd="url(#lineage-arrow)" />
              <text x={label.x} y={label.y} textAnchor={label.anchor}>
                {edge.relation}
              </text>
            </g>
          ))}
        </g>
        {layout.nodes.map(({ node, x, y, leaf }) => {
          const colours = KIND_COLOURS[node.kind] ?? KIND_COLOURS.file;
          const isRoot = node.key === graph.root;
          return (
            <g
              key={node.key}
              data-node={node.key}
              data-kind={node.kind}
              data-leaf={leaf || undefined}
              className={['node', isRoot && 'root', node.key === selected && 'selected']
                .filter(Boolean)
                .join(' ')}
              transform={`translate(${x},${y})`}
              tabIndex={0}
              role="link"
              aria-label={`${node.kind} ${node.label}${leaf ? ' (leaf)' : ''}${isRoot ? ' (this graph’s root)' : ''}`}
              aria-current={isRoot ? 'page' : undefined}
              onFocus={() => onSelect(node)}
              onClick={() => onOpen(node)}
              onKeyDown={openOnEnter(node)}
            >
              <title>{`${node.kind}: ${node.label}`}</title>
              <rect
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx={leaf ? NODE_HEIGHT / 2 : 5}
                fill={colours.fill}
                stroke={colours.stroke}
              />
              {leaf && (
                <circle
                  className="leaf-mark"
                  cx={NODE_WIDTH - 14}
                  cy={NODE_HEIGHT / 2}
                  r={4}
                  fill={colours.stroke}
                />
              )}
              <text x={leaf ? 18 : 10} y={16} className="node-kind" fill={colours.stroke}>
                {node.kind}
              </text>
              <text x={leaf ? 18 : 10} y={33} className="node-label">
                {clip(node.label)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
