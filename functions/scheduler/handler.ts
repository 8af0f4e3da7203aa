/**
 * scheduler: for each accepted pod, filter and score the nodes, then bind in
 * two idempotent steps: reserve the pod's requests on the node (a conditional
 * write that cannot overcommit), then record the binding on the pod
 * (conditional on its version). A replay finds the reservation by uid and
 * finishes the same bind. Node lists are cached briefly: the reservation, not
 * the cache, is what guarantees capacity.
 */
import { makeEvent, TOPICS, type PodAccepted, type PodAssigned, type PodEvent, type PodScheduleRequested } from '../../shared/events';
import { ConflictError } from '../../shared/errors';
import { changed, historyEntry, type Outbound } from '../../shared/pod/decider';
import { nextResourceVersion } from '../../shared/pod/resource-version';
import type { Pod, PodCondition } from '../../shared/pod/schema';
import { podRequest } from '../../shared/node/resources';
import type { ControlPlaneDeps, NodeRecord, PodRecord } from '../../shared/ports';
import { publishAll } from '../../shared/runtime/execute';
import { schedule, type PodInfo, type Profile } from '../../shared/scheduling/framework';
import { DEFAULT_PROFILE } from '../../shared/scheduling/registry';

export interface SchedulerDeps extends ControlPlaneDeps {
  profile?: Profile;
  /** How long a node list may be reused (ms). */
  nodeCacheMs?: number;
  source?: string;
}

