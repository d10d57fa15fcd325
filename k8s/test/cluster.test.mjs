// The manifests against a real API server (the embedded control plane of
// scripts/services/kubernetes.sh, or the cluster KUBECONFIG names): every overlay is applied for
// real with server-side apply and strict validation, each into a namespace of its own; a broken
// copy must be refused; the orchestrator's ServiceAccount may do exactly what its pool scaler needs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const k8s = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(k8s, '..');
const require = createRequire(join(root, 'package.json'));
const { parseAllDocuments, stringify } = require('yaml');

const state = join(process.env.COHORT_STATE ?? join(root, '.cohort'), 'kubernetes');
const kubeconfig = process.env.KUBECONFIG ?? join(state, 'admin.kubeconfig');
const kubectlBin = process.env.COHORT_KUBECTL ?? (existsSync(join(state, 'bin/kubectl')) ? join(state, 'bin/kubectl') : 'kubectl');

/** Runs kubectl; resolves to { ok, out } so a test can assert on a refusal as well. */
function kubectl(args, { input, token } = {}) {
  const auth = token ? ['--token', token] : [];
  const r = spawnSync(kubectlBin, ['--kubeconfig', kubeconfig, ...auth, ...args], { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
const must = (args, opts) => {
  const r = kubectl(args, opts);
  assert.ok(r.ok, `kubectl ${args.join(' ')}: ${r.out}`);
  return r.out;
};

/** An overlay rendered by kustomize, moved from the `cohort` namespace into `namespace`. */
function render(dir, namespace) {
  const docs = parseAllDocuments(must(['kustomize', dir])).map((d) => d.toJSON());
  for (const o of docs) {
    // A namespaced object without a namespace would land wherever kubectl's context points.
    assert.ok(o.kind === 'Namespace' || o.metadata.namespace === 'cohort', `${dir}: ${o.kind} ${o.metadata.name} is not in the cohort namespace`);
    if (o.kind === 'Namespace') o.metadata.name = namespace;
    else o.metadata.namespace = namespace;
    for (const s of o.subjects ?? []) if (s.namespace) s.namespace = namespace;
  }
  return docs;
}

const namespaces = [];
function freshNamespace(tag) {
  const name = `cohort-test-${tag}-${process.pid}`;
  must(['create', 'namespace', name]);
  namespaces.push(name);
  return name;
}
after(() => {
  for (const ns of namespaces) kubectl(['delete', 'namespace', ns, '--wait=false']);
});

const apply = (docs) => kubectl(['apply', '--server-side', '--validate=strict', '--field-manager=cohort-test', '-f', '-'], { input: docs.map((d) => stringify(d)).join('---\n') });

const applied = {};
for (const overlay of ['overlays/local-cpu', 'overlays/gpu-h100', 'overlays/gpu-pool']) {
  test(`${overlay} applies with server-side apply and strict validation`, () => {
    const tag = overlay.split('/')[1];
    const ns = overlay === 'overlays/gpu-pool' ? freshNamespace(tag) : `cohort-test-${tag}-${process.pid}`;
    if (overlay !== 'overlays/gpu-pool') namespaces.push(ns); // the overlay holds its Namespace
    const docs = render(join(k8s, overlay), ns);
    const r = apply(docs);
    assert.ok(r.ok, r.out);
    assert.equal(r.out.match(/serverside-applied/g)?.length, docs.length, r.out);
    // What the API server stored is what was meant (quantities come back as strings), e.g. the pool's GPU request.
    const quantities = (r) => JSON.parse(JSON.stringify(r, (_, v) => (typeof v === 'number' ? String(v) : v)));
    for (const d of docs.filter((o) => o.kind === 'Deployment')) {
      const stored = JSON.parse(must(['-n', ns, 'get', 'deployment', d.metadata.name, '-o', 'json']));
      assert.deepEqual(stored.spec.template.spec.containers[0].resources, quantities(d.spec.template.spec.containers[0].resources));
    }
    applied[overlay] = ns;
  });
}

test('the launch-suite Job applies next to an overlay', () => {
  const ns = applied['overlays/local-cpu'];
  assert.ok(ns, 'needs the local-cpu overlay applied');
  const docs = parseAllDocuments(must(['create', '--dry-run=client', '-o', 'yaml', '-f', join(k8s, 'jobs/launch-suite.yaml')])).map((d) => d.toJSON());
  const items = docs.flatMap((d) => (d.kind === 'List' ? d.items : [d])).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
  const r = apply(items);
  assert.ok(r.ok, r.out);
});

test('a broken overlay is refused by strict validation (the check catches invalid manifests)', () => {
  const ns = freshNamespace('broken');
  const r = apply(render(join(k8s, 'test/fixtures/broken-overlay'), ns).filter((o) => o.kind !== 'Namespace'));
  assert.equal(r.ok, false, 'the API server accepted a container field that does not exist');
  assert.match(r.out, /gpu-worker-cpu.*\.spec\.template\.spec\.containers\[name="gpu-worker"\]\.resource: field not declared in schema/);
});

test("the orchestrator's token scales Deployments, manages Jobs and reads Pods in its namespace, and nothing else", () => {
  const ns = applied['overlays/local-cpu'];
  const elsewhere = applied['overlays/gpu-h100'];
  assert.ok(ns && elsewhere, 'needs the overlays applied');
  const token = must(['-n', ns, 'create', 'token', 'orchestrator', '--duration=10m']).trim();
  const as = (args) => kubectl(args, { token });

  assert.ok(as(['-n', ns, 'scale', 'deployment/gpu-worker-cpu', '--replicas=0']).ok);
  assert.equal(must(['-n', ns, 'get', 'deployment/gpu-worker-cpu', '-o', 'jsonpath={.spec.replicas}']), '0');
  const created = as(['-n', ns, 'create', 'job', 'rbac-probe', '--image=ghcr.io/cohort/cohort:0.1.0', '--', 'true']);
  assert.ok(created.ok, created.out);
  assert.ok(as(['-n', ns, 'get', 'pods']).ok);
  for (const verb of ['watch', 'list', 'delete']) assert.equal(as(['-n', ns, 'auth', 'can-i', verb, 'jobs.batch']).out.trim(), 'yes', verb);
  assert.ok(as(['-n', ns, 'delete', 'job', 'rbac-probe']).ok);

  const refused = (args) => {
    const r = as(args);
    assert.equal(r.ok, false, `allowed: kubectl ${args.join(' ')}`);
    assert.match(r.out, /forbidden/i, r.out);
  };
  refused(['-n', elsewhere, 'scale', 'deployment/gpu-worker-cpu', '--replicas=0']);
  refused(['-n', elsewhere, 'create', 'job', 'rbac-probe', '--image=ghcr.io/cohort/cohort:0.1.0', '--', 'true']);
  refused(['-n', elsewhere, 'get', 'pods']);
  refused(['-n', ns, 'delete', 'deployment', 'gpu-worker-cpu']);
  refused(['-n', ns, 'get', 'secrets']);
  refused(['-n', ns, 'patch', 'deployment', 'gpu-worker-cpu', '--type=merge', '-p', '{"spec":{"template":{"spec":{"serviceAccountName":"default"}}}}']);
  refused(['get', 'nodes']);
});
