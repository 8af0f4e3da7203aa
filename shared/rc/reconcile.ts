/**
 * One level-triggered pass of the replication controller over one RC: compare
 * the desired count with the active pods it owns plus the creates it has
 * published but not yet seen, then create what is missing (ids from slots that
 * only grow) or delete the surplus (unscheduled first, then not ready, then
 * newest), answer each newly lost pod once (pairing it with a replacement when
 * one is created), and refresh the RC's status. Pure: the pods, the time and
 * the timings come in.
 *
 * Exactly-once effect: the decided record is written conditionally before
 * anything is published, so two racing passes cannot both create for the same
 * gap; a pass that sees a create still missing after `resendAfterMs` publishes
 * it again with the same id (the pod decider deduplicates by uid), and gives up
 * on it after `pendingTimeoutMs` (so a refused create is retried with a new slot).
 * A template the cluster's admission refuses creates nothing: the RC says why
 * in a ReplicaFailure condition until its template or the policy changes.
 */
import type { PodCreateRequested, PodDeleteRequested } from '../events';
import type { StatusCause } from '../events/status';
import type { HistoryEntry, PodRecord } from '../ports';
import { createForSlot, deleteOwned, replacementHistory } from './pod-requests';
import { isActive, isLost, isReady, labelsMatch, rcOwnerOf } from './ownership';
import { MAX_SETTLED, type InFlight, type RcRecord } from './record';
import type { RcCondition, RcStatus, ReplicationController } from './schema';

export interface ReconcileContext {
  now: Date;
  nextResourceVersion: () => string;
  /** A published create not seen in the Pods table after this long is published again. */
  resendAfterMs: number;
  /** ... and after this long is given up (its slot is never reused). */
  pendingTimeoutMs: number;
  /** Lost pods older than this are not paired with a replacement any more. */
  lostWindowMs: number;
  /** The cluster's admission of the pods the template would create (shared/pod/admission.ts admitTemplate); none: all admitted. */
  admitTemplate?: (rc: ReplicationController) => StatusCause[];
}

export const DEFAULT_TIMINGS = { resendAfterMs: 5_000, pendingTimeoutMs: 60_000, lostWindowMs: 10 * 60_000 };

export interface ReconcileDecision {
  /** The record to write (conditional on `record.version - 1`), or null when nothing changed. */
  record: RcRecord | null;
  creates: PodCreateRequested[];
  deletes: PodDeleteRequested[];
  history: HistoryEntry[];
}

const age = (at: string, now: Date) => now.getTime() - Date.parse(at);

/** Scale-down order, most expendable first: unscheduled, pending, not ready, then newest. */
export function deletionRank(a: PodRecord, b: PodRecord): number {
  const scheduled = (r: PodRecord) => (r.nodeName || r.pod.spec.nodeName ? 1 : 0);
  const phaseRank = (r: PodRecord) => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[r.pod.status.phase ?? 'Pending'] ?? 0;
  const ready = (r: PodRecord) => (isReady(r.pod) ? 1 : 0);
  const created = (r: PodRecord) => Date.parse(r.pod.metadata.creationTimestamp) || 0;
  return scheduled(a) - scheduled(b) || phaseRank(a) - phaseRank(b) || ready(a) - ready(b) || created(b) - created(a) || b.uid.localeCompare(a.uid);
}

export function ownedBy(record: Pick<RcRecord, 'uid'>, pods: readonly PodRecord[]): PodRecord[] {
  return pods.filter((p) => rcOwnerOf(p.pod)?.uid === record.uid);
}

export function statusFrom(record: RcRecord, active: readonly PodRecord[], failure?: RcCondition): RcStatus {
  const ready = active.filter((p) => isReady(p.pod)).length;
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => labelsMatch(record.rc.spec.template.metadata?.labels ?? {}, p.pod.metadata.labels)).length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: record.rc.metadata.generation,
    ...(failure ? { conditions: [failure] } : {}),
  };
}

/** The ReplicaFailure condition for a refused template, keeping its transition time while the reason stands. */
export function replicaFailure(rc: ReplicationController, causes: readonly StatusCause[], now: Date): RcCondition {
  const message = `Error creating: pods "${rc.metadata.name}-" is forbidden: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ')}`;
  const previous = rc.status.conditions?.find((c) => c.type === 'ReplicaFailure' && c.message === message);
  return { type: 'ReplicaFailure', status: 'True', lastTransitionTime: previous?.lastTransitionTime ?? now.toISOString(), reason: 'FailedCreate', message };
}

