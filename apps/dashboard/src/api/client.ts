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

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch (err) {
    throw noteAvailability(new ApiError(0, `no answer from the API (${(err as Error).message})`));
  }
  if (!response.ok) throw noteAvailability(await errorOf(response, path));
  apiAvailability.markUp();
  return (await response.json()) as T;
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
  suites: () => get<SuiteView[]>('/suites'),
  suite: (id: string) => get<SuiteView>(`/suites/${segment(id)}`),
  progress: (suiteId: string) => get<RunProgressView[]>(`/suites/${segment(suiteId)}/progress`),
  lossCurve: (runId: string) => get<LossPoint[]>(`/runs/${segment(runId)}/metrics`),
  evaluations: (suiteId: string) => get<EvaluationView[]>(`/suites/${segment(suiteId)}/evaluations`),
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
