#!/usr/bin/env node
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AddressInfo } from 'node:net';
import { createApp } from './bootstrap';
import { loadAppConfig, type AppConfig } from './config/app-config';
import { createDashboardServer, DEFAULT_DASHBOARD_ROOT } from './dashboard/dashboard-server';

async function main(): Promise<void> {
  const config = loadAppConfig();
  // The SDK's per-poll INFO lines drown the service's own log; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const app = await createApp();
  await app.listen(config.PORT, config.HOST);
  console.log(`[orchestrator] listening on ${await app.getUrl()} (REST /suites, GraphQL /graphql, OpenAPI /docs)`);
  if (config.DASHBOARD_PORT !== undefined) await startDashboard(config, (app.getHttpServer().address() as AddressInfo).port);
}

async function startDashboard(config: AppConfig, apiPort: number): Promise<void> {
  const server = createDashboardServer({
    root: config.COHORT_DASHBOARD_DIR ?? DEFAULT_DASHBOARD_ROOT,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    temporalUiUrl: config.TEMPORAL_UI_URL,
    temporalNamespace: config.TEMPORAL_NAMESPACE,
  });
  await new Promise<void>((ready, fail) => server.once('error', fail).listen(config.DASHBOARD_PORT, config.HOST, ready));
  const { port } = server.address() as AddressInfo;
  console.log(`[orchestrator] dashboard on http://${config.HOST}:${port}/`);
}

main().catch((err: Error) => {
  console.error(`[orchestrator] fatal: ${err.message}`);
  process.exit(1);
});
