/** NodeReady: only Ready nodes whose agent finished fencing take new pods. */
import { SUCCESS, unschedulable, type FilterPlugin } from '../framework';

export const nodeReady: FilterPlugin = {
  name: 'NodeReady',
  filter: (_pod, node) => (node.ready === 'True' && node.agentReady ? SUCCESS : unschedulable("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")),
};
