/**
 * What `apply` should do with one manifest, decided without I/O: create what is
 * missing, leave alone what already says everything the manifest says, and
 * merge-patch a pod or replication controller that differs. What a pod may
 * change in place (labels, annotations, images, added tolerations) is the
 * server's rule: anything else comes back as its 422.
 */
import { parseQuantity } from '../../../shared/kube/quantity';
import type { KubeObject } from '../../../shared/display/kube-types';

export type ApplyPlan =
  | { action: 'create'; body: KubeObject }
  | { action: 'unchanged' }
  | { action: 'patch'; patch: Record<string, unknown> };

function sameQuantity(a: string | number, b: string | number): boolean {
  try {
    const x = parseQuantity(a);
    const y = parseQuantity(b);
    return x.numerator * y.denominator === y.numerator * x.denominator;
  } catch {
    return false;
  }
}

/**
 * True when `actual` holds every value `desired` sets: fields the server filled
 * in (defaults, status) do not count as a difference, and `500m` equals `0.5`.
 */
export function containsAll(desired: unknown, actual: unknown): boolean {
  if (desired === null || desired === undefined) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length && desired.every((d, i) => containsAll(d, actual[i]));
  }
  if (typeof desired === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => containsAll(v, (actual as Record<string, unknown>)[k]));
  }
  if (desired === actual) return true;
  const scalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
  return scalar(desired) && scalar(actual) && (String(desired) === String(actual) || sameQuantity(desired, actual));
}

function metadataOf(obj: KubeObject): { labels?: unknown; annotations?: unknown } {
  const { labels, annotations } = obj.metadata;
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

/** The manifest as sent on create: status dropped, namespace set. */
export function creationBody(manifest: KubeObject, namespace: string | undefined): KubeObject {
  const { status: _status, ...rest } = manifest;
  return { ...rest, metadata: { ...manifest.metadata, ...(namespace ? { namespace } : {}) } };
}

export function planApply(manifest: KubeObject, existing: KubeObject | undefined, namespace: string | undefined): ApplyPlan {
  if (!existing) return { action: 'create', body: creationBody(manifest, namespace) };
  const desiredMeta = metadataOf(manifest);
  const same = containsAll(manifest.spec, existing.spec) && containsAll(desiredMeta, existing.metadata);
  if (same) return { action: 'unchanged' };
  return { action: 'patch', patch: { metadata: desiredMeta, spec: manifest.spec } };
}
