/**
 * One node as a `kubectl get nodes` row: STATUS from the Ready condition (plus
 * SchedulingDisabled when cordoned), ROLES from the node-role labels.
 */
import type { Node } from './kube-types';
import { age } from './age';

export const NODE_COLUMNS = ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'];
export const NODE_WIDE_COLUMNS = [...NODE_COLUMNS, 'INTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'];

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeStatus(node: Node): string {
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const conditions: string[] = [];
  // As kubectl's printNode: a stale heartbeat (Ready=Unknown) reads NotReady too; Unknown only without a Ready condition.
  if (!ready) conditions.push('Unknown');
  else conditions.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (node.spec?.unschedulable) conditions.push('SchedulingDisabled');
  return conditions.join(',');
}

export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

export function nodeRow(node: Node, now: Date, wide: boolean): string[] {
  const info = node.status?.nodeInfo ?? {};
  const row = [node.metadata.name, nodeStatus(node), nodeRoles(node), age(node.metadata.creationTimestamp, now), info.kubeletVersion || ''];
  if (wide) {
    const internal = (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address;
    row.push(internal || '<none>', info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>');
  }
  return row;
}
