/**
 * The pod decider: given the stored pod (or none) and a command from
 * pod-events, decide what to store and what to publish. Pure: time, the source
 * name and resource versions arrive in the context.
 *
 * Idempotency comes from state, not from remembered event ids: a pod's uid is
 * the id of the request that created it, so a replayed create finds itself and
 * re-publishes what it published the first time (the outbox rule), and
 * outbound ids derive from the inbound id so consumers can spot the repeat.
 */
import { podUid } from './uid';
import { makeEvent, TOPICS, type Envelope, type PodAccepted, type PodChanged, type PodCreateRequested, type PodDeleteRequested, type PodEvictionRequested, type PodUpdateRequested, type PodRequestRejected, type PodUnassigned, type TopicName } from '../events';
import type { K8sStatus } from '../events/status';
import type { HistoryEntry, PodRecord } from '../ports';
import { withSpecDefaults, qosClass } from './defaults';
import { alreadyExists, conflict, notFound } from '../kube/status';
import type { Pod } from './schema';
import { decideUpdate } from './update-decider';

export interface Outbound {
  topic: TopicName;
  event: Envelope;
}

export interface DecideContext {
  now: Date;
  source: string;
  nextResourceVersion: () => string;
}

export type PodDecision =
  | {
      kind: 'write';
      record: PodRecord;
      expectedVersion: number | null;
      outbound: Outbound[];
      history: HistoryEntry[];
      /** Give the node's reservation back (the pod left the node for good), or only its hostPorts (the pod ended). */
      release?: { nodeName: string; uid: string; only?: 'hostPorts' };
    }
  | { kind: 'publish'; outbound: Outbound[]; release?: { nodeName: string; uid: string } }
  | { kind: 'ignore'; reason: string };

export type PodCommand = PodCreateRequested | PodDeleteRequested | PodUpdateRequested | PodEvictionRequested;

export function decide(state: PodRecord | null, command: PodCommand, ctx: DecideContext): PodDecision {
  switch (command.type) {
    case 'PodCreateRequested':
      return decideCreate(state, command, ctx);
    case 'PodDeleteRequested':
      return decideDelete(state, command, ctx);
    case 'PodUpdateRequested':
      return decideUpdate(state, command, ctx);
    case 'PodEvictionRequested':
      return decideEviction(state, command, ctx);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
}

function out<E extends Envelope>(topic: TopicName, type: E['type'], key: string, data: E['data'], ctx: DecideContext, id: string, causationId: string): Outbound {
  return { topic, event: makeEvent<E>(type, key, data, { source: ctx.source, time: ctx.now, id, causationId }) };
}

export function changed(change: 'ADDED' | 'MODIFIED' | 'DELETED', pod: Pod, ctx: DecideContext, id: string, causationId: string): Outbound {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  return out<PodChanged>(TOPICS.podChanges, 'PodChanged', key, { change, pod }, ctx, id, causationId);
}

export function rejected(namespace: string, name: string, status: K8sStatus, ctx: DecideContext, causationId: string): PodDecision {
  return {
    kind: 'publish',
    outbound: [out<PodRequestRejected>(TOPICS.podChanges, 'PodRequestRejected', `${namespace}/${name}`, { namespace, name, status }, ctx, `${causationId}:rejected`, causationId)],
  };
}

export function historyEntry(pod: Pod, e: Pick<HistoryEntry, 'type' | 'reason' | 'message' | 'source'>, eventId: string, time: string, index = 0): HistoryEntry {
  return { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, time, eventId, index, ...e };
}

function decideCreate(state: PodRecord | null, cmd: PodCreateRequested, ctx: DecideContext): PodDecision {
  const manifest = cmd.data.pod;
  const namespace = manifest.metadata.namespace ?? 'default';
  const name = manifest.metadata.name ?? '';
  const uid = podUid(namespace, name, cmd.id);
  if (state && state.uid === uid) {
    if (state.deleted) return { kind: 'ignore', reason: 'create replayed after the pod was deleted' };
    return { kind: 'publish', outbound: acceptedOutbound(state.pod, state.version, ctx, cmd.id) };
  }
  if (state && !state.deleted) return rejected(namespace, name, alreadyExists('pods', name), ctx, cmd.id);

  const time = ctx.now.toISOString();
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _ct, deletionTimestamp: _dt, ...meta } = manifest.metadata;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta, name, namespace, uid, resourceVersion: ctx.nextResourceVersion(), creationTimestamp: time },
    spec: withSpecDefaults(manifest.spec),
    status: { phase: 'Pending', qosClass: qosClass(manifest.spec) },
  };
  const version = (state?.version ?? 0) + 1;
  return {
    kind: 'write',
    record: { namespace, name, uid, version, pod, deleted: false },
    expectedVersion: state ? state.version : null,
    outbound: acceptedOutbound(pod, version, ctx, cmd.id),
    history: [historyEntry(pod, { type: 'Normal', reason: 'Accepted', message: `Pod ${namespace}/${name} accepted with uid ${uid}`, source: ctx.source }, cmd.id, time)],
  };
}

