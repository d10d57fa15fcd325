import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Result, VisualizationSpec } from 'vega-embed';
import { CsvButton } from '../export/csv-button';
import { downloadText, downloadUrl } from '../export/download';
import { specRows } from './spec-rows';

interface VegaFigureProps {
  /** `data-chart`: what the figure shows, for readers of the DOM (tests among them). */
  chart: string;
  caption: ReactNode;
  spec: VisualizationSpec;
  /** Base name of the exported files. */
  fileName: string;
  /** Called with the datum of a clicked mark (a line's first row, a point's own). */
  onDatumClick?: (datum: Record<string, unknown>) => void;
}

/**
 * A Vega-Lite spec drawn by vega-embed as SVG (inspectable, and vega's aria labels stay on), with
 * export buttons of its own in place of vega-embed's menu. `data-rendered` is true once the
 * current spec is on screen, and false while a new one is being drawn.
 */
export function VegaFigure({ chart, caption, spec, fileName, onDatumClick }: VegaFigureProps) {
  const container = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Result['view'] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const onClick = useRef(onDatumClick);
  useEffect(() => {
    onClick.current = onDatumClick;
  });

  useEffect(() => {
    let stopped = false;
    let result: Result | undefined;
    setView(null);
    setFailure(null);
    (async () => {
      // Vega is most of the bundle: it loads with the first figure, not with the page.
      const { default: embed } = await import('vega-embed');
      if (stopped) return;
      result = await embed(container.current as HTMLDivElement, spec, { renderer: 'svg', actions: false });
      if (stopped) return result.finalize();
      result.view.addEventListener('click', (_event, item) => {
        const datum = item?.datum as Record<string, unknown> | undefined;
        if (datum) onClick.current?.(datum);
      });
      setView(result.view);
    })().catch((err: Error) => {
      if (!stopped) setFailure(err.message);
    });
    return () => {
      stopped = true;
      result?.finalize();
    };
  }, [spec]);

  const exportSvg = async () => view && downloadText(await view.toSVG(), `${fileName}.svg`, 'image/svg+xml');
  const exportPng = async () => view && downloadUrl(await view.toImageURL('png', 2), `${fileName}.png`);

  return (
    <figure className="chart" data-chart={chart} data-rendered={view !== null}>
      <div ref={container} className={onDatumClick ? 'chart-canvas clickable' : 'chart-canvas'} />
      {failure && <p className="form-error">This figure could not be drawn: {failure}</p>}
      <figcaption>
        <span>{caption}</span>
        <span className="export" role="group" aria-label="Export figure">
          <button type="button" className="small" onClick={exportSvg} disabled={!view}>
            SVG
          </button>
          <button type="button" className="small" onClick={exportPng} disabled={!view}>
            PNG
          </button>
          <CsvButton rows={specRows(spec)} fileName={fileName} />
        </span>
      </figcaption>
    </figure>
  );
}
