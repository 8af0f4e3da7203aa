/**
 * A small scheduling framework in the shape of kube-scheduler's: filter plugins
 * return a Status (Success | Unschedulable | UnschedulableAndUnresolvable |
 * Error) with reasons; score plugins rank the nodes that pass. "Does not fit"
 * is data; only Error is a failure. Pure: nodes arrive as data.
 */
import type { NodeRecord, Resources } from '../ports';
import type { Pod } from '../pod/schema';
import type { HostPortUse } from './plugins/node-ports';

export type StatusCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';

export interface PluginStatus {
  code: StatusCode;
  /** Short reasons counted in "0/N nodes are available: ..." */
  reasons: string[];
}

export const SUCCESS: PluginStatus = { code: 'Success', reasons: [] };
export const unschedulable = (...reasons: string[]): PluginStatus => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): PluginStatus => ({ code: 'UnschedulableAndUnresolvable', reasons });

/** What the plugins see of the pod being scheduled. */
export interface PodInfo {
  pod: Pod;
  request: Resources;
  /** hostPorts held by the pods bound to each node (by node name); given only for a pod that asks for a hostPort (plugins/node-ports.ts). */
  hostPortsInUse?: Record<string, HostPortUse[]>;
}

export interface FilterPlugin {
  name: string;
  filter(pod: PodInfo, node: NodeRecord): PluginStatus;
}

export interface ScorePlugin {
  name: string;
  /** 0..100, higher is better. */
  score(pod: PodInfo, node: NodeRecord): number;
  weight: number;
}

export interface Profile {
  filters: FilterPlugin[];
  scores: ScorePlugin[];
}

export type ScheduleResult =
  | { kind: 'feasible'; ranked: { node: string; score: number }[] }
  | { kind: 'unschedulable'; message: string; reasons: Record<string, number> };

export function schedule(pod: PodInfo, nodes: readonly NodeRecord[], profile: Profile): ScheduleResult {
  const reasons: Record<string, number> = {};
  const feasible: NodeRecord[] = [];
  for (const node of nodes) {
    let passed = true;
    for (const plugin of profile.filters) {
      const status = plugin.filter(pod, node);
      if (status.code === 'Success') continue;
      passed = false;
      for (const r of status.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
      // Like kube-scheduler: the first failing filter decides for this node.
      break;
    }
    if (passed) feasible.push(node);
  }
  if (feasible.length === 0) return { kind: 'unschedulable', message: unschedulableMessage(nodes.length, reasons), reasons };
  const ranked = feasible
    .map((node) => ({ node: node.name, score: profile.scores.reduce((s, p) => s + p.weight * p.score(pod, node), 0) }))
    .sort((a, b) => b.score - a.score || a.node.localeCompare(b.node));
  return { kind: 'feasible', ranked };
}

/** "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector." */
export function unschedulableMessage(total: number, reasons: Record<string, number>): string {
  const parts = Object.entries(reasons)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${count} ${reason}`);
  if (total === 0) return '0/0 nodes are available: no nodes registered.';
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
