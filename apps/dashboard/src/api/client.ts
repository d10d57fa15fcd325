import { apiAvailability } from './availability';
import { session } from './session';
import type {
  AnalysisDetailView,
  AnalysisView,
  EvaluationRequestView,
  EvaluationView,
  LineageGraph,
  LineageKind,
  LossPoint,
  ResumedRunView,
  RunProgressView,
  SuiteSummaryView,
  SuiteView,
} from './types';

/** The server proxies the REST API under this prefix, and strips it. */
const API_PREFIX = '/api';

export interface ApiIssue {
  path: string;
  message: string;
}

/** A call the API refused or never answered; `status` is 0 when no answer came at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer, or a gateway's answer for the API (proxy down, Postgres or Temporal unavailable). */
export function isApiDown(error: unknown): boolean {
  return error instanceof ApiError && [0, 502, 503, 504].includes(error.status);
}

/** The message, then each bad field as `path: why`. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  return [error.message, ...error.issues.map((i) => `${i.path}: ${i.message}`)].join('; ');
}

export const apiUrl = (path: string): string => API_PREFIX + path;

const segment = encodeURIComponent;

async function send(path: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch (err) {
    throw noteAvailability(new ApiError(0, `no answer from the API (${(err as Error).message})`));
  }
  if (!response.ok) throw noteAvailability(await errorOf(response, path));
  apiAvailability.markUp();
  return response;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await send(path, init)).json()) as T;
}

/** The first `maxPages` pages of a list (all of them by default); `more`: pages were left. */
export interface Pages<T> {
  items: T[];
  more: boolean;
}

/** Follows the API's `Next-Cursor` header page after page, each of the largest size `limit`. */
async function pages<T>(path: string, limit: number, maxPages = Infinity): Promise<Pages<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await send(`${path}${path.includes('?') ? '&' : '?'}${query}`);
    items.push(...((await response.json()) as T[]));
    cursor = response.headers.get('next-cursor');
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

function noteAvailability(error: ApiError): ApiError {
  if (isApiDown(error)) apiAvailability.markDown(error.message);
  else apiAvailability.markUp();
  if (error.status === 401) session.markSignedOut(error.message);
  return error;
}

/** The API's `{ message, issues? }`; a proxy's bare answer becomes its status line. */
async function errorOf(response: Response, path: string): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText || 'error'} from ${path}`;
  try {
    const body = (await response.json()) as { message?: unknown; issues?: ApiIssue[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return new ApiError(response.status, typeof message === 'string' ? message : fallback, body.issues ?? []);
  } catch {
    return new ApiError(response.status, fallback);
  }
}

const get = <T>(path: string) => call<T>(path);
const post = <T>(path: string, body?: unknown) =>
  call<T>(path, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

export type ControlAction = 'pause' | 'resume' | 'cancel';

export const api = {
  /** The newest suites, `pages` pages of 100. */
  suites: (pageCount: number) => pages<SuiteSummaryView>('/suites', 100, pageCount),
  suite: (id: string) => get<SuiteView>(`/suites/${segment(id)}`),
  progress: (suiteId: string) => get<RunProgressView[]>(`/suites/${segment(suiteId)}/progress`),
  lossCurve: async (runId: string) => (await pages<LossPoint>(`/runs/${segment(runId)}/metrics`, 10_000)).items,
  evaluations: async (suiteId: string) => (await pages<EvaluationView>(`/suites/${segment(suiteId)}/evaluations`, 5000)).items,
  analyses: (suiteId: string) => get<AnalysisView[]>(`/suites/${segment(suiteId)}/analyses`),
  analysis: (id: string) => get<AnalysisDetailView>(`/analyses/${segment(id)}`),
  /** A JSON artefact (a chart's Vega-Lite spec), by the path its analysis gives. */
  artifactJson: (downloadPath: string) => get<unknown>(downloadPath),
  lineage: (kind: LineageKind, id: string) => get<LineageGraph>(`/lineage/${kind}/${segment(id)}`),

  controlSuite: (id: string, action: ControlAction) => post<{ accepted: true }>(`/suites/${segment(id)}/${action}`),
  controlRun: (id: string, action: ControlAction) => post<{ accepted: true }>(`/runs/${segment(id)}/${action}`),
  resumeFromCheckpoint: (runId: string) => post<ResumedRunView>(`/runs/${segment(runId)}/resume-from-checkpoint`),
  evaluate: (suiteId: string, evals: unknown) => post<EvaluationRequestView>(`/suites/${segment(suiteId)}/evaluate`, evals),
  analyse: (suiteId: string, analyses: unknown) => post<AnalysisView[]>(`/suites/${segment(suiteId)}/analyses`, { analyses }),
};

export const suiteEventsUrl = (suiteId: string): string => apiUrl(`/suites/${segment(suiteId)}/events`);
