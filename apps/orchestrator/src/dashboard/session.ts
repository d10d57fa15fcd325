import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendJson } from './replies';

// The dashboard's sign-in: a person pastes an API token once; the server keeps it in a cookie the
// page's scripts cannot read (HttpOnly) and no other site can make the browser send (SameSite=
// Strict), and turns it into the API's bearer header on every forwarded call.

const COOKIE = 'cohort_token';
/** A token is ~50 characters; anything much longer is not one. */
const MAX_BODY_BYTES = 4096;

/** The token of the request's sign-in cookie, if any. */
export function sessionToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE && value.length > 0) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

// Not `Secure`: the dashboard serves plain HTTP on loopback; behind TLS, the proxy in front adds it.
const cookie = (value: string, maxAge?: number): string =>
  `${COOKIE}=${encodeURIComponent(value)}; HttpOnly; SameSite=Strict; Path=/${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;

interface Who {
  status: number;
  body: { id?: string; name?: string; role?: string; message?: string };
}

/** Asks the API whose token this is (`GET /me`): 200 with name and role, or its refusal. */
function whoIs(apiUrl: string, token: string): Promise<Who> {
  return new Promise((resolve, reject) => {
    const call = request(new URL('/me', apiUrl), { headers: { authorization: `Bearer ${token}` } }, (answer) => {
      let text = '';
      answer.setEncoding('utf8').on('data', (c: string) => (text += c));
      answer.on('end', () => {
        try {
          resolve({ status: answer.statusCode ?? 502, body: JSON.parse(text) as Who['body'] });
        } catch {
          resolve({ status: 502, body: { message: `the Cohort API answered ${answer.statusCode} without JSON` } });
        }
      });
    });
    call.on('error', reject).end();
  });
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY_BYTES) reject(new BodyTooLarge());
    });
    req.on('end', () => resolve(text)).on('error', reject);
  });
}

/**
 * `/session`: POST `{ token }` signs in (checked against the API first), GET says who is signed
 * in, DELETE signs out.
 */
export async function handleSession(req: IncomingMessage, res: ServerResponse, apiUrl: string): Promise<void> {
  try {
    if (req.method === 'DELETE') return sendJson(res, 200, { signedIn: false }, { 'set-cookie': cookie('', 0) });
    if (req.method === 'GET') {
      const token = sessionToken(req);
      if (!token) return sendJson(res, 401, { message: 'not signed in' });
      const who = await whoIs(apiUrl, token);
      return sendJson(res, who.status, who.body);
    }
    if (req.method !== 'POST') return sendJson(res, 405, { message: `${req.method} /session: use POST to sign in, DELETE to sign out` });
    // JSON only: a cross-site HTML form cannot send it, so no other page can sign a browser in.
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { message: 'send { "token": "…" } as application/json' });
    const { token } = JSON.parse(await readBody(req)) as { token?: unknown };
    if (typeof token !== 'string' || token.trim() === '') return sendJson(res, 400, { message: 'no token given' });
    const who = await whoIs(apiUrl, token.trim());
    if (who.status !== 200) return sendJson(res, who.status, { message: who.status === 401 ? 'that token is unknown or revoked' : (who.body.message ?? 'sign-in failed') });
    return sendJson(res, 200, { name: who.body.name, role: who.body.role }, { 'set-cookie': cookie(token.trim()) });
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof SyntaxError) return sendJson(res, 400, { message: 'the body is not JSON' });
    if (err instanceof BodyTooLarge) return sendJson(res, 400, { message: 'the body is too large' });
    sendJson(res, 502, { message: `the Cohort API is unreachable: ${(err as Error).message}` });
  }
}
