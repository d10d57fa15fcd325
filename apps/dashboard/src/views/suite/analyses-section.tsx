import { api } from '../../api/client';
import type { AnalysisView, SuiteView } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Section } from '../../components/section';
import { useReloadOn } from '../../live/use-reload-on';
import { Loading } from '../loading';
import { AnalysisCard } from './analysis-card';

/** Analyses run on their own, after training: while any is unfinished the list is asked again this often. */
const UNFINISHED_POLL_MS = 3000;

const pollWhileUnfinished = (analyses: AnalysisView[]) =>
  analyses.some((a) => a.status === 'pending' || a.status === 'running') ? UNFINISHED_POLL_MS : undefined;

export function AnalysesSection({ suite, refreshes }: { suite: SuiteView; refreshes: number }) {
  const analyses = useResource(`analyses:${suite.id}`, () => api.analyses(suite.id), pollWhileUnfinished);
  useReloadOn(analyses.reload, refreshes);
  return (
    <Section title="Analyses">
      {!analyses.data ? (
        <Loading error={analyses.error} what="the analyses" />
      ) : analyses.data.length === 0 ? (
        <p className="muted">No analyses yet: ask for some with “Analyse”.</p>
      ) : (
        analyses.data.map((analysis) => <AnalysisCard key={analysis.id} analysis={analysis} />)
      )}
    </Section>
  );
}
