/** NodeSelector: every nodeSelector label must be on the node; `spec.nodeName` pins one node. */
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework';

export const nodeSelector: FilterPlugin = {
  name: 'NodeSelector',
  filter: ({ pod }, node) => {
    if (pod.spec.nodeName && pod.spec.nodeName !== node.name) return unresolvable("node(s) didn't match the requested node name");
    const selector = pod.spec.nodeSelector ?? {};
    const labels = node.node.labels;
    return Object.entries(selector).every(([k, v]) => labels[k] === v) ? SUCCESS : unresolvable("node(s) didn't match Pod's node affinity/selector");
  },
};
