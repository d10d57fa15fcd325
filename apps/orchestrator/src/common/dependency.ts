import { ServiceUnavailableException } from '@nestjs/common';

export type Dependency = 'postgres' | 'temporal';

/** Rejects after `ms` so a dead dependency turns into a prompt 503 rather than a hung request. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a call to a dependency; any failure of the dependency itself becomes a 503 naming it. */
export async function callDependency<T>(
  dependency: Dependency,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await withTimeout(call(), timeoutMs, dependency);
  } catch (err) {
    throw unavailable(dependency, err as Error);
  }
}

export function unavailable(dependency: Dependency, cause: Error): ServiceUnavailableException {
  return new ServiceUnavailableException({
    statusCode: 503,
    error: 'Service Unavailable',
    dependency,
    message: `${dependency} is unavailable: ${cause.message}`,
  });
}
