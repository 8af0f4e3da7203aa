/**
 * What an update may change on a pod, as the Kubernetes API server's
 * ValidatePodUpdate allows: labels and annotations, the image of a container
 * or init container, activeDeadlineSeconds set or lowered, and tolerations
 * only by addition. Anything else in the spec answers 422
 * with Kubernetes' message (the changed fields follow it, as Kubernetes
 * follows it with a diff). Name, namespace and uid never change. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StatusCause } from '../events/status';
import { withSpecDefaults } from './defaults';
import { forbidden, invalid } from '../kube/field-errors';
import type { Pod, PodSpec } from './schema';

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,' +
  '`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,' +
  '`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec fields whose values differ, as dotted paths (containers by index), for the message's tail. */
export function specDiff(before: unknown, after: unknown, path = 'spec'): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const objects = before && after && typeof before === 'object' && typeof after === 'object';
  if (!objects || Array.isArray(before) !== Array.isArray(after)) return [path];
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length !== after.length) return [path];
    return before.flatMap((b, i) => specDiff(b, after[i], `${path}[${i}]`));
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].flatMap((k) => specDiff(b[k], a[k], `${path}.${k}`));
}

/** The causes that refuse turning `current` into one with `next`'s metadata and spec; empty when allowed. */
/** Metadata an update could name but podflow's update command does not carry: refused rather than dropped. */
const UNCHANGEABLE_META = ['generateName', 'ownerReferences', 'finalizers'] as const;
const orNone = (v: unknown) => (v === undefined || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v);

export function podUpdateCauses(current: Pod, next: { metadata: Partial<Pick<Pod['metadata'], 'name' | 'namespace' | 'uid' | (typeof UNCHANGEABLE_META)[number]>>; spec: PodSpec }): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of UNCHANGEABLE_META) {
    if (key in next.metadata && !isDeepStrictEqual(orNone(next.metadata[key]), orNone(current.metadata[key]))) causes.push(forbidden(`metadata.${key}`, 'podflow does not support changing this field of a pod'));
  }
  if (next.metadata.name !== undefined && next.metadata.name !== current.metadata.name) causes.push(invalid('metadata.name', next.metadata.name, 'field is immutable'));
  if (next.metadata.namespace !== undefined && next.metadata.namespace !== current.metadata.namespace) causes.push(invalid('metadata.namespace', next.metadata.namespace, 'field is immutable'));
  if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) causes.push(invalid('metadata.uid', next.metadata.uid, 'field is immutable'));
  const wanted = updatedSpec(current, next.spec);
  // Defaults added since the pod was stored are no change the client asked for.
  const old = withSpecDefaults(current.spec);
  // The spec with every allowed change undone must be the old spec.
  const keepImages = (now: PodSpec['containers'], before: PodSpec['containers'] | undefined) => now.map((c, i) => (before?.[i] ? { ...c, image: before[i].image } : c));
  const munged: PodSpec = { ...wanted, containers: keepImages(wanted.containers, old.containers) };
  if (wanted.initContainers) munged.initContainers = keepImages(wanted.initContainers, old.initContainers);
  // activeDeadlineSeconds may be set, or lowered, never raised or removed.
  const deadline = { before: old.activeDeadlineSeconds, after: wanted.activeDeadlineSeconds };
  if (deadline.before !== undefined && deadline.after === undefined) causes.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  else if (deadline.before !== undefined && deadline.after !== undefined && deadline.after > deadline.before) causes.push(invalid('spec.activeDeadlineSeconds', deadline.after, 'must be less than or equal to previous value'));
  if (old.activeDeadlineSeconds === undefined) delete munged.activeDeadlineSeconds;
  else munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  const oldTolerations = old.tolerations ?? [];
  const newTolerations = wanted.tolerations ?? [];
  if (oldTolerations.every((t) => newTolerations.some((n) => isDeepStrictEqual(n, t)))) {
    if (old.tolerations === undefined) delete munged.tolerations;
    else munged.tolerations = old.tolerations;
  }
  const changed = specDiff(old, munged);
  if (changed.length) causes.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`));
  return causes;
}

/** The spec an update asks for, with the create-time defaults and the binding the client does not own kept. */
export function updatedSpec(current: Pod, spec: PodSpec): PodSpec {
  const defaulted = withSpecDefaults(spec);
  return current.spec.nodeName && defaulted.nodeName === undefined ? { ...defaulted, nodeName: current.spec.nodeName } : defaulted;
}

/** The names of the containers whose image changed (what the node must restart). */
export function changedImages(before: PodSpec, after: PodSpec): string[] {
  const changed = (now: PodSpec['containers'] | undefined, was: PodSpec['containers'] | undefined) =>
    (now ?? []).filter((c, i) => was?.[i] && was[i].image !== c.image).map((c) => c.name);
  return [...changed(after.initContainers, before.initContainers), ...changed(after.containers, before.containers)];
}
