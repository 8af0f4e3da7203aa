/**
 * Pod address management in node-lifecycle: a node that manages a pod network
 * (its heartbeat carries `network`) and has no range yet gets one, once, on
 * the heartbeat that registers it. The range the node says it already uses
 * (an agent that comes back, a rebuilt Nodes table) is asked for first, so a
 * returning node keeps its pods' addresses; otherwise the lowest free range.
 * The store's claim decides races between handlers of different nodes; a full
 * cluster CIDR is recorded on the node (its NetworkUnavailable condition says
 * why), never thrown.
 */
import { z } from 'zod';
import { allocatePodCidr, contains, parseCidr, podCidrSettings, type PodCidrSettings } from '../../shared/network/cidr';
import type { Logger, NodeRecord, NodeStore } from '../../shared/ports';

const schema = z.object({
  /** kube-controller-manager's --cluster-cidr. */
  CLUSTER_CIDR: z.string().default('10.244.0.0/16'),
  /** kube-controller-manager's --node-cidr-mask-size. */
  NODE_CIDR_MASK_SIZE: z.coerce.number().int().default(24),
});

export function podCidrConfig(env: NodeJS.ProcessEnv): PodCidrSettings {
  const c = schema.parse(env);
  return podCidrSettings(c.CLUSTER_CIDR, c.NODE_CIDR_MASK_SIZE);
}

/** The range a node asks to keep, when it is a range of this cluster's shape. */
export function requestedRange(settings: PodCidrSettings, requested: string | undefined): string | undefined {
  if (!requested) return undefined;
  try {
    const c = parseCidr(requested);
    return c.prefix === settings.nodeMaskSize && contains(settings.clusterCidr, c.base) ? requested : undefined;
  } catch {
    return undefined;
  }
}

const MAX_ATTEMPTS = 8;

export async function ensurePodCidr(deps: { nodeStore: NodeStore; logger: Logger; podCidrs: PodCidrSettings }, record: NodeRecord): Promise<void> {
  if (record.podCIDR || !record.node.network) return;
  const taken = new Set((await deps.nodeStore.list()).flatMap((n) => (n.podCIDR ? [n.podCIDR] : [])));
  const wanted = requestedRange(deps.podCidrs, record.node.network.podCIDR);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const pick = wanted && !taken.has(wanted) ? { kind: 'allocated' as const, cidr: wanted } : allocatePodCidr(deps.podCidrs, taken);
    if (pick.kind === 'exhausted') {
      deps.logger.warn({ node: record.name }, pick.message);
      await deps.nodeStore.notePodCidrShortage(record.name, pick.message);
      return;
    }
    const outcome = await deps.nodeStore.assignPodCidr(record.name, pick.cidr);
    if (outcome === 'assigned') deps.logger.info({ node: record.name, podCIDR: pick.cidr }, 'pod CIDR assigned');
    if (outcome !== 'range-taken') return;
    taken.add(pick.cidr);
  }
  // Another writer kept winning every range tried: the node's next heartbeat tries again.
  deps.logger.warn({ node: record.name }, 'pod CIDR assignment kept racing other nodes');
}
