/** NodeResourcesFit: the pod's requests fit in what is left of the node's allocatable. */
import { SUCCESS, unschedulable, type FilterPlugin } from '../framework';

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter: ({ pod, request }, node) => {
    const reasons: string[] = [];
    const free = {
      cpu: node.allocatable.cpu - node.allocated.cpu,
      memory: node.allocatable.memory - node.allocated.memory,
      pods: node.allocatable.pods - node.allocated.pods,
    };
    // A pod this node already holds a reservation for fits by definition (a replayed bind).
    if (node.reservations[pod.metadata.uid]) return SUCCESS;
    if (request.pods > free.pods) reasons.push('Too many pods');
    if (request.cpu > free.cpu) reasons.push('Insufficient cpu');
    if (request.memory > free.memory) reasons.push('Insufficient memory');
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  },
};
