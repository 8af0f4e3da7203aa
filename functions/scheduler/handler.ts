/**
 * scheduler: for each accepted pod, filter and score the nodes, then bind in
 * one transaction that reserves the pod's requests on the node (within its
 * allocatable) and records the binding on the pod (conditional on its
 * version). A replay finds the pod bound and re-publishes the assignment.
 * Node lists are cached briefly: the transaction's conditions, not the cache,
 * are what guarantee capacity and free hostPorts (a bind that loses a race for
 * a port moves on to the next node, and a fresh node list then shows the
 * claim, so the pod ends Unschedulable with kube-scheduler's NodePorts reason).
 */
import { makeEvent, TOPICS, type PodAccepted, type PodAssigned, type PodEvent, type PodScheduleRequested } from '../../shared/events';
import { changed, historyEntry, type Outbound } from '../../shared/pod/decider';
import { nextResourceVersion } from '../../shared/kube/resource-version';
import type { Pod, PodCondition } from '../../shared/pod/schema';
import { podRequest } from '../../shared/node/resources';
import type { Binder, ControlPlaneDeps, NodeRecord, PodRecord } from '../../shared/ports';
import { applyEffects, followUps } from '../../shared/runtime/effects';
import { schedule, type PodInfo, type Profile } from '../../shared/scheduling/framework';
import { hostPortsHeld, hostPortsOf, type HostPortUse } from '../../shared/scheduling/plugins/node-ports';
import { DEFAULT_PROFILE } from '../../shared/scheduling/registry';

export interface SchedulerDeps extends ControlPlaneDeps {
  binder: Binder;
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

  /**
   * Binds the pod to the first ranked node that still has room: reservation
   * and binding in one transaction. 'gone' when the pod was deleted, replaced
   * or bound elsewhere meanwhile; 'full' when no ranked node had room.
   */
  async function bindToOneOf(record: PodRecord, ranked: string[], info: PodInfo, all: NodeRecord[], eventId: string): Promise<'bound' | 'gone' | 'full'> {
    const time = deps.clock.now().toISOString();
    let current: PodRecord = record;
    for (const nodeName of ranked) {
      const node = all.find((n) => n.name === nodeName);
      for (let attempt = 0; node && attempt < 5; attempt++) {
        const pod = withCondition({ ...current.pod, spec: { ...current.pod.spec, nodeName } }, { type: 'PodScheduled', status: 'True', lastTransitionTime: time });
        const scheduled = historyEntry(pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, source }, eventId, time);
        const applied = await applyEffects(
          {
            write: { kind: 'bindPod', nodeName, record: { ...current, version: current.version + 1, nodeName, pod }, expectedVersion: current.version, request: info.request, allocatable: node.allocatable },
            then: followUps({ history: [scheduled], outbound: assigned(pod, nodeName, eventId) }),
          },
          deps,
        );
        if (applied === 'done') {
          // The cached node list learns of the reservation at once; the next read replaces it.
          node.allocated = { cpu: node.allocated.cpu + info.request.cpu, memory: node.allocated.memory + info.request.memory, pods: node.allocated.pods + 1 };
          node.reservations = { ...node.reservations, [record.uid]: info.request };
          const held = hostPortsOf(pod);
          if (held.length > 0) node.hostPorts = { ...node.hostPorts, [record.uid]: held };
          return 'bound';
        }
        if (applied === 'insufficient' || applied === 'ports-taken' || applied === 'no-such-node') break; // try the next node
        // The pod moved on since it was read: look again.
        const latest = await deps.podStore.get(record.namespace, record.name);
        if (!latest || latest.deleted || latest.uid !== record.uid || latest.pod.metadata.deletionTimestamp) return 'gone';
        if (latest.nodeName) {
          // Bound already, by an earlier delivery of this event or another scheduler: repeat what it published.
          await applyEffects({ then: followUps({ outbound: assigned(latest.pod, latest.nodeName, eventId) }) }, deps);
          return 'bound';
        }
        current = latest;
      }
    }
    return 'full';
  }

  async function recordUnschedulable(record: PodRecord, message: string, eventId: string): Promise<void> {
    const previous = record.pod.status.conditions?.find((c) => c.type === 'PodScheduled');
    if (previous?.status === 'False' && previous.message === message) return; // nothing new to say
    const time = deps.clock.now().toISOString();
    const pod = withCondition(record.pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: time });
    // A conflict means someone else moved the pod on; the next attempt sees it.
    await applyEffects(
      {
        write: { kind: 'putPod', record: { ...record, version: record.version + 1, pod }, expectedVersion: record.version },
        then: followUps({
          history: [historyEntry(pod, { type: 'Warning', reason: 'FailedScheduling', message, source }, eventId, time)],
          outbound: [changed('MODIFIED', pod, { now: deps.clock.now(), source, nextResourceVersion }, `${eventId}:unschedulable`, eventId)],
        }),
      },
      deps,
    );
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

  /** For a pod that asks for a hostPort only: the hostPorts the pods bound to each node hold (the NodePorts filter). */
  async function hostPortsInUse(pod: Pod): Promise<Pick<PodInfo, 'hostPortsInUse'>> {
    if (hostPortsOf(pod).length === 0) return {};
    const used: Record<string, HostPortUse[]> = {};
    for (const p of await deps.podStore.list()) {
      if (p.deleted || !p.nodeName || p.uid === pod.metadata.uid) continue;
      (used[p.nodeName] ??= []).push(...hostPortsHeld(p.pod));
    }
    return { hostPortsInUse: used };
  }

  return async function handle(event: PodEvent): Promise<void> {
    if (event.type !== 'PodAccepted' && event.type !== 'PodScheduleRequested') return;
    const uid = event.type === 'PodAccepted' ? event.data.pod.metadata.uid : event.data.uid;
    const record = await podToPlace(event);
    if (!record || record.deleted || record.uid !== uid || record.pod.metadata.deletionTimestamp) return;
    if (record.nodeName) {
      // Already bound (a replay): repeat the assignment from what was stored.
      await applyEffects({ then: followUps({ outbound: assigned(record.pod, record.nodeName, event.id) }) }, deps);
      return;
    }
    const info: PodInfo = { pod: record.pod, request: podRequest(record.pod.spec), ...(await hostPortsInUse(record.pod)) };
    for (let attempt = 0; attempt < 3; attempt++) {
      const all = await nodes(attempt > 0);
      const result = schedule(info, all, profile);
      if (result.kind === 'unschedulable') {
        if (attempt === 0 && all.length > 0) continue; // a stale cache may be why; look once more
        await recordUnschedulable(record, result.message, event.id);
        return;
      }
      const outcome = await bindToOneOf(record, result.ranked.slice(0, 3).map((r) => r.node), info, all, event.id);
      if (outcome !== 'full') return;
    }
    const latest = await deps.podStore.get(record.namespace, record.name);
    if (latest && !latest.deleted && latest.uid === record.uid && !latest.nodeName) {
      const result = schedule(info, await nodes(true), profile);
      await recordUnschedulable(latest, result.kind === 'unschedulable' ? result.message : 'nodes changed while binding; will retry', event.id);
    }
  };
}
