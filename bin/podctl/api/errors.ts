/**
 * API failures, and how kubectl words them: `Error from server (NotFound): ...`,
 * `The Pod "x" is invalid: ...` with one line per cause, `You must be logged in`,
 * and the connection-refused hint. A reply that is not a Status (a proxy, an
 * unknown route) becomes one with the reason its HTTP code implies.
 */
import type { K8sStatus, StatusCause } from '../../../shared/events/status';

export type ApiStatus = Pick<K8sStatus, 'message' | 'reason' | 'details' | 'code'>;

export class ApiError extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export class ConnectionError extends Error {
  constructor(readonly server: string, readonly refused: boolean, message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const REASON_BY_CODE: Record<number, [string, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the resource version is too old'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** The Status a failed reply stands for: its own body when it is a Status, else one made from the code. */
export function statusFromResponse(code: number, body: string): ApiStatus {
  try {
    const parsed = JSON.parse(body) as Partial<K8sStatus>;
    if (parsed && parsed.kind === 'Status') return { code, ...parsed } as ApiStatus;
  } catch {
    // not JSON: fall through to the generic status for this code
  }
  const [reason, message] = REASON_BY_CODE[code] ?? ['', `an error on the server ("${body.trim().slice(0, 200)}") has prevented the request from succeeding`];
  return { code, reason: reason || undefined, message };
}

/** kubectl's one line per distinct cause: `field: message`. */
export function causeLines(causes: StatusCause[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const cause of causes) {
    const line = cause.field ? `${cause.field}: ${cause.message ?? ''}` : (cause.message ?? '');
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines;
}

/** The Kind for a details.kind that names a resource instead (`pods` → `Pod`), as some servers send it. */
const KIND_BY_RESOURCE: Record<string, string> = {
  pods: 'Pod',
  pod: 'Pod',
  nodes: 'Node',
  node: 'Node',
  replicationcontrollers: 'ReplicationController',
  replicationcontroller: 'ReplicationController',
  configmaps: 'ConfigMap',
  configmap: 'ConfigMap',
  secrets: 'Secret',
  secret: 'Secret',
};

/** The invalid-object message: `The Pod "x" is invalid: cause` or a `* cause` list for several. */
export function formatInvalid(status: ApiStatus): string {
  const details = status.details;
  let head = 'The request is invalid';
  if (details && (details.kind || details.name)) {
    const kind = KIND_BY_RESOURCE[details.kind ?? ''] ?? details.kind ?? '';
    head = `The ${kind} "${details.name ?? ''}" is invalid`;
  }
  else if (status.message) return `${status.message}`;
  const causes = causeLines(details?.causes ?? []);
  if (causes.length === 0) return `${head}: ${status.message ?? ''}`.trimEnd();
  if (causes.length === 1) return `${head}: ${causes[0]}`;
  return [`${head}: `, ...causes.map((c) => `* ${c}`)].join('\n');
}

/** What podctl prints for any error, worded as kubectl words it. */
export function formatError(err: unknown): string {
  if (err instanceof ApiError) {
    const s = err.status;
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? 'Unauthorized'})`;
    if (s.reason === 'Invalid' || s.code === 422) return formatInvalid(s);
    if (s.reason) return `Error from server (${s.reason}): ${s.message ?? ''}`;
    return `Error from server: ${s.message ?? ''}`;
  }
  if (err instanceof ConnectionError) {
    if (err.refused) return `The connection to the server ${err.server} was refused - did you specify the right host or port?`;
    return `Unable to connect to the server: ${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith('error: ') ? message : `error: ${message}`;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}
