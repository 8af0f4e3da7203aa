/** Builders for Kubernetes `Status` objects, worded as the Kubernetes API server words them. */
import type { K8sStatus, StatusCause } from '../events/status';

function failure(code: number, reason: string, message: string, details?: K8sStatus['details']): K8sStatus {
  const status: K8sStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

/** `kind` is the resource (plural), as in `pods "web" already exists`. */
export const alreadyExists = (resource: string, name: string) =>
  failure(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource });

export const notFound = (resource: string, name: string) =>
  failure(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });

export const conflict = (resource: string, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource });

/** 422: `The Pod "web" is invalid: spec.containers[0].image: Required value` (every cause listed). */
export function invalid(kind: string, name: string, causes: StatusCause[]): K8sStatus {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : String(c.message)));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return failure(422, 'Invalid', `The ${kind} "${name}" is invalid: ${summary}`, {
    name,
    kind,
    causes,
  });
}

export const badRequest = (message: string) => failure(400, 'BadRequest', message);
export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');
export const methodNotAllowed = (message: string) => failure(405, 'MethodNotAllowed', message);
export const tooLarge = (message: string) => failure(413, 'RequestEntityTooLarge', message);
export const unsupportedMediaType = (message: string) => failure(415, 'UnsupportedMediaType', message);
export const gone = (message: string) => failure(410, 'Expired', message);
export const timeout = (message: string) => failure(504, 'Timeout', message);
export const internalError = (message: string) => failure(500, 'InternalError', message);
export const serviceUnavailable = (message: string) => failure(503, 'ServiceUnavailable', message);

export function success(details?: K8sStatus['details']): K8sStatus {
  const s: K8sStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

/** An error that carries the Status to answer with; the API's error handler sends it as is. */
export class StatusError extends Error {
  constructor(readonly status: K8sStatus) {
    super(status.message);
  }
}
