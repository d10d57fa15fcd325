#!/usr/bin/env node
// Orchestration overhead: launches a suite through the running orchestrator, waits for it, then
// reads every workflow's history from Temporal and compares, side by side:
//   wall time of the suite (SuiteWorkflow start → close)
//   busy time of the compute worker(s): the union of intervals in which a compute activity
//   (prepareData, trainSegment, probeBackend) was executing, from ActivityTaskStarted to its close.
// overhead = 1 − busy / wall: time the compute was idle because of scheduling, lineage writes,
// workflow tasks and child-workflow starts (goal < 5% on the demo suite).
// Usage: bash scripts/services/apps.sh start && node bench/orchestration/run.mjs [spec.yaml]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'apps', 'orchestrator', 'package.json'));
const { Client, Connection } = require('@temporalio/client');
const { parse } = require('yaml');
// The CLI's own token lookup: COHORT_TOKEN, else the token file setup wrote.
const { resolveToken } = require('./dist/src/cli/credentials.js');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${resolveToken()}` };

const api = process.env.COHORT_API_URL ?? 'http://127.0.0.1:3000';
const specPath = process.argv[2] ?? join(root, 'examples', 'tiny-suite.yaml');
const spec = parse(readFileSync(specPath, 'utf8'));
spec.name = `${spec.name}-bench-${Date.now()}`;

const post = await fetch(`${api}/suites`, { method: 'POST', headers, body: JSON.stringify(spec) });
if (post.status !== 201) throw new Error(`launch failed: ${post.status} ${await post.text()}`);
const { id, workflowId } = await post.json();
let suite;
do {
  await new Promise((r) => setTimeout(r, 1000));
  suite = await (await fetch(`${api}/suites/${id}`, { headers })).json();
} while (!['completed', 'failed', 'cancelled'].includes(suite.status));
if (suite.status !== 'completed') throw new Error(`suite ${suite.status}: ${suite.error}`);

const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const client = new Client({ connection });
const ms = (t) => Number(t.seconds) * 1000 + Math.round(t.nanos / 1e6);
const COMPUTE = new Set(['prepareData', 'trainSegment', 'probeBackend']);

async function activityIntervals(wfId) {
  const { events } = await client.workflow.getHandle(wfId).fetchHistory();
  const scheduled = new Map();
  const started = new Map();
  const out = [];
  let wall = [0, 0];
  for (const e of events) {
    const t = ms(e.eventTime);
    if (e.workflowExecutionStartedEventAttributes) wall[0] = t;
    if (e.workflowExecutionCompletedEventAttributes || e.workflowExecutionContinuedAsNewEventAttributes) wall[1] = t;
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType.name);
    const st = e.activityTaskStartedEventAttributes;
    if (st) started.set(String(st.scheduledEventId), t);
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (done) {
      const key = String(done.scheduledEventId);
      if (COMPUTE.has(scheduled.get(key))) out.push([started.get(key), t, scheduled.get(key)]);
    }
  }
  return { out, wall };
}

const suiteHistory = await activityIntervals(workflowId);
const intervals = [...suiteHistory.out];
for (const run of suite.runs) intervals.push(...(await activityIntervals(`run-${id}-${run.name}`)).out);
await connection.close();

// Union of busy intervals (one worker runs one activity at a time; several workers may overlap).
intervals.sort((a, b) => a[0] - b[0]);
let busy = 0;
let [curStart, curEnd] = [intervals[0][0], intervals[0][1]];
for (const [s, e] of intervals.slice(1)) {
  if (s > curEnd) {
    busy += curEnd - curStart;
    [curStart, curEnd] = [s, e];
  } else curEnd = Math.max(curEnd, e);
}
busy += curEnd - curStart;
const wall = suiteHistory.wall[1] - suiteHistory.wall[0];
const byType = {};
for (const [s, e, type] of intervals) byType[type] = (byType[type] ?? 0) + (e - s);

console.log(`suite ${suite.name}: ${suite.runs.length} runs, ${intervals.length} compute activities`);
for (const [type, total] of Object.entries(byType)) console.log(`  ${type.padEnd(14)} ${(total / 1000).toFixed(2).padStart(8)} s`);
console.log(`wall time (SuiteWorkflow)        ${(wall / 1000).toFixed(2).padStart(8)} s`);
console.log(`compute busy (union of activities) ${(busy / 1000).toFixed(2).padStart(6)} s`);
console.log(`orchestration overhead           ${((1 - busy / wall) * 100).toFixed(2).padStart(7)} %   (goal < 5%)`);
