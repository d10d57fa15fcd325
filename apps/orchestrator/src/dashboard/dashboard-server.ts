import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { sendJson } from './replies';
import { handleSession, sessionToken } from './session';

/** Where the dashboard's static build is, and what its pages need to know about the deployment. */
export interface DashboardOptions {
  /** The Vite build (index.html and assets/). */
  root: string;
  /** The REST API that `/api/*` is forwarded to. */
  apiUrl: string;
  temporalUiUrl: string;
  temporalNamespace: string;
}

const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The build output of apps/dashboard, next to this app in the monorepo and in the image. */
export const DEFAULT_DASHBOARD_ROOT = resolve(__dirname, '../../../../dashboard/dist');

/**
 * The dashboard's own HTTP server: the static page, `/config.json`, and `/api/*` forwarded to the
 * REST API. Serving the API through the page's own origin keeps the browser same-origin (no CORS,
 * and one place where the sign-in cookie becomes the bearer token: `/session`); the stream of
 * server-sent events passes through unbuffered.
 */
export function createDashboardServer(options: DashboardOptions): Server {
  const index = join(options.root, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`the dashboard is not built (${index} is missing): run npm run build -w @cohort/dashboard`);
  }
  const config = { temporalUiUrl: options.temporalUiUrl, temporalNamespace: options.temporalNamespace };
  return createServer((req, res) => {
    const path = pathOf(req);
    if (path === undefined) return sendJson(res, 400, { message: `malformed path: ${req.url}` });
    if (path === '/api' || path.startsWith('/api/')) return forward(req, res, options.apiUrl, req.url!.slice('/api'.length) || '/');
    if (path === '/session') return void handleSession(req, res, options.apiUrl);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { message: `${req.method} is not served here; the API is under /api` });
    if (path === '/config.json') return sendJson(res, 200, config);
    const file = staticFile(options.root, path);
    if (file) return sendFile(res, file, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    // A missing asset is a 404; any other path is a page route, drawn by the app (History API).
    if (extname(path)) return sendJson(res, 404, { message: `no such file: ${path}` });
    return sendFile(res, index, 'no-cache');
  });
}

function pathOf(req: IncomingMessage): string | undefined {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', 'http://dashboard').pathname);
  } catch {
    return undefined;
  }
}

/** The file under root that `path` names, or undefined (never a path outside root). */
function staticFile(root: string, path: string): string | undefined {
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

function forward(req: IncomingMessage, res: ServerResponse, apiUrl: string, path: string): void {
  const target = new URL(path, apiUrl);
  // The cookie stays here: the API sees only the bearer token it holds.
  const headers = { ...req.headers, host: target.host };
  delete headers.cookie;
  const token = sessionToken(req);
  if (token) headers.authorization = `Bearer ${token}`;
  const upstream = request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { message: `the Cohort API is unreachable: ${err.message}` });
    else res.destroy();
  });
  // A closed page (an EventSource, say) must not leave its upstream request open.
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function sendFile(res: ServerResponse, file: string, cacheControl: string): void {
  res.writeHead(200, { 'content-type': MEDIA_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cacheControl });
  createReadStream(file).pipe(res);
}