export function reconcile(record: RcRecord, pods: readonly PodRecord[], ctx: ReconcileContext): ReconcileDecision {
  const owned = ownedBy(record, pods);
  const byUid = new Map(owned.map((p) => [p.uid, p]));
  const { now } = ctx;

  // Deletes we published and the store does not show yet still count as gone.
  const deleting = record.deleting.filter((d) => {
    const pod = byUid.get(d.uid);
    return pod !== undefined && isActive(pod) && age(d.at, now) < ctx.pendingTimeoutMs;
  });
  const deletingUids = new Set(deleting.map((d) => d.uid));
  const active = owned.filter((p) => isActive(p) && !deletingUids.has(p.uid));

  // Creates we published and the store does not show yet (in any state) still count as there.
  const pending = record.pending.filter((p) => !byUid.has(p.uid) && age(p.at, now) < ctx.pendingTimeoutMs);
  const resends = pending.filter((p) => age(p.at, now) >= ctx.resendAfterMs && p.slot !== undefined);

  const desired = record.deleted ? 0 : record.rc.spec.replicas;
  const diff = desired - active.length - pending.length;

  // Pods lost since the last pass: each is answered once, by the replacement created now if any.
  const settled = new Set(record.settled);
  const newlyLost = owned
    .filter((p) => isLost(p) && !settled.has(p.uid) && !record.deleting.some((d) => d.uid === p.uid))
    .filter((p) => age(p.pod.metadata.deletionTimestamp ?? now.toISOString(), now) < ctx.lostWindowMs)
    .sort((a, b) => (a.pod.metadata.deletionTimestamp ?? '').localeCompare(b.pod.metadata.deletionTimestamp ?? ''));

  const creates: PodCreateRequested[] = [];
  const newPending: InFlight[] = [];
  const history: HistoryEntry[] = [];
  let nextSlot = record.nextSlot;
  const refused = diff > 0 && !record.deleted ? (ctx.admitTemplate?.(record.rc) ?? []) : [];
  const failure = refused.length ? replicaFailure(record.rc, refused, now) : undefined;
  if (diff > 0 && !record.deleted && !failure) {
    for (let i = 0; i < diff; i++) {
      const planned = createForSlot(record.rc, nextSlot, now);
      newPending.push({ uid: planned.uid, at: now.toISOString(), slot: nextSlot });
      creates.push(planned.event);
      const lost = newlyLost[i];
      if (lost) history.push(...replacementHistory(lost.pod, planned, now));
      nextSlot++;
    }
  }

  const deletes: PodDeleteRequested[] = [];
  const newDeleting: InFlight[] = [];
  if (diff < 0) {
    const surplus = [...active].sort(deletionRank).slice(0, Math.min(-diff, active.length));
    for (const p of surplus) {
      deletes.push(deleteOwned(p.pod, now, record.deleted ? 'rc-deleted' : 'rc-scale-down'));
      newDeleting.push({ uid: p.uid, at: now.toISOString() });
    }
  }

  for (const p of resends) creates.push(createForSlot(record.rc, p.slot!, new Date(p.at)).event);

  const newSettled = [...record.settled, ...newlyLost.map((p) => p.uid), ...newDeleting.map((d) => d.uid)].slice(-MAX_SETTLED);
  const status = statusFrom(record, active, failure);
  const next: RcRecord = {
    ...record,
    nextSlot,
    pending: [...pending, ...newPending],
    deleting: [...deleting, ...newDeleting],
    settled: newSettled,
    rc: record.rc,
  };
  const statusChanged = JSON.stringify(status) !== JSON.stringify(record.rc.status);
  if (statusChanged) next.rc = { ...record.rc, metadata: { ...record.rc.metadata, resourceVersion: ctx.nextResourceVersion() }, status };
  const changed =
    statusChanged ||
    nextSlot !== record.nextSlot ||
    JSON.stringify([next.pending, next.deleting, next.settled]) !== JSON.stringify([record.pending, record.deleting, record.settled]);
  return { record: changed ? { ...next, version: record.version + 1 } : null, creates, deletes, history };
}
