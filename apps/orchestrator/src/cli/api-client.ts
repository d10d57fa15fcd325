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
  /** `token`: the bearer token, read only when a request is made (local commands need none). */
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | undefined = () => undefined,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.token();
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body)).payload;
  }

  /** Every item of a paged list, following the `Next-Cursor` header. */
  async all<T>(path: string, limit: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const page: { payload: T[]; headers: Headers } = await this.send<T[]>('GET', `${path}?${query}`);
      items.push(...page.payload);
      cursor = page.headers.get('next-cursor');
    } while (cursor);
    return items;
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ payload: T; headers: Headers }> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: this.headers({ 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`cannot reach the orchestrator at ${this.baseUrl} (${(err as Error).message}); is it running?`);
    }
    const payload = await res.json();
    if (!res.ok) throw new ApiError(res.status, payload as ApiError['body']);
    return { payload: payload as T, headers: res.headers };
  }

  /** The raw bytes of a GET (a download), with their media type; errors come as JSON. */
  async download(path: string): Promise<{ bytes: Uint8Array; mediaType: string }> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { headers: this.headers() });
    } catch (err) {
      throw new Error(`cannot reach the orchestrator at ${this.baseUrl} (${(err as Error).message}); is it running?`);
    }
    if (!res.ok) {
      const text = await res.text();
      let body: ApiError['body'];
      try {
        body = JSON.parse(text) as ApiError['body'];
      } catch {
        body = { message: text || `HTTP ${res.status}` };
      }
      throw new ApiError(res.status, body);
    }
    return { bytes: new Uint8Array(await res.arrayBuffer()), mediaType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }
}
