/**
 * NoExecute evictions, as Kubernetes' taint eviction controller: a pod on a
 * node with a NoExecute taint it does not tolerate is evicted at once; one that
 * tolerates every such taint with `tolerationSeconds` is evicted once that long
 * has passed since the later of the taint's addition and the pod's binding;
 * without `tolerationSeconds` it stays. Level-triggered like the rest of the
 * node lifecycle: every sweep recomputes what is due from data and the time.
 */
import type { NodeRecord, PodRecord } from '../ports';
import { noExecuteStayMs, untoleratedTaint, type NodeTaint } from './taints';

export interface TaintEviction {
  pod: PodRecord;
  node: string;
  taint: NodeTaint;
}

/** When the pod's stay under the node's NoExecute taints began (epoch ms). */
function stayStart(taints: readonly NodeTaint[], pod: PodRecord): number {
  const added = taints.map((t) => Date.parse(t.timeAdded ?? '')).filter(Number.isFinite);
  const scheduled = (pod.pod.status.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'True')?.lastTransitionTime;
  const bound = Date.parse(scheduled ?? '');
  return Math.max(0, ...added, ...(Number.isFinite(bound) ? [bound] : []));
}

export const noExecuteTaints = (node: Pick<NodeRecord, 'taints'>): NodeTaint[] => (node.taints ?? []).filter((t) => t.effect === 'NoExecute');

export function planTaintEvictions(nodes: readonly NodeRecord[], podsByNode: ReadonlyMap<string, readonly PodRecord[]>, now: number, max: number): TaintEviction[] {
  const out: TaintEviction[] = [];
  for (const node of nodes) {
    const taints = noExecuteTaints(node);
    if (taints.length === 0) continue;
    for (const pod of podsByNode.get(node.name) ?? []) {
      if (out.length >= max) return out;
      if (pod.deleted || pod.pod.metadata.deletionTimestamp || pod.nodeName !== node.name) continue;
      const tolerations = pod.pod.spec.tolerations ?? [];
      const stay = noExecuteStayMs(taints, tolerations);
      if (stay === Infinity || now - stayStart(taints, pod) < stay) continue;
      out.push({ pod, node: node.name, taint: untoleratedTaint(taints, tolerations, ['NoExecute']) ?? taints[0] });
    }
  }
  return out;
}
