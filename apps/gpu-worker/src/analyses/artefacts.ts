import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File, writeFileAtomic } from '@cohort/data';
import { renderPng, renderSvg, toCsv, type Cell } from '@cohort/analysis';
import type { ArtifactInput } from '@cohort/lineage';

/** Artefacts up to this size are kept in the database too, so the API can serve them anywhere. */
const IN_DATABASE_MAX_BYTES = 4 << 20;

/** A Vega-Lite spec, as the chart builders of libs/analysis make them. */
type ChartSpec = Parameters<typeof renderSvg>[0];

/**
 * Writes an analysis's artefacts into its storage folder (each file atomically) and describes
 * them for lineage: tables as CSV, charts as their Vega-Lite spec (the dashboard renders the same
 * spec) and as SVG and PNG, and files already written by the units (score files).
 */
export class ArtefactWriter {
  readonly artifacts: ArtifactInput[] = [];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  table(name: string, rows: Record<string, Cell>[], columns?: string[]): void {
    this.write(`${name}.csv`, 'table', 'text/csv', Buffer.from(toCsv(rows, columns)));
  }

  async chart(name: string, spec: ChartSpec): Promise<void> {
    this.write(`${name}.vl.json`, 'chart-spec', 'application/vnd.vegalite.v6+json', Buffer.from(JSON.stringify(spec, null, 1)));
    const svg = await renderSvg(spec);
    this.write(`${name}.svg`, 'figure', 'image/svg+xml', Buffer.from(svg));
    this.write(`${name}.png`, 'figure', 'image/png', renderPng(svg));
  }

  /** A file a unit wrote under the analysis's folder (large: kept on storage only). */
  existing(name: string, kind: string, mediaType: string, path: string): void {
    this.artifacts.push({ name, kind, mediaType, uri: `file://${path}`, sha256: sha256File(path), bytes: statSync(path).size });
  }

  private write(name: string, kind: string, mediaType: string, content: Buffer): void {
    const path = join(this.dir, name);
    writeFileAtomic(path, content);
    this.artifacts.push({
      name,
      kind,
      mediaType,
      uri: `file://${path}`,
      sha256: sha256(content),
      bytes: content.length,
      ...(content.length <= IN_DATABASE_MAX_BYTES ? { content: new Uint8Array(content) } : {}),
    });
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
