#!/usr/bin/env node
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createApp } from './bootstrap';
import { loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadAppConfig();
  // The SDK's per-poll INFO lines drown the service's own log; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const app = await createApp();
  await app.listen(config.PORT, config.HOST);
  console.log(`[orchestrator] listening on ${await app.getUrl()} (REST /suites, GraphQL /graphql, OpenAPI /docs)`);
}

main().catch((err: Error) => {
  console.error(`[orchestrator] fatal: ${err.message}`);
  process.exit(1);
});