export function makeScheduler(deps: SchedulerDeps) {
  const profile = deps.profile ?? DEFAULT_PROFILE;
  const source = deps.source ?? 'default-scheduler';
  const cacheMs = deps.nodeCacheMs ?? 500;
  let cache: { at: number; nodes: Promise<NodeRecord[]> } | null = null;

  /** The node list, read at most once per `cacheMs` however many pods ask for it at once. */
  function nodes(fresh = false): Promise<NodeRecord[]> {
    const now = Date.now();
    if (fresh || !cache || now - cache.at > cacheMs) {
      const read = deps.nodeStore.list();
      const entry = { at: now, nodes: read };
      cache = entry;
      read.catch(() => {
        if (cache === entry) cache = null; // never keep a failed read
      });
    }
    return cache.nodes;
  }

  function assigned(pod: Pod, nodeName: string, causationId: string): Outbound[] {
    const now = deps.clock.now();
    const ctx = { now, source, nextResourceVersion };
    const event = makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod }, { source, time: now, id: `${causationId}:assigned:${pod.metadata.uid}`, causationId });
    return [{ topic: TOPICS.nodeAssignments, event }, changed('MODIFIED', pod, ctx, `${causationId}:bound:${pod.metadata.uid}`, causationId)];
  }

  function withCondition(pod: Pod, condition: PodCondition): Pod {
    const others = (pod.status.conditions ?? []).filter((c) => c.type !== condition.type);
    return { ...pod, metadata: { ...pod.metadata, resourceVersion: nextResourceVersion() }, status: { ...pod.status, conditions: [condition, ...others] } };
  }

  async function bind(record: PodRecord, nodeName: string, eventId: string): Promise<'bound' | 'gone'> {
    const time = deps.clock.now().toISOString();
    let current: PodRecord | null = record;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.deleted || current.uid !== record.uid || current.pod.metadata.deletionTimestamp) break;
      if (current.nodeName === nodeName) {
        // Our own earlier write (a replay): finish what it may not have published.
        await publishAll(deps.publisher, assigned(current.pod, nodeName, eventId));
        return 'bound';
      }
      if (current.nodeName) break; // another scheduler bound it elsewhere first
      const pod = withCondition({ ...current.pod, spec: { ...current.pod.spec, nodeName } }, { type: 'PodScheduled', status: 'True', lastTransitionTime: time });
      try {
        await deps.podStore.put({ ...current, version: current.version + 1, nodeName, pod }, current.version);
        await Promise.all([
          deps.historyStore.append([
            historyEntry(pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, source }, eventId, time),
          ]),
          publishAll(deps.publisher, assigned(pod, nodeName, eventId)),
        ]);
        return 'bound';
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        current = await deps.podStore.get(record.namespace, record.name);
      }
    }
    // The pod was deleted, replaced or bound elsewhere while we placed it: give the room back.
    await deps.nodeStore.release(nodeName, record.uid);
    return 'gone';
  }

  async function recordUnschedulable(record: PodRecord, message: string, eventId: string): Promise<void> {
    const previous = record.pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    if (previous?.status === 'False' && previous.message === message) return; // nothing new to say
    const time = deps.clock.now().toISOString();
    const pod = withCondition(record.pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: time });
    try {
      await deps.podStore.put({ ...record, version: record.version + 1, pod }, record.version);
    } catch (err) {
      if (err instanceof ConflictError) return; // someone else moved the pod on; the next attempt sees it
      throw err;
    }
    await deps.historyStore.append([historyEntry(pod, { type: 'Warning', reason: 'FailedScheduling', message, source }, eventId, time)]);
    await publishAll(deps.publisher, [changed('MODIFIED', pod, { now: deps.clock.now(), source, nextResourceVersion }, `${eventId}:unschedulable`, eventId)]);
  }

  /**
   * The pod as PodAccepted recorded it (no read needed: the bind is conditional
   * on that version and re-reads if it moved on), or as stored.
   */
  async function podToPlace(event: PodAccepted | PodScheduleRequested): Promise<PodRecord | null> {
    if (event.type === 'PodAccepted' && event.data.version !== undefined && !event.data.pod.spec.nodeName) {
      const { pod, version } = event.data;
      const { namespace = 'default', name = '', uid = '' } = pod.metadata;
      return { namespace, name, uid, version, pod, deleted: false };
    }
    const ref = event.type === 'PodAccepted' ? event.data.pod.metadata : event.data;
    return deps.podStore.get(ref.namespace ?? 'default', ref.name ?? '');
  }

  return async function handle(event: PodEvent): Promise<void> {
    if (event.type !== 'PodAccepted' && event.type !== 'PodScheduleRequested') return;
    const uid = event.type === 'PodAccepted' ? event.data.pod.metadata.uid : event.data.uid;
    const record = await podToPlace(event);
    if (!record || record.deleted || record.uid !== uid || record.pod.metadata.deletionTimestamp) return;
    if (record.nodeName) {
      // Already bound (a replay): repeat the assignment from what was stored.
      await publishAll(deps.publisher, assigned(record.pod, record.nodeName, event.id));
      return;
    }
    const info: PodInfo = { pod: record.pod, request: podRequest(record.pod.spec) };
    for (let attempt = 0; attempt < 3; attempt++) {
      const all = await nodes(attempt > 0);
      const reserved = all.find((n) => n.reservations[record.uid]);
      const result = reserved ? { kind: 'feasible' as const, ranked: [{ node: reserved.name, score: 0 }] } : schedule(info, all, profile);
      if (result.kind === 'unschedulable') {
        if (attempt === 0 && all.length > 0) continue; // a stale cache may be why; look once more
        await recordUnschedulable(record, result.message, event.id);
        return;
      }
      for (const { node } of result.ranked.slice(0, 3)) {
        const cached = all.find((n) => n.name === node);
        const outcome = await deps.nodeStore.reserve(node, record.uid, info.request, cached);
        if (outcome === 'reserved' || outcome === 'already-reserved') {
          if (cached && outcome === 'reserved') {
            cached.allocated = { cpu: cached.allocated.cpu + info.request.cpu, memory: cached.allocated.memory + info.request.memory, pods: cached.allocated.pods + 1 };
            cached.reservations = { ...cached.reservations, [record.uid]: info.request };
          }
          await bind(record, node, event.id);
          return;
        }
      }
    }
    const latest = await deps.podStore.get(record.namespace, record.name);
    if (latest && !latest.deleted && latest.uid === record.uid && !latest.nodeName) {
      const result = schedule(info, await nodes(true), profile);
      await recordUnschedulable(latest, result.kind === 'unschedulable' ? result.message : 'nodes changed while binding; will retry', event.id);
    }
  };
}
