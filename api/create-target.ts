/**
 * What every POST of a namespaced object checks before anything else, as the
 * Kubernetes API server does: the body is an object of the route's kind, its
 * namespace (if it names one) is the URL's, and its name is `metadata.name`
 * or, with `generateName`, a name the server picks.
 */
import { randomBytes } from 'node:crypto';
import type { K8sStatus } from '../shared/events';
import { badRequest } from '../shared/kube/status';

const asObject = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The 400 for a body of another kind, worded as kube-apiserver's decoder. */
export function kindMismatch(body: Record<string, unknown>, kind: string): string | undefined {
  if (body.kind === undefined || body.kind === kind) return undefined;
  return `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1) or kind ${String(body.kind)} is not ${kind}`;
}

export function createTarget(raw: unknown, namespace: string, kind: string): { ok: true; body: Record<string, unknown>; name: string } | { ok: false; status: K8sStatus } {
  const body = asObject(raw);
  if (!body) return { ok: false, status: badRequest(`the request body must be a ${kind} object`) };
  const mismatch = kindMismatch(body, kind);
  if (mismatch) return { ok: false, status: badRequest(mismatch) };
  const meta = asObject(body.metadata) ?? {};
  if (meta.namespace && meta.namespace !== namespace) return { ok: false, status: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
  const generated = typeof meta.generateName === 'string' && meta.generateName ? `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}` : '';
  return { ok: true, body, name: typeof meta.name === 'string' && meta.name ? meta.name : generated };
}
