/**
 * node-lifecycle: records heartbeats (node-heartbeats) into the Nodes table,
 * and on a timer sweeps the nodes: marks silent ones Ready=Unknown with a
 * NodeNotReady event on their pods, evicts pods that outlived the eviction
 * timeout (reason NodeLost) and pods a NoExecute taint no longer lets stay
 * (reason TaintManagerEviction), records taints set through the API
 * (node-events), and asks the scheduler to retry pods still
 * waiting for a node. The decisions are planSweep's; this adapts I/O.
 */
import { makeEvent, TOPICS, type NodeHeartbeatEvent, type NodeSpecEvent, type PodEvictionRequested, type PodScheduleRequested } from '../../shared/events';
import { applyEffects, followUps } from '../../shared/runtime/effects';
import { historyEntry } from '../../shared/pod/decider';
import { desiredReady, heartbeatSeenAt, planSweep, type LifecycleConfig } from '../../shared/node/lifecycle';
import { noExecuteTaints, planTaintEvictions } from '../../shared/node/taint-eviction';
import type { ControlPlaneDeps, PodRecord } from '../../shared/ports';
import type { PodCidrSettings } from '../../shared/network/cidr';
import { ensurePodCidr } from './pod-cidr';

export interface NodeLifecycleDeps extends ControlPlaneDeps {
  config: LifecycleConfig;
  /** Unschedulable pods are looked for at most this often (ms), and whenever a node joins or becomes Ready. */
  retryIntervalMs?: number;
  /** The cluster CIDR and node mask size: nodes that manage a pod network get a range (pod-cidr.ts). */
  podCidrs?: PodCidrSettings;
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
    const record = await deps.nodeStore.recordHeartbeat(event.data.node, event.data.bootId, event.data.ready, at);
    if (deps.podCidrs) await ensurePodCidr({ ...deps, podCidrs: deps.podCidrs }, record);
  };
}

/**
 * Records a node's spec (its taints) from node-events. The publish time orders
 * the records of one node, so a redelivered older record never undoes a newer
 * one; a node that is not registered keeps nothing (the API only publishes for
 * nodes it knows).
 */
export function makeNodeSpecRecorder(deps: Pick<NodeLifecycleDeps, 'nodeStore' | 'logger'>) {
  return async function handle(event: NodeSpecEvent): Promise<void> {
    const outcome = await deps.nodeStore.setTaints(event.data.name, event.data.spec.taints, Date.parse(event.time));
    if (outcome !== 'set') deps.logger.info({ node: event.data.name, outcome }, 'node spec not recorded');
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
    const tainted = nodes.filter((n) => noExecuteTaints(n).length > 0).map((n) => n.name);
    const podsByNode = new Map<string, PodRecord[]>(
      await Promise.all([...new Set([...unknown, ...tainted])].map(async (n) => [n, await deps.podStore.list({ nodeName: n })] as const)),
    );
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
    const nodeLost = new Set(evictions.map((e) => e.data.uid));
    const taintEvictions = planTaintEvictions(nodes, podsByNode, now.getTime(), deps.config.maxEvictionsPerSweep)
      .filter(({ pod }) => !nodeLost.has(pod.uid))
      .map(({ pod, node, taint }) =>
        makeEvent<PodEvictionRequested>(
          'PodEvictionRequested',
          `${pod.namespace}/${pod.name}`,
          { namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: node, reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${pod.namespace}/${pod.name}: node ${node} has taint {${taint.key}: ${taint.value ?? ''}} with effect NoExecute` },
          { source: SOURCE, time: now, id: `taint-evict:${pod.uid}` },
        ),
      );
    const requeue = unscheduled.map((pod) =>
      makeEvent<PodScheduleRequested>('PodScheduleRequested', `${pod.namespace}/${pod.name}`, { namespace: pod.namespace, name: pod.name, uid: pod.uid }, { source: SOURCE, time: now }),
    );
    await applyEffects({ then: followUps({ outbound: [...evictions, ...taintEvictions, ...requeue].map((event) => ({ topic: TOPICS.podEvents, event })) }) }, deps);
    return { evicted: evictions.length + taintEvictions.length, halted: plan.evictionsHalted, requeued: requeue.length };
  };
}
