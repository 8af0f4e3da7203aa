/**
 * node-lifecycle: records heartbeats (node-heartbeats) into the Nodes table,
 * and on a timer sweeps the nodes: marks silent ones Ready=Unknown with a
 * NodeNotReady event on their pods, evicts pods that outlived the eviction
 * timeout (reason NodeLost), and asks the scheduler to retry pods still
 * waiting for a node. The decisions are planSweep's; this adapts I/O.
 */
import { makeEvent, TOPICS, type NodeHeartbeatEvent, type PodEvictionRequested, type PodScheduleRequested } from '../../shared/events';
import { ConflictError } from '../../shared/errors';
import { historyEntry } from '../../shared/pod/decider';
import { planSweep, type LifecycleConfig } from '../../shared/node/lifecycle';
import type { ControlPlaneDeps, PodRecord } from '../../shared/ports';

export interface NodeLifecycleDeps extends ControlPlaneDeps {
  config: LifecycleConfig;
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
    const at = Math.max(Date.parse(event.time), 0);
    // A heartbeat older than what we hold (a replay) must not make a node look alive again.
    const current = await deps.nodeStore.get(event.data.node.name);
    if (current && current.lastHeartbeat > at && current.bootId === event.data.bootId) return;
    await deps.nodeStore.recordHeartbeat(event.data.node, event.data.bootId, event.data.ready, at);
  };
}

export function makeSweeper(deps: NodeLifecycleDeps) {
  return async function sweep(): Promise<{ evicted: number; halted: boolean; requeued: number }> {
    const now = deps.clock.now();
    const [nodes, pods] = await Promise.all([deps.nodeStore.list(), deps.podStore.list()]);
    const podsByNode = new Map<string, PodRecord[]>();
    const unscheduled: PodRecord[] = [];
    for (const pod of pods) {
      if (pod.nodeName) podsByNode.set(pod.nodeName, [...(podsByNode.get(pod.nodeName) ?? []), pod]);
      else if (needsRetry(pod)) unscheduled.push(pod);
    }
    const plan = planSweep(nodes, podsByNode, now.getTime(), deps.config);
    const time = now.toISOString();

    for (const change of plan.readyChanges) {
      try {
        await deps.nodeStore.setReady(change.node, change.to, now.getTime(), change.expectedVersion);
      } catch (err) {
        if (err instanceof ConflictError) continue; // a heartbeat arrived meanwhile; next sweep decides again
        throw err;
      }
      if (change.to === 'Unknown' && change.from !== 'Unknown') {
        const eventId = `node-not-ready:${change.node}:${now.getTime()}`;
        await deps.historyStore.append(
          (podsByNode.get(change.node) ?? []).map((p) =>
            historyEntry(p.pod, { type: 'Warning', reason: 'NodeNotReady', message: `Node ${change.node} is not ready`, source: SOURCE }, eventId, time),
          ),
        );
      }
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
    await deps.publisher.publish(TOPICS.podEvents, [...evictions, ...requeue]);
    return { evicted: evictions.length, halted: plan.evictionsHalted, requeued: requeue.length };
  };
}
