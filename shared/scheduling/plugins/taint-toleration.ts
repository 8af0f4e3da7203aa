/**
 * TaintToleration, as kube-scheduler's plugin of that name: a node with a
 * NoSchedule or NoExecute taint the pod does not tolerate is filtered out
 * ("node(s) had untolerated taint {key: value}"), and nodes are scored by how
 * few PreferNoSchedule taints the pod does not tolerate (only tolerations with
 * an empty or PreferNoSchedule effect count there, as in kube-scheduler).
 * The matching itself is shared/node/taints.ts's.
 */
import { tolerates, untoleratedReason, untoleratedTaint } from '../../node/taints';
import { SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin } from '../framework';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter: ({ pod }, node) => {
    const taint = untoleratedTaint(node.taints ?? [], pod.spec.tolerations ?? [], ['NoSchedule', 'NoExecute']);
    return taint ? unresolvable(untoleratedReason(taint)) : SUCCESS;
  },
};

/** Untolerated PreferNoSchedule taints of a node, for the pod. */
export function intolerablePreferNoSchedule(node: { taints?: readonly { key: string; value?: string; effect: string }[] }, tolerations: readonly { effect?: string }[]): number {
  const relevant = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return (node.taints ?? []).filter((taint) => taint.effect === 'PreferNoSchedule' && !relevant.some((t) => tolerates(t, taint))).length;
}

export const taintTolerationPreference: ScorePlugin = {
  name: 'TaintToleration',
  // kube-scheduler's default weight for TaintToleration.
  weight: 3,
  // kube-scheduler normalizes the count across nodes (fewest is best); per node, fewer scores higher.
  score: ({ pod }, node) => Math.round(100 / (1 + intolerablePreferNoSchedule(node, pod.spec.tolerations ?? []))),
};
