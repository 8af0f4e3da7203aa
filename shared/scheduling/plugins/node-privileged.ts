/** NodePrivileged: a pod with a privileged container (init containers too) or a capability beyond the baseline set goes only to a node that allows privileged. */
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework';
import { needsPrivilegedNode } from '../../pod/security';

export const nodePrivileged: FilterPlugin = {
  name: 'NodePrivileged',
  filter: ({ pod }, node) => {
    const wantsPrivileged = needsPrivilegedNode(pod);
    return !wantsPrivileged || node.node.allowPrivileged ? SUCCESS : unresolvable("node(s) didn't allow privileged containers");
  },
};
