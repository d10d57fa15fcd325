import { Inject, Injectable, NotFoundException, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { isApiTokenActive, latestMetrics, type LineageClient } from '@cohort/lineage';
import { runProgressQuery } from '@cohort/workflows';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { requireUuid } from '../common/ids';
import { callDependency } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { Caller } from '../auth/caller';

const FINAL = ['completed', 'failed', 'cancelled'];
const LIVE = ['running', 'paused'];

/** One run's state in a progress event: lineage's status and step, Temporal's speed and ETA. */
export interface RunProgressEntry {
  runId: string;
  name: string;
  status: string;
  step: number;
  totalSteps: number;
  lastLoss: number | null;
  tokensPerSecond: number | null;
  etaSeconds: number | null;
}

export interface SuiteProgressEvent {
  status: string;
  runs: RunProgressEntry[];
}

/**
 * A suite's progress as a stream of server-sent events: `progress` at connect and whenever it
 * changes, `end` once the suite is final, `unavailable` while a dependency is down (the stream
 * keeps trying), `revoked` when the caller's token is revoked (the guard checked it only at
 * connect; the stream ends, and a reconnect is refused). The server samples once per interval for every client, so a dashboard left open
 * costs one snapshot a second however often the page re-renders.
 */
@Injectable()
export class SuiteEventsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LINEAGE) private readonly db: LineageClient,
    private readonly temporal: TemporalClientService,
  ) {}

  /**
   * Throws 404 for an unknown suite: the first snapshot is taken before the stream starts, while a
   * status can still be sent, and it is the stream's first event.
   */
  async open(suiteId: string, caller: Caller): Promise<Observable<MessageEvent>> {
    return this.stream(suiteId, caller, await this.snapshot(suiteId));
  }

  private stream(suiteId: string, caller: Caller, first: SuiteProgressEvent): Observable<MessageEvent> {
    return new Observable<MessageEvent>((out) => {
      let last = '';
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      let next: SuiteProgressEvent | undefined = first;
      const tick = async (): Promise<void> => {
        try {
          if (!next && !(await callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, () => isApiTokenActive(this.db, caller.id)))) {
            out.next({ type: 'revoked', data: { message: `token "${caller.name}" was revoked` } });
            out.complete();
            return;
          }
          const snapshot = next ?? (await this.snapshot(suiteId));
          next = undefined;
          const json = JSON.stringify(snapshot);
          if (json !== last) out.next({ type: 'progress', data: snapshot });
          last = json;
          if (FINAL.includes(snapshot.status)) {
            out.next({ type: 'end', data: { status: snapshot.status } });
            out.complete();
            return;
          }
        } catch (err) {
          out.next({ type: 'unavailable', data: { message: (err as Error).message } });
        }
        if (!closed) timer = setTimeout(() => void tick(), this.config.COHORT_EVENTS_INTERVAL_MS);
      };
      void tick();
      return () => {
        closed = true;
        clearTimeout(timer);
      };
    });
  }

  async snapshot(suiteId: string): Promise<SuiteProgressEvent> {
    requireUuid('suite', suiteId);
    const timeout = this.config.COHORT_DEPENDENCY_TIMEOUT_MS;
    const suite = await callDependency('postgres', timeout, () =>
      this.db.suite.findUnique({
        where: { id: suiteId },
        select: { status: true, runs: { select: { id: true, name: true, status: true, training: true, workflowId: true }, orderBy: { name: 'asc' } } },
      }),
    );
    if (!suite) throw new NotFoundException(`suite ${suiteId} not found`);
    const latest = await callDependency('postgres', timeout, () => latestMetrics(this.db, suite.runs.map((r) => r.id)));
    const runs = await Promise.all(
      suite.runs.map(async (r): Promise<RunProgressEntry> => {
        const recorded = latest.get(r.id);
        const live = LIVE.includes(r.status) && r.workflowId ? await this.liveProgress(r.workflowId) : undefined;
        return {
          runId: r.id,
          name: r.name,
          // A pause or cancel takes effect between segments; the workflow knows of it at once.
          status: live && live.state !== 'running' ? live.state : r.status,
          step: Math.max(recorded?.step ?? 0, live?.step ?? 0),
          totalSteps: (r.training as { steps: number }).steps,
          lastLoss: live?.lastLoss ?? recorded?.loss ?? null,
          tokensPerSecond: live?.tokensPerSecond ?? null,
          etaSeconds: live?.etaSeconds ?? null,
        };
      }),
    );
    return { status: suite.status, runs };
  }

  /** The run workflow's own account of its speed; none while Temporal is unreachable. */
  private async liveProgress(workflowId: string) {
    try {
      return await callDependency('temporal', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, () =>
        this.temporal.client.workflow.getHandle(workflowId).query(runProgressQuery),
      );
    } catch {
      return undefined;
    }
  }
}
