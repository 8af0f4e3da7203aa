/**
 * NodePorts (kube-scheduler's plugin of that name): a pod whose containers ask
 * for a hostPort does not go to a node where a pod already holds that port
 * for the same protocol and an overlapping host IP (0.0.0.0, or no hostIP,
 * overlaps every address). The ports in use per node are those the node's
 * item holds claims for (NodeRecord.hostPorts, written by the bind: the guard
 * that refuses the loser of a race, shared/scheduling/host-port-claims.ts) and
 * those of the pods bound to it (PodInfo.hostPortsInUse, read from the Pods
 * table only for pods that ask for a hostPort).
 */
import type { Pod } from '../../pod/schema';
import { SUCCESS, unschedulable, type FilterPlugin } from '../framework';

export interface HostPortUse {
  protocol: string;
  hostIP: string;
  hostPort: number;
}

export function hostPortsOf(pod: Pod): HostPortUse[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].flatMap((c) =>
    (c.ports ?? []).flatMap((p) => (p.hostPort ? [{ protocol: p.protocol ?? 'TCP', hostIP: p.hostIP || '0.0.0.0', hostPort: p.hostPort }] : [])),
  );
}

/** Whether a pod has ended (Succeeded or Failed): as kube-scheduler counts it, it then holds no hostPort. */
export function podEnded(pod: Pod): boolean {
  return pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
}

/** The hostPorts a pod bound to a node holds: its own, until it ends. */
export function hostPortsHeld(pod: Pod): HostPortUse[] {
  return podEnded(pod) ? [] : hostPortsOf(pod);
}

const ANY = '0.0.0.0';

export function portsConflict(a: HostPortUse, b: HostPortUse): boolean {
  return a.hostPort === b.hostPort && a.protocol === b.protocol && (a.hostIP === b.hostIP || a.hostIP === ANY || b.hostIP === ANY);
}

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter: (info, node) => {
    const wanted = hostPortsOf(info.pod);
    const uid = info.pod.metadata.uid;
    // A pod the node already holds (a replayed bind) conflicts with nothing.
    if (wanted.length === 0 || (uid && node.reservations[uid])) return SUCCESS;
    const claimed = Object.entries(node.hostPorts ?? {}).flatMap(([holder, uses]) => (holder === uid ? [] : uses));
    const used = [...(info.hostPortsInUse?.[node.name] ?? []), ...claimed];
    return wanted.some((w) => used.some((u) => portsConflict(w, u))) ? unschedulable("node(s) didn't have free ports for the requested pod ports") : SUCCESS;
  },
};
