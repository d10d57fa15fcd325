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

  /** Everything one analysis computes: its per-unit partial results and its artefacts. */
  analysis(analysisId: string): string {
    return join(this.root, 'analyses', analysisId);
  }

  /** One memorization scan (a run's checkpoint): its window list and its shards of scores. */
  memorizationScan(analysisId: string, runId: string, step: number): string {
    return join(this.analysis(analysisId), 'memorization', runId, `step${step}`);
  }

  /** One run's term-frequency inputs: operand counts per checkpoint window and arithmetic results. */
  termFrequency(analysisId: string, runId: string): string {
    return join(this.analysis(analysisId), 'term-frequency', runId);
  }

  /** The synthetic corpus's manifest (planted phenomena), when the suite's corpus is synthetic. */
  syntheticManifest(suiteId: string): string {
    return join(this.suiteData(suiteId), 'synthetic', 'manifest.json');
  }
}
