/**
 * Node-side admission: what this node refuses to run. The capability checks
 * (privileged containers, hostPath volumes, an agent too old for what the pod
 * needs) are the shared `nodeRefusal`, so the Warning event reads exactly like
 * the kubelet's FailedValidation; a mount of an undeclared volume is refused
 * here too. A refused pod stays Pending and never reaches Docker. Pure.
 */
import { nodeRefusal } from '../../shared/pod/admission';
import type { Pod } from '../../shared/pod/schema';

export interface NodePolicy {
  nodeName: string;
  allowPrivileged: boolean;
  allowHostPath: boolean;
  /** This agent's semver (pods needing a newer agent are refused). */
  agentVersion: string;
}

export interface Refusal {
  /** The event reason (kubectl describe's Reason column). */
  eventReason: string;
  /** The waiting reason every container shows. */
  waitingReason: string;
  message: string;
}

export function admitPod(pod: Pod, node: NodePolicy): Refusal | null {
  const refused = nodeRefusal(pod, { allowPrivileged: node.allowPrivileged, allowHostPath: node.allowHostPath, agentVersion: node.agentVersion });
  if (refused) return { eventReason: refused.reason, waitingReason: 'CreateContainerConfigError', message: refused.message };
  const volumes = pod.spec.volumes ?? [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.some((v) => v.name === m.name)) {
        return {
          eventReason: 'Failed',
          waitingReason: 'CreateContainerConfigError',
          message: `container "${c.name}": volumeMount "${m.name}" refers to no volume of the pod`,
        };
      }
    }
  }
  return null;
}
