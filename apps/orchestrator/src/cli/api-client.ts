/** A minimal client of the orchestrator's REST API for the CLI. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message?: string; issues?: Array<{ path: string; message: string }> },
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

export class ApiClient {
  constructor(private readonly baseUrl: string) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach the orchestrator at ${this.baseUrl} (${(err as Error).message}); is it running?`);
    }
    const payload = await res.json();
    if (!res.ok) throw new ApiError(res.status, payload as ApiError['body']);
    return payload as T;
  }
}
