/** NodePrivileged: a pod with a privileged container goes only to a node that allows it. */
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework';

export const nodePrivileged: FilterPlugin = {
  name: 'NodePrivileged',
  filter: ({ pod }, node) => {
    const wantsPrivileged = pod.spec.containers.some((c) => c.securityContext?.privileged === true);
    return !wantsPrivileged || node.node.allowPrivileged ? SUCCESS : unresolvable("node(s) didn't allow privileged containers");
  },
};
