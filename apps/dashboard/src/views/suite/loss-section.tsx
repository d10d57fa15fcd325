import { lossCurveChart } from '@cohort/analysis/charts';
import { useId, useMemo, useState } from 'react';
import { api } from '../../api/client';
import type { LossPoint, SuiteView } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { VegaFigure } from '../../charts/vega-figure';
import { Section } from '../../components/section';
import { useReloadOn } from '../../live/use-reload-on';
import { navigate } from '../../routes/history';
import { paths } from '../../routes/paths';
import { Loading } from '../loading';

/** Points per curve at most: a Pythia run logs 143 000 steps, more than an SVG line needs. */
const MAX_POINTS = 2000;

/** Every k-th point, and the last, so the curve ends where training is. */
function thin(points: LossPoint[]): LossPoint[] {
  const stride = Math.ceil(points.length / MAX_POINTS);
  return stride <= 1 ? points : points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}

export function LossSection({ suite, refreshes }: { suite: SuiteView; refreshes: number }) {
  const [logSteps, setLogSteps] = useState(false);
  const checkboxId = useId();
  const curves = useResource(`loss:${suite.runs.map((r) => r.id).join()}`, () =>
    Promise.all(suite.runs.map(async (run) => ({ run, points: await api.lossCurve(run.id) }))),
  );
  useReloadOn(curves.reload, refreshes);

  const spec = useMemo(() => {
    const rows = (curves.data ?? []).flatMap(({ run, points }) =>
      thin(points).map(({ step, loss }) => ({
        run: run.name,
        runId: run.id,
        model: run.modelName,
        variant: run.variant,
        intervention: run.transform,
        step,
        loss,
      })),
    );
    return rows.length ? lossCurveChart(rows, { logSteps }) : null;
  }, [curves.data, logSteps]);
  const thinned = curves.data?.some(({ points }) => points.length > MAX_POINTS);

  const toggle = (
    <span className="control">
      <input id={checkboxId} type="checkbox" checked={logSteps} onChange={(e) => setLogSteps(e.target.checked)} />
      <label htmlFor={checkboxId}>log-scaled steps</label>
    </span>
  );
  return (
    <Section title="Loss curves" tools={toggle}>
      {!curves.data ? (
        <Loading error={curves.error} what="the loss curves" />
      ) : !spec ? (
        <p className="muted">No loss recorded yet.</p>
      ) : (
        <VegaFigure
          chart="loss"
          spec={spec}
          fileName={`${suite.name}-loss`}
          onDatumClick={(datum) => typeof datum.runId === 'string' && navigate(paths.lineage('run', datum.runId))}
          caption={
            <>
              Training loss at every optimiser step{thinned && ` (at most ${MAX_POINTS} evenly spaced steps per run)`}.
              Colour is the model, the dash the data it read (variant, or variant + intervention). Click a line for its run’s lineage.
            </>
          }
        />
      )}
    </Section>
  );
}