function acceptedOutbound(pod: Pod, version: number, ctx: DecideContext, requestId: string): Outbound[] {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  return [
    changed('ADDED', pod, ctx, `${requestId}:added`, requestId),
    out<PodAccepted>(TOPICS.podEvents, 'PodAccepted', key, { pod, version }, ctx, `${requestId}:accepted`, requestId),
  ];
}

function unassign(record: PodRecord, grace: number, reason: string, ctx: DecideContext, causationId: string): Outbound {
  return out<PodUnassigned>(
    TOPICS.nodeAssignments,
    'PodUnassigned',
    record.nodeName!,
    { nodeName: record.nodeName!, namespace: record.namespace, name: record.name, uid: record.uid, gracePeriodSeconds: grace, reason },
    ctx,
    `${causationId}:unassigned`,
    causationId,
  );
}

function decideDelete(state: PodRecord | null, cmd: PodDeleteRequested, ctx: DecideContext): PodDecision {
  const { namespace, name } = cmd.data;
  if (!state || state.deleted) {
    if (state && cmd.data.uid && state.uid === cmd.data.uid) return { kind: 'ignore', reason: 'already deleted' };
    return rejected(namespace, name, notFound('pods', name), ctx, cmd.id);
  }
  if (cmd.data.uid && cmd.data.uid !== state.uid) {
    return rejected(namespace, name, conflict('pods', name, `Precondition failed: UID in precondition: ${cmd.data.uid}, UID in object meta: ${state.uid}`), ctx, cmd.id);
  }
  const pod = state.pod;
  const time = ctx.now.toISOString();
  const grace = cmd.data.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (pod.metadata.deletionTimestamp) {
    // Already terminating: repeat the stop order (outbox) but record nothing new.
    return { kind: 'publish', outbound: state.nodeName ? [unassign(state, grace, 'Deleted', ctx, cmd.id)] : [] };
  }
  const terminating: Pod = {
    ...pod,
    metadata: { ...pod.metadata, deletionTimestamp: time, deletionGracePeriodSeconds: grace, resourceVersion: ctx.nextResourceVersion() },
  };
  if (!state.nodeName) {
    return {
      kind: 'write',
      record: { ...state, version: state.version + 1, pod: terminating, deleted: true },
      expectedVersion: state.version,
      outbound: [changed('DELETED', terminating, ctx, `${cmd.id}:deleted`, cmd.id)],
      history: [historyEntry(pod, { type: 'Normal', reason: 'Deleted', message: 'Pod deleted before it was scheduled', source: ctx.source }, cmd.id, time)],
    };
  }
  return {
    kind: 'write',
    record: { ...state, version: state.version + 1, pod: terminating },
    expectedVersion: state.version,
    outbound: [changed('MODIFIED', terminating, ctx, `${cmd.id}:modified`, cmd.id), unassign(state, grace, 'Deleted', ctx, cmd.id)],
    history: [historyEntry(pod, { type: 'Normal', reason: 'Killing', message: `Stopping pod on ${state.nodeName} (grace period ${grace}s)`, source: ctx.source }, cmd.id, time)],
  };
}

/** A lost node's pod is deleted at once; the stop order waits in the log for the node's return (fencing). */
function decideEviction(state: PodRecord | null, cmd: PodEvictionRequested, ctx: DecideContext): PodDecision {
  if (!state || state.uid !== cmd.data.uid) return { kind: 'ignore', reason: 'pod no longer there' };
  if (state.deleted) {
    // Replayed eviction: repeat the stop order and the release, both idempotent.
    if (!state.nodeName) return { kind: 'ignore', reason: 'already deleted' };
    return { kind: 'publish', outbound: [unassign(state, 0, cmd.data.reason, ctx, cmd.id)], release: { nodeName: state.nodeName, uid: state.uid } };
  }
  const time = ctx.now.toISOString();
  const evicted: Pod = {
    ...state.pod,
    metadata: { ...state.pod.metadata, deletionTimestamp: state.pod.metadata.deletionTimestamp ?? time, deletionGracePeriodSeconds: 0, resourceVersion: ctx.nextResourceVersion() },
    status: { ...state.pod.status, phase: 'Failed', reason: cmd.data.reason, message: cmd.data.message },
  };
  const record: PodRecord = { ...state, version: state.version + 1, pod: evicted, deleted: true };
  return {
    kind: 'write',
    record,
    expectedVersion: state.version,
    outbound: [changed('DELETED', evicted, ctx, `${cmd.id}:deleted`, cmd.id), ...(state.nodeName ? [unassign(state, 0, cmd.data.reason, ctx, cmd.id)] : [])],
    history: [historyEntry(state.pod, { type: 'Warning', reason: cmd.data.reason, message: cmd.data.message, source: cmd.source }, cmd.id, time)],
    release: state.nodeName ? { nodeName: state.nodeName, uid: state.uid } : undefined,
  };
}
