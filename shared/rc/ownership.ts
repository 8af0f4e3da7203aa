/**
 * Which pods an RC owns and which of them count: a pod belongs to the RC named
 * by its controller ownerReference (matched by uid, so a same-name successor
 * RC never adopts its predecessor's pods); it is active until it is deleted,
 * terminating or finished, and ready when its Ready condition (or, before the
 * agent reports conditions, every container) says so.
 */
import type { PodRecord } from '../ports';
import type { OwnerReference, Pod } from '../pod/schema';

export const RC_KIND = 'ReplicationController';

export function controllerRef(pod: Pod): OwnerReference | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The controller reference of an RC-owned pod, or undefined. */
export function rcOwnerOf(pod: Pod): OwnerReference | undefined {
  const ref = controllerRef(pod);
  return ref && ref.kind === RC_KIND && ref.apiVersion === 'v1' ? ref : undefined;
}

export function ownerReferenceFor(rc: { name: string; uid: string }): OwnerReference {
  return { apiVersion: 'v1', kind: RC_KIND, name: rc.name, uid: rc.uid, controller: true, blockOwnerDeletion: true };
}

/** Counts toward the replicas: not deleted, not terminating, not finished. */
export function isActive(r: PodRecord): boolean {
  const phase = r.pod.status.phase;
  return !r.deleted && !r.pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** Gone or going: deleted, terminating or finished. */
export function isLost(r: PodRecord): boolean {
  return !isActive(r);
}

export function isReady(pod: Pod): boolean {
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True';
  const statuses = pod.status.containerStatuses ?? [];
  return pod.status.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.ready);
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
