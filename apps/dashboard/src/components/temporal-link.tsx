import { temporalWorkflowUrl, useConfig } from '../config/config';

/** Opens a workflow's execution (history, pending activities, workers) in the Temporal Web UI. */
export function TemporalLink({ workflowId, label = 'Temporal' }: { workflowId: string | null | undefined; label?: string }) {
  const config = useConfig();
  if (!workflowId) return <span className="muted">—</span>;
  return (
    <a href={temporalWorkflowUrl(config, workflowId)} target="_blank" rel="noreferrer" title={`Workflow ${workflowId} in the Temporal UI`}>
      {label}
    </a>
  );
}
