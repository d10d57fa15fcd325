import type { ServerResponse } from 'node:http';

/** A JSON answer of the dashboard's own server (never cached: it is an error or a session's state). */
export function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
