// Offline checks of the Kubernetes manifests (no cluster, no kubectl here): every kustomization
// resolves, every patch lands on a real field, and the objects agree with the code they deploy
// (env names the apps read, entry points that exist, the Job's suite spec passes the validator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const k8s = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(k8s, '..');
const require = createRequire(join(root, 'package.json'));
const { parseAllDocuments } = require('yaml');

const load = (file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);

/** Objects a kustomization directory contributes (resources, recursively), with its patches. */
function collect(dir) {
  const kustomization = load(join(dir, 'kustomization.yaml'))[0];
  const objects = [];
  for (const r of kustomization.resources ?? []) {
    const path = join(dir, r);
    assert.ok(existsSync(path), `${dir}: resource ${r} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? collect(path).objects : load(path)));
  }
  return { kustomization, objects };
}

/** Walks a JSON-patch path ("/spec/template/…") and returns whether it exists. */
function hasPath(obj, path) {
  let node = obj;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Env var names an app validates at start: the keys of the zod object in its config file. */
function configKeys(file) {
  return new Set([...readFileSync(join(root, file), 'utf8').matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
}
const APP_CONFIG = {
  'apps/orchestrator/dist/src/main.js': configKeys('apps/orchestrator/src/config/app-config.ts'),
  'apps/gpu-worker/dist/src/main.js': configKeys('apps/gpu-worker/src/config.ts'),
};
const configMap = load(join(k8s, 'base/config.yaml')).find((o) => o.kind === 'ConfigMap');
const secret = load(join(k8s, 'base/config.yaml')).find((o) => o.kind === 'Secret');

const overlays = ['base', 'overlays/local-cpu', 'overlays/gpu-h100', 'overlays/gpu-pool'];
// The generic pool overlay holds only its pool (applied next to another overlay), not the base.
const poolOnly = new Set(['overlays/gpu-pool']);

for (const name of overlays) {
  const { kustomization, objects } = collect(join(k8s, name));
  const deployments = objects.filter((o) => o.kind === 'Deployment');

  test(`${name}: every patch targets an object and a field that exist`, () => {
    for (const p of kustomization.patches ?? []) {
      const target = objects.find((o) => o.kind === p.target.kind && o.metadata.name === p.target.name);
      assert.ok(target, `no ${p.target.kind} ${p.target.name} to patch`);
      for (const op of parseAllDocuments(p.patch)[0].toJSON()) {
        assert.ok(['replace', 'add'].includes(op.op), `unexpected op ${op.op}`);
        if (op.op === 'replace') assert.ok(hasPath(target, op.path), `${p.target.name}: no field ${op.path}`);
      }
    }
  });

  test(`${name}: deployments run the real entry points with the env they read`, () => {
    assert.ok(deployments.length >= (poolOnly.has(name) ? 1 : 2));
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(labels[k], v, `${d.metadata.name}: selector ${k}`);
      assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, true, d.metadata.name);
      for (const c of [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers]) {
        const [node, script] = c.command;
        assert.equal(node, 'node');
        assert.ok(existsSync(join(root, script.replace('/dist/', '/').replace(/\.js$/, '.ts'))), `${script} has no source`);
        assert.ok(c.resources?.requests && c.resources?.limits?.memory, `${d.metadata.name}/${c.name}: requests and a memory limit`);
        assert.ok(c.image === 'cohort' || /:[\w.-]+$/.test(c.image), `${c.image}: pin a tag`);
        assert.ok(!String(c.image).endsWith(':latest'));
        const known = APP_CONFIG[script];
        if (!known) continue;
        const names = [
          ...(c.env ?? []).map((e) => e.name),
          ...(c.envFrom ?? []).flatMap((f) => Object.keys((f.configMapRef ? configMap.data : secret.stringData) ?? {})),
        ];
        // Every variable the app requires without a default is provided.
        assert.ok(names.includes('DATABASE_URL'), `${d.metadata.name}: DATABASE_URL`);
        for (const n of (c.env ?? []).map((e) => e.name)) assert.ok(known.has(n), `${d.metadata.name}: the app does not read ${n}`);
      }
    }
  });

  test(`${name}: every gpu-worker Deployment has a PodDisruptionBudget, and a GPU pool's replicas are left to the scaler`, () => {
    const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const d of deployments.filter((o) => o.metadata.labels['app.kubernetes.io/name'] === 'gpu-worker')) {
      const labels = d.spec.template.metadata.labels;
      const pdb = budgets.find((b) => Object.entries(b.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
      assert.ok(pdb, `${d.metadata.name}: no PodDisruptionBudget selects its Pods`);
      assert.equal(pdb.spec.maxUnavailable, 1);
      const gpus = d.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'];
      if (gpus) assert.equal(d.spec.replicas, undefined, `${d.metadata.name}: replicas belong to the pool scaler`);
    }
  });
}

test("the orchestrator runs as its ServiceAccount, bound to a Role with exactly the pool scaler's rights", () => {
  const { objects } = collect(join(k8s, 'base'));
  const d = objects.find((o) => o.metadata.name === 'orchestrator' && o.kind === 'Deployment');
  assert.equal(d.spec.template.spec.serviceAccountName, 'orchestrator');
  const role = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'orchestrator-pools');
  const rights = role.rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups[0] || 'core'}/${res}:${v}`))).sort();
  assert.deepEqual(rights, [
    'apps/deployments/scale:get', 'apps/deployments/scale:patch', 'apps/deployments/scale:update',
    'apps/deployments:get', 'apps/deployments:list', 'apps/deployments:watch',
    'batch/jobs:create', 'batch/jobs:delete', 'batch/jobs:get', 'batch/jobs:list', 'batch/jobs:watch',
    'core/pods:get', 'core/pods:list', 'core/pods:watch',
  ]);
  const binding = objects.find((o) => o.kind === 'RoleBinding');
  assert.deepEqual([binding.roleRef.name, binding.subjects[0].kind, binding.subjects[0].name], ['orchestrator-pools', 'ServiceAccount', 'orchestrator']);
});

test("the H100 overlay's pool parses as the orchestrator's COHORT_POOLS", () => {
  const { parsePools } = require(join(root, 'libs/cluster'));
  const { kustomization } = collect(join(k8s, 'overlays/gpu-h100'));
  const patch = kustomization.patches.find((p) => p.target.name === 'cohort-pools');
  const value = parseAllDocuments(patch.patch)[0].toJSON()[0].value;
  const pools = parsePools(parseAllDocuments(value)[0].toJSON());
  assert.deepEqual(pools.map((p) => [p.name, p.taskQueue, p.deployment, p.maxReplicas]), [['gpu-h100', 'gpu-h100', 'gpu-worker-gpu-h100', 16]]);
});

test('the orchestrator is ready on /health but only restarted when it stops serving', () => {
  const d = collect(join(k8s, 'base')).objects.find((o) => o.metadata.name === 'orchestrator' && o.kind === 'Deployment');
  const c = d.spec.template.spec.containers[0];
  assert.equal(c.readinessProbe.httpGet.path, '/health');
  assert.ok(c.livenessProbe.tcpSocket, 'liveness must not depend on Temporal or Postgres');
  assert.deepEqual(d.spec.template.spec.initContainers.map((i) => i.command[1]), ['libs/lineage/dist/src/migrate-cli.js']);
});

test('the H100 pool gets one GPU per worker, tolerates the GPU taint and polls its own queue', () => {
  const d = collect(join(k8s, 'overlays/gpu-h100')).objects.find((o) => o.metadata.name === 'gpu-worker-gpu-h100');
  const spec = d.spec.template.spec;
  const c = spec.containers[0];
  assert.equal(c.resources.limits['nvidia.com/gpu'], 1);
  assert.ok(spec.tolerations.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule'));
  assert.ok(Object.keys(spec.nodeSelector).length > 0);
  assert.equal(c.env.find((e) => e.name === 'COHORT_TASK_QUEUE').value, 'gpu-h100');
  assert.ok(spec.volumes.some((v) => v.emptyDir?.medium === 'Memory'), '/dev/shm in memory');
});

test("the launch Job's suite spec passes Cohort's own validator", () => {
  const { validateSuiteSpec } = require(join(root, 'libs/suite-spec'));
  const cm = load(join(k8s, 'jobs/launch-suite.yaml')).find((o) => o.kind === 'ConfigMap');
  const spec = validateSuiteSpec(parseAllDocuments(cm.data['suite.yaml'])[0].toJSON());
  assert.equal(spec.name, 'tiny-k8s');
});
