/**
 * node-lifecycle: records heartbeats (node-heartbeats) into the Nodes table,
 * and on a timer sweeps the nodes: marks silent ones Ready=Unknown with a
 * NodeNotReady event on their pods, evicts pods that outlived the eviction
 * timeout (reason NodeLost), and asks the scheduler to retry pods still
 * waiting for a node. The decisions are planSweep's; this adapts I/O.
 */
import { makeEvent, TOPICS, type NodeHeartbeatEvent, type PodEvictionRequested, type PodScheduleRequested } from '../../shared/events';
import { applyEffects, followUps } from '../../shared/runtime/effects';
import { historyEntry } from '../../shared/pod/decider';
import { desiredReady, heartbeatSeenAt, planSweep, type LifecycleConfig } from '../../shared/node/lifecycle';
import type { ControlPlaneDeps, PodRecord } from '../../shared/ports';

export interface NodeLifecycleDeps extends ControlPlaneDeps {
  config: LifecycleConfig;
  /** Unschedulable pods are looked for at most this often (ms), and whenever a node joins or becomes Ready. */
  retryIntervalMs?: number;
}

const SOURCE = 'node-controller';

/**
 * Only pods the scheduler found unschedulable are tried again (as kube-scheduler's
 * unschedulable queue). Pods still waiting for their first attempt are already on
 * their way; asking again would add work exactly when the scheduler is behind.
 */
export function needsRetry(pod: PodRecord): boolean {
  if (pod.nodeName || pod.deleted || pod.pod.metadata.deletionTimestamp) return false;
  return (pod.pod.status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False');
}

export function makeHeartbeatRecorder(deps: NodeLifecycleDeps) {
  return async function handle(event: NodeHeartbeatEvent): Promise<void> {
    const at = heartbeatSeenAt(event.time, deps.clock.now().getTime(), deps.config);
    if (at === null) {
      deps.logger.debug({ node: event.data.node.name, time: event.time }, 'stale heartbeat ignored');
      return;
    }
    // The store keeps a heartbeat older than the one it holds from making a node look alive again.
    await deps.nodeStore.recordHeartbeat(event.data.node, event.data.bootId, event.data.ready, at);
  };
}

/**
 * The sweep reads pods only where a decision needs them: the pods of nodes
 * that are (or become) not ready, through the byNode index, and the whole
 * table for unschedulable pods only every `retryIntervalMs` or when a node
 * joined or became Ready (the events that can make them fit, as
 * kube-scheduler's unschedulable queue flushes on cluster events). A sweep of
 * a healthy cluster so reads the Nodes table only.
 */
export function makeSweeper(deps: NodeLifecycleDeps) {
  const retryIntervalMs = deps.retryIntervalMs ?? 10_000;
  let lastRetryScan = -Infinity;
  let readyBefore = new Set<string>();
  return async function sweep(): Promise<{ evicted: number; halted: boolean; requeued: number }> {
    const now = deps.clock.now();
    const nodes = await deps.nodeStore.list();
    const desired = nodes.map((n) => ({ name: n.name, ready: desiredReady(n, now.getTime(), deps.config) }));
    const unknown = desired.filter((d) => d.ready === 'Unknown').map((d) => d.name);
    const ready = new Set(desired.filter((d) => d.ready === 'True').map((d) => d.name));
    const nodeCameUp = [...ready].some((n) => !readyBefore.has(n));
    readyBefore = ready;
    const podsByNode = new Map<string, PodRecord[]>(await Promise.all(unknown.map(async (n) => [n, await deps.podStore.list({ nodeName: n })] as const)));
    let unscheduled: PodRecord[] = [];
    if (nodeCameUp || now.getTime() - lastRetryScan >= retryIntervalMs) {
      lastRetryScan = now.getTime();
      unscheduled = (await deps.podStore.list()).filter(needsRetry);
    }
    const plan = planSweep(nodes, podsByNode, now.getTime(), deps.config);
    const time = now.toISOString();

    for (const change of plan.readyChanges) {
      const eventId = `node-not-ready:${change.node}:${now.getTime()}`;
      const notReady =
        change.to === 'Unknown' && change.from !== 'Unknown'
          ? (podsByNode.get(change.node) ?? []).map((p) =>
              historyEntry(p.pod, { type: 'Warning', reason: 'NodeNotReady', message: `Node ${change.node} is not ready`, source: SOURCE }, eventId, time),
            )
          : [];
      // A conflict means a heartbeat arrived meanwhile: the next sweep decides again.
      await applyEffects({ write: { kind: 'setNodeReady', nodeName: change.node, ready: change.to, at: now.getTime(), expectedVersion: change.expectedVersion }, then: followUps({ history: notReady }) }, deps);
    }

    if (plan.evictionsHalted) deps.logger.warn({ nodes: nodes.length }, 'most nodes are not ready: evictions halted');
    const evictions = plan.evictions.map(({ pod, node }) =>
      makeEvent<PodEvictionRequested>(
        'PodEvictionRequested',
        `${pod.namespace}/${pod.name}`,
        { namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: node, reason: 'NodeLost', message: `Node ${node} which was running pod ${pod.name} is unresponsive` },
        { source: SOURCE, time: now, id: `evict:${pod.uid}` },
      ),
    );
    const requeue = unscheduled.map((pod) =>
      makeEvent<PodScheduleRequested>('PodScheduleRequested', `${pod.namespace}/${pod.name}`, { namespace: pod.namespace, name: pod.name, uid: pod.uid }, { source: SOURCE, time: now }),
    );
    await applyEffects({ then: followUps({ outbound: [...evictions, ...requeue].map((event) => ({ topic: TOPICS.podEvents, event })) }) }, deps);
    return { evicted: evictions.length, halted: plan.evictionsHalted, requeued: requeue.length };
  };
}
