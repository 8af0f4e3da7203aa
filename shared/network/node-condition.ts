/**
 * A node's NetworkUnavailable condition, from what the control plane assigned
 * (its pod range, or why it has none) and what the agent reports (its pod
 * network programmed). The API shows it and the scheduler's NodeNetwork filter
 * keeps pods off a node while it is True, as Kubernetes does with the
 * node.kubernetes.io/network-unavailable taint. A node whose agent does not
 * manage a pod network has no such condition.
 */
import type { NodeRecord } from '../ports';

export interface NetworkCondition {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export function networkCondition(n: Pick<NodeRecord, 'node' | 'podCIDR' | 'podCIDRError'>): NetworkCondition | undefined {
  const net = n.node.network;
  if (!net) return undefined;
  if (!n.podCIDR) {
    return n.podCIDRError
      ? { status: 'True', reason: 'CIDRNotAvailable', message: n.podCIDRError }
      : { status: 'True', reason: 'NoPodCIDR', message: 'the control plane has not assigned a pod range yet' };
  }
  if (net.ready && net.podCIDR === n.podCIDR) {
    // The agent's account of its tunnel (agent/network/pod-network.ts) when it gives one.
    return { status: 'False', reason: 'RouteCreated', message: net.message ?? `agent programmed the pod network for ${n.podCIDR}` };
  }
  return { status: 'True', reason: net.reason ?? 'NoRouteCreated', message: net.message ?? `agent has not programmed the pod network for ${n.podCIDR} yet` };
}
