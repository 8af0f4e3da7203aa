/**
 * How agent reports change the stored pod. Pure. A report counts only for the
 * incarnation (uid) and node it names, and only if newer than the last applied
 * one from the same agent boot; a stop confirmation ends a terminating pod.
 * A pod that ends (Succeeded or Failed) gives its hostPort claims back at once,
 * as kube-scheduler stops counting it; its requests stay reserved until it is
 * deleted.
 */
import type { PodStatusReported, PodStopped } from '../events';
import type { HistoryEntry } from '../ports';
import type { PodRecord } from '../ports';
import { changed, historyEntry, type DecideContext, type PodDecision } from './decider';
import type { Pod, PodCondition } from './schema';
import { hostPortsOf, podEnded } from '../scheduling/plugins/node-ports';

export function applyStatusEvent(state: PodRecord | null, event: PodStatusReported | PodStopped, ctx: DecideContext): PodDecision {
  const { uid, nodeName } = event.data;
  if (!state || state.uid !== uid) return { kind: 'ignore', reason: 'report for an incarnation that is not the current one' };
  if (state.deleted) {
    if (event.type !== 'PodStopped' || !state.nodeName) return { kind: 'ignore', reason: 'pod already deleted' };
    // Replayed stop confirmation: repeat the change event and the release (outbox rule).
    // An evicted pod (grace 0) was announced DELETED at eviction; its late stop only releases.
    const evicted = state.pod.metadata.deletionGracePeriodSeconds === 0;
    const outbound = evicted ? [] : [changed('DELETED', state.pod, ctx, `${event.id}:deleted`, event.id)];
    return { kind: 'publish', outbound, release: { nodeName: state.nodeName, uid } };
  }
  if (state.nodeName !== nodeName) return { kind: 'ignore', reason: `report from ${nodeName}, pod is bound to ${state.nodeName ?? 'no node'}` };
  const history = event.data.events.map((e, i): HistoryEntry =>
    historyEntry(state.pod, { type: e.type, reason: e.reason, message: e.message, source: nodeName }, event.id, e.time, i),
  );
  if (event.type === 'PodStopped') return applyStopped(state, event, history, ctx);

  const { bootId, sequence } = event.data;
  if (state.statusBootId === bootId && (state.statusSequence ?? -1) >= sequence) return { kind: 'ignore', reason: 'older or repeated report' };
  const pod: Pod = {
    ...state.pod,
    metadata: { ...state.pod.metadata, resourceVersion: ctx.nextResourceVersion() },
    status: {
      ...event.data.status,
      conditions: mergeConditions(state.pod.status.conditions ?? [], event.data.status.conditions ?? []),
      qosClass: state.pod.status.qosClass,
    },
  };
  return {
    kind: 'write',
    record: { ...state, version: state.version + 1, pod, statusBootId: bootId, statusSequence: sequence },
    expectedVersion: state.version,
    outbound: [changed('MODIFIED', pod, ctx, `${event.id}:modified`, event.id)],
    history,
    ...(podEnded(pod) && !podEnded(state.pod) && hostPortsOf(pod).length > 0 ? { release: { nodeName, uid, only: 'hostPorts' as const } } : {}),
  };
}

function applyStopped(state: PodRecord, event: PodStopped, history: HistoryEntry[], ctx: DecideContext): PodDecision {
  if (!state.pod.metadata.deletionTimestamp) return { kind: 'ignore', reason: 'stop confirmed for a pod nobody deleted' };
  const pod: Pod = { ...state.pod, metadata: { ...state.pod.metadata, resourceVersion: ctx.nextResourceVersion() } };
  return {
    kind: 'write',
    record: { ...state, version: state.version + 1, pod, deleted: true },
    expectedVersion: state.version,
    outbound: [changed('DELETED', pod, ctx, `${event.id}:deleted`, event.id)],
    history: [...history, historyEntry(state.pod, { type: 'Normal', reason: 'Deleted', message: `Containers stopped on ${state.nodeName}; pod removed`, source: ctx.source }, event.id, ctx.now.toISOString(), history.length)],
    release: { nodeName: state.nodeName!, uid: state.uid },
  };
}

/** The agent owns every condition but PodScheduled, which the scheduler set. */
function mergeConditions(stored: PodCondition[], reported: PodCondition[]): PodCondition[] {
  const scheduled = stored.find((c) => c.type === 'PodScheduled');
  const rest = reported.filter((c) => c.type !== 'PodScheduled');
  return scheduled ? [scheduled, ...rest] : rest;
}
