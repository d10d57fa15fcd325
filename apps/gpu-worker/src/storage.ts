import { join } from 'node:path';

/**
 * Where a worker keeps artefacts: one tree shared by every worker of a deployment (a ReadWriteMany
 * volume on Kubernetes, a folder here). Paths are derived from lineage ids, so any worker can find
 * any run's checkpoints and any suite's data.
 */
export class Storage {
  constructor(readonly root: string) {}

  suiteData(suiteId: string): string {
    return join(this.root, 'suites', suiteId, 'data');
  }

  checkpoints(runId: string): string {
    return join(this.root, 'runs', runId, 'checkpoints');
  }

  checkpoint(runId: string, step: number): string {
    return join(this.checkpoints(runId), `step${step}`);
  }

  /** Per-request results of one (checkpoint, task, shots) evaluation. */
  evaluationRequests(runId: string, step: number, task: string, shots: number): string {
    return join(this.root, 'runs', runId, 'evaluations', `step${step}`, `${task}-${shots}shot.requests.safetensors`);
  }

  /** The synthetic corpus's manifest (planted phenomena), when the suite's corpus is synthetic. */
  syntheticManifest(suiteId: string): string {
    return join(this.suiteData(suiteId), 'synthetic', 'manifest.json');
  }
}
