import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { kubeClients, type KubeClients } from '../src';

// The embedded control plane of scripts/services/kubernetes.sh, or the cluster KUBECONFIG names.
const repoRoot = join(__dirname, '..', '..', '..', '..');
const state = join(process.env.COHORT_STATE ?? join(repoRoot, '.cohort'), 'kubernetes');
export const kubeconfigPath = process.env.KUBECONFIG ?? join(state, 'admin.kubeconfig');
export const kubectlPath = process.env.COHORT_KUBECTL ?? (existsSync(join(state, 'bin', 'kubectl')) ? join(state, 'bin', 'kubectl') : 'kubectl');

export function adminConfig(): KubeConfig {
  if (!existsSync(kubeconfigPath)) throw new Error(`no kubeconfig at ${kubeconfigPath}: start the control plane with bash scripts/services/kubernetes.sh`);
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

export const admin: KubeClients = kubeClients(adminConfig());

export function kubectl(args: string[]): string {
  const r = spawnSync(kubectlPath, ['--kubeconfig', kubeconfigPath, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

/**
 * A namespace of the test's own; deleting it removes everything the test made there. The tests
 * place Pods on the embedded control plane's fake pools, so they refuse a cluster without them.
 */
export async function testNamespace(tag: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const fake = await admin.core.listNode({ labelSelector: 'type=kwok,cohort.dev/pool' });
  if (fake.items.length === 0) throw new Error(`${admin.server} has no kwok nodes of tools/kube-control-plane/fake-nodes.yaml: these tests need the embedded control plane (scripts/services/kubernetes.sh)`);
  const name = `cohort-test-${tag}-${process.pid}`;
  await admin.core.createNamespace({ body: { metadata: { name } } });
  return { name, remove: async () => void (await admin.core.deleteNamespace({ name }).catch(() => undefined)) };
}

/**
 * A gpu-worker Deployment shaped like the overlays' (one GPU per worker, the GPU taint tolerated,
 * pinned to one pool's nodes by label), at zero replicas.
 */
export async function poolDeployment(namespace: string, name: string, pool: string): Promise<V1Deployment> {
  const labels = { 'app.kubernetes.io/name': 'gpu-worker', 'cohort.dev/task-queue': name };
  return admin.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: 0,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { 'cohort.dev/pool': pool },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'gpu-worker',
                image: 'ghcr.io/cohort/cohort:0.1.0-cuda',
                command: ['node', 'apps/gpu-worker/dist/src/main.js'],
                resources: { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' }, limits: { memory: '1Gi', 'nvidia.com/gpu': '1' } },
              },
            ],
          },
        },
      },
    },
  });
}

export async function podsOf(namespace: string, labelSelector: string) {
  return (await admin.core.listNamespacedPod({ namespace, labelSelector })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

/** Polls until `check` returns a value (not undefined), or fails naming what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A TCP relay to the API server that can be cut and restored, to take the API server away from
 * one client (the scaler under test) without stopping it for everything else on the machine.
 */
export class ApiServerLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 443), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s)).on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((ready) => this.server!.listen(this.port, '127.0.0.1', ready));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((done) => this.server?.close(() => done()));
  }

  /** An admin KubeConfig that reaches the API server only through this link. */
  config(): KubeConfig {
    const kc = adminConfig();
    const cluster = kc.getCurrentCluster()!;
    const clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${this.port}` } : c));
    const linked = new KubeConfig();
    linked.loadFromOptions({ clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
    return linked;
  }
}
