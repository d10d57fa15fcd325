import { useCallback, useState } from 'react';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useSuiteEvents } from '../../live/use-suite-events';
import { useReloadOn } from '../../live/use-reload-on';
import { Loading } from '../loading';
import { NotFoundPage } from '../not-found-page';
import { useDocumentTitle } from '../use-document-title';
import { AnalysesSection } from './analyses-section';
import { CheckpointsSection } from './checkpoints-section';
import { EvaluationSection } from './evaluation-section';
import { LossSection } from './loss-section';
import { RunsSection } from './runs-section';
import { SpecSection } from './spec-section';
import { SuiteActions } from './suite-actions';
import { SuiteHeader } from './suite-header';
import { useControls } from './use-controls';

const LIVE_STATUSES = ['pending', 'running'];

export function SuitePage({ suiteId }: { suiteId: string }) {
  const suite = useResource(`suite:${suiteId}`, () => api.suite(suiteId));
  const live = useSuiteEvents(suiteId, LIVE_STATUSES.includes(suite.data?.status ?? ''));
  // Sections refetch on live news and after each action of the reader's.
  const [actionsDone, setActionsDone] = useState(0);
  const refreshes = live.refreshes + actionsDone;
  useReloadOn(suite.reload, refreshes);
  const controls = useControls(useCallback(() => setActionsDone((n) => n + 1), []));
  useDocumentTitle(suite.data?.name ?? 'Suite');

  if (suite.error?.status === 404) return <NotFoundPage message={suite.error.message} />;
  if (!suite.data) {
    return (
      <div className="page">
        <h1>Suite</h1>
        <Loading error={suite.error} what="the suite" />
      </div>
    );
  }
  return (
    <div className="page">
      <SuiteHeader suite={suite.data} />
      <SuiteActions suite={suite.data} controls={controls} />
      <p role="status" className={`outcome outcome-${controls.outcome?.state ?? 'none'}`}>
        {controls.outcome?.text}
      </p>
      <ConfirmDialog request={controls.confirming} onClose={controls.closeConfirm} />
      <RunsSection suite={suite.data} live={live.runs} onControl={controls.confirm} />
      <LossSection suite={suite.data} refreshes={refreshes} />
      <EvaluationSection suite={suite.data} refreshes={refreshes} />
      <AnalysesSection suite={suite.data} refreshes={refreshes} />
      <CheckpointsSection suite={suite.data} />
      <SpecSection suite={suite.data} />
    </div>
  );
}
