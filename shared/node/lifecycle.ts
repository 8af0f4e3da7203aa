/**
 * Node lifecycle decisions, level-triggered like Kubernetes' node lifecycle
 * controller: each sweep recomputes what every node's Ready condition should be
 * and which pods are due for eviction, from data and an injected time, and the
 * caller diffs that against what is stored. A missed sweep heals on the next.
 */
import type { NodeReady, NodeRecord, PodRecord } from '../ports';

export interface LifecycleConfig {
  /** Silence after which a node is Ready=Unknown (Kubernetes: 40 s). */
  gracePeriodMs: number;
  /** Time a pod stays on a not-ready node before it is evicted (Kubernetes: 300 s). */
  evictionTimeoutMs: number;
  /** Evictions per sweep at most (a rate limit). */
  maxEvictionsPerSweep: number;
  /** Above this share of not-ready nodes, evictions stop: the control plane is more likely cut off. */
  unhealthyThreshold: number;
}

/**
 * When a heartbeat counts as seen: the receiver's clock, never the sender's
 * `time`, so a node with a clock ahead (or one that lies) cannot stay alive
 * without speaking. The sender's time only refuses a record already older than
 * the grace period by the receiver's clock: a replay of a dead node's last
 * heartbeats (after a handler restart re-reads its partition) must not bring
 * it back. Null: ignore the record.
 */
export function heartbeatSeenAt(senderTime: string, receiverNow: number, config: Pick<LifecycleConfig, 'gracePeriodMs'>): number | null {
  const sent = Date.parse(senderTime);
  if (!Number.isFinite(sent) || sent < receiverNow - config.gracePeriodMs) return null;
  return receiverNow;
}

export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  gracePeriodMs: 40_000,
  evictionTimeoutMs: 300_000,
  maxEvictionsPerSweep: 10,
  unhealthyThreshold: 0.55,
};

export function desiredReady(node: NodeRecord, now: number, cfg: LifecycleConfig): NodeReady {
  if (now - node.lastHeartbeat > cfg.gracePeriodMs) return 'Unknown';
  return node.agentReady ? 'True' : 'False';
}

/** A pod's own tolerance for node loss (`tolerationSeconds` on not-ready/unreachable), else the default. */
export function evictionTimeoutFor(pod: PodRecord, cfg: LifecycleConfig): number {
  const tolerations = pod.pod.spec.tolerations ?? [];
  const relevant = tolerations.filter(
    (t) => (t.key === 'node.kubernetes.io/unreachable' || t.key === 'node.kubernetes.io/not-ready') && (t.effect === 'NoExecute' || !t.effect),
  );
  const seconds = relevant.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
  return seconds.length ? Math.min(...seconds) * 1000 : cfg.evictionTimeoutMs;
}

export interface SweepPlan {
  /** Ready condition writes; Unknown→Unknown restarts a node's eviction clock (during a full disruption). */
  readyChanges: { node: string; from: NodeReady; to: NodeReady; expectedVersion: number }[];
  evictions: { pod: PodRecord; node: string }[];
  /** True when too many nodes are down to trust the signal. */
  evictionsHalted: boolean;
}

export function planSweep(nodes: readonly NodeRecord[], podsByNode: ReadonlyMap<string, readonly PodRecord[]>, now: number, cfg: LifecycleConfig): SweepPlan {
  const readyChanges: SweepPlan['readyChanges'] = [];
  const notReady: { node: NodeRecord; since: number }[] = [];
  for (const node of nodes) {
    const to = desiredReady(node, now, cfg);
    if (to !== node.ready) readyChanges.push({ node: node.name, from: node.ready, to, expectedVersion: node.version });
    if (to === 'Unknown') {
      // The moment it went silent (grace after its last heartbeat) or its stored transition, whichever is later.
      const since = node.ready === 'Unknown' ? node.readyTransition : node.lastHeartbeat + cfg.gracePeriodMs;
      notReady.push({ node, since });
    }
  }
  const evictionsHalted = nodes.length > 0 && notReady.length / nodes.length > cfg.unhealthyThreshold;
  if (evictionsHalted) {
    // As Kubernetes does after a full disruption: eviction clocks start again when it ends,
    // so nodes that come back a little later than the others are not evicted at once.
    for (const { node } of notReady) {
      if (node.ready === 'Unknown') readyChanges.push({ node: node.name, from: 'Unknown', to: 'Unknown', expectedVersion: node.version });
    }
  }
  const evictions: SweepPlan['evictions'] = [];
  if (!evictionsHalted) {
    for (const { node, since } of notReady.sort((a, b) => a.since - b.since)) {
      for (const pod of podsByNode.get(node.name) ?? []) {
        if (pod.deleted || evictions.length >= cfg.maxEvictionsPerSweep) continue;
        if (now - since >= evictionTimeoutFor(pod, cfg)) evictions.push({ pod, node: node.name });
      }
    }
  }
  return { readyChanges, evictions, evictionsHalted };
}
