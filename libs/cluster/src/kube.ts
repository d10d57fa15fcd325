import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';

/** The API groups Cohort uses, from one kubeconfig. */
export interface KubeClients {
  apps: AppsV1Api;
  batch: BatchV1Api;
  core: CoreV1Api;
  version: VersionApi;
  /** The API server's URL, for messages. */
  server: string;
}

/** KUBECONFIG (or ~/.kube/config, or the Pod's service account inside a cluster) unless given. */
export function kubeClients(config?: KubeConfig): KubeClients {
  const kc = config ?? defaultKubeConfig();
  return {
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
    version: kc.makeApiClient(VersionApi),
    server: kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)',
  };
}

export function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** The HTTP status of a failed API call (409 conflict, 404 not found …); undefined for network errors. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/** A short reason: the API server's own message when it answered, the network error otherwise. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const message = (body as { message?: string } | undefined)?.message;
    return `HTTP ${err.code}${message ? `: ${message}` : ''}`;
  }
  return (err as Error).message;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { message: s.slice(0, 200) };
  }
}

/** Rejects after `ms`: a hung API server must not stall the scaler's loop. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
