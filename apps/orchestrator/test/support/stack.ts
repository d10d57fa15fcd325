import { mkdtempSync, rmSync } from 'node:fs';
import { Client, Connection, defaultPayloadConverter } from '@temporalio/client';
import { API_ROLES, createApiToken, createLineageClient, type ApiRole, type LineageClient } from '@cohort/lineage';
import { trainRunWorkflowId } from '@cohort/workflows';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { eventually, freePort, startProcess, temporalAddress, testDatabaseUrl, type RunningProcess } from './processes';

/**
 * A private Cohort deployment for one test file: an orchestrator and gpu-workers on task queues
 * no other process polls, sharing one artefact folder, against the real Temporal and Postgres.
 */
export class TestStack {
  readonly computeQueue: string;
  readonly orchestrationQueue: string;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'cohort-stack-'));
  api = '';
  /** The dashboard's URL, when the stack was made with DASHBOARD_PORT in its environment. */
  dashboard = '';
  orchestrator?: RunningProcess;
  readonly workers: RunningProcess[] = [];

  constructor(
    tag: string,
    private readonly env: Record<string, string> = {},
  ) {
    this.computeQueue = `cpu-${tag}`;
    this.orchestrationQueue = `orchestration-${tag}`;
  }

  private get common(): Record<string, string> {
    return { DATABASE_URL: testDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress, COHORT_DATA_DIR: this.dataDir, ...this.env };
  }

  /** The test's own clients of the lineage database and of Temporal (open between start and stop). */
  db!: LineageClient;
  temporal!: Client;
  /** A token of each role, made for this stack straight in the test database (deleted by stop). */
  readonly tokens = {} as Record<ApiRole, string>;
  private readonly tokenIds: string[] = [];

  async start(): Promise<void> {
    this.db = createLineageClient(testDatabaseUrl);
    for (const role of API_ROLES) this.tokens[role] = await this.mintToken(role);
    this.temporal = new Client({ connection: await Connection.connect({ address: temporalAddress }) });
    const port = await freePort();
    this.api = `http://127.0.0.1:${port}`;
    const withDashboard = this.env.DASHBOARD_PORT !== undefined;
    const [, orchestrator] = await Promise.all([
      this.startWorker(),
      startProcess(
        'apps/orchestrator/dist/src/main.js',
        { ...this.common, PORT: String(port), COHORT_ORCHESTRATION_QUEUE: this.orchestrationQueue },
        withDashboard ? /^(?=[\s\S]*polling task queue)(?=[\s\S]*dashboard on )/ : /polling task queue/,
      ),
    ]);
    this.orchestrator = orchestrator;
    if (withDashboard) this.dashboard = /dashboard on (http:\/\/\S+?)\/?\s/.exec(orchestrator.output())![1];
  }

  async startWorker(): Promise<RunningProcess> {
    const worker = await startProcess(
      'apps/gpu-worker/dist/src/main.js',
      { ...this.common, COHORT_TASK_QUEUE: this.computeQueue, COHORT_THREADS: '1' },
      /polling task queue/,
    );
    this.workers.push(worker);
    return worker;
  }

  /** Stops the processes and terminates any workflow this stack left running (a failed test). */
  async stop(): Promise<void> {
    await Promise.all([this.orchestrator?.stop(), ...this.workers.map((w) => w.stop())]);
    try {
      const client = this.temporal;
      for await (const wf of client.workflow.list({ query: `TaskQueue = '${this.orchestrationQueue}' AND ExecutionStatus = 'Running'` })) {
        await client.workflow.getHandle(wf.workflowId).terminate('test stack stopped').catch(() => undefined);
      }
    } finally {
      await this.temporal.connection.close();
      await this.db.auditEvent.deleteMany({ where: { tokenId: { in: this.tokenIds } } });
      await this.db.apiToken.deleteMany({ where: { id: { in: this.tokenIds } } });
      await this.db.$disconnect();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Launches a suite through REST (it must be accepted) and returns its id. */
  async launch(spec: object): Promise<string> {
    const res = await this.request('POST', '/suites', spec);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  }

  /** The suite once it is completed, failed or cancelled. */
  finished(id: string, timeoutMs = 300_000): Promise<any> {
    return eventually(
      `suite ${id} to finish`,
      async () => {
        const { status, body } = await this.request('GET', `/suites/${id}`).catch(() => ({ status: 0, body: {} }));
        return status === 200 && ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * What a run's pending activity last heartbeated (the activity of `type`, else the first),
   * read from Temporal itself; undefined before it has started or heartbeated.
   */
  async heartbeat<T>(suiteId: string, runName: string, type?: string): Promise<T | undefined> {
    try {
      const d = await this.temporal.workflow.getHandle(trainRunWorkflowId(suiteId, runName)).describe();
      const pending = d.raw.pendingActivities?.find((a) => !type || a.activityType?.name === type);
      const details = pending?.heartbeatDetails?.payloads?.[0];
      return details ? (defaultPayloadConverter.fromPayload(details) as T) : undefined;
    } catch {
      return undefined; // the run's workflow has not started yet
    }
  }

  /** A new token of `role` for this stack's tests (deleted by stop). */
  async mintToken(role: ApiRole, name = `test ${role} ${this.computeQueue}`): Promise<string> {
    const { id, token } = await createApiToken(this.db, name, role);
    this.tokenIds.push(id);
    return token;
  }

  /** The header that authenticates as `role` (or as a given token). */
  auth(role: ApiRole | { token: string } = 'operator'): { authorization: string } {
    return { authorization: `Bearer ${typeof role === 'string' ? this.tokens[role] : role.token}` };
  }

  /** The environment the `cohort` CLI needs to reach this stack as `role`. */
  cliEnv(role: ApiRole = 'operator'): Record<string, string> {
    return { COHORT_API_URL: this.api, COHORT_TOKEN: this.tokens[role] };
  }

  /** A JSON call of the API, as an operator unless `as` says otherwise (null: no token). */
  async request(method: 'GET' | 'POST', path: string, body?: unknown, as: ApiRole | { token: string } | null = 'operator'): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(as === null ? {} : this.auth(as)) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }
}
