/**
 * NodeNetwork: a node whose pod network is not programmed yet (NetworkUnavailable
 * True: no pod range, or the agent has not built its bridge and routes) takes no
 * pods, as Kubernetes keeps pods off a node with the
 * node.kubernetes.io/network-unavailable taint. Nodes that do not manage a pod
 * network have no such condition and pass.
 */
import { networkCondition } from '../../network/node-condition';
import { SUCCESS, unschedulable, type FilterPlugin } from '../framework';

export const nodeNetwork: FilterPlugin = {
  name: 'NodeNetwork',
  filter: (_pod, node) => (networkCondition(node)?.status === 'True' ? unschedulable('node(s) had untolerated taint {node.kubernetes.io/network-unavailable: }') : SUCCESS),
};
