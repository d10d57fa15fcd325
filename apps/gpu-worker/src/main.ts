#!/usr/bin/env node
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from './config';
import { runComputeWorker } from './worker';

// The SDK's per-poll INFO lines drown the worker's own log; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });

runComputeWorker(loadConfig()).catch((err: Error) => {
  console.error(`[gpu-worker] fatal: ${err.message}`);
  process.exit(1);
});
