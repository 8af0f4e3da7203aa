/**
 * Node-side admission: what this node refuses to run (privileged containers,
 * hostPath volumes it does not allow, mounts of undeclared volumes). A refused
 * pod stays Pending with a Warning event; it never reaches Docker. Pure.
 */
import type { Pod } from '../../shared/pod/schema';

export interface NodePolicy {
  nodeName: string;
  allowPrivileged: boolean;
  allowHostPath: boolean;
}

export interface Refusal {
  /** The event reason (kubectl describe's Reason column). */
  eventReason: string;
  /** The waiting reason every container shows. */
  waitingReason: string;
  message: string;
}

export function admitPod(pod: Pod, node: NodePolicy): Refusal | null {
  const volumes = pod.spec.volumes ?? [];
  if (!node.allowHostPath) {
    const hostPath = volumes.find((v) => v.hostPath);
    if (hostPath) {
      return {
        eventReason: 'FailedMount',
        waitingReason: 'CreateContainerConfigError',
        message: `hostPath volume "${hostPath.name}" (${hostPath.hostPath!.path}) is not allowed on node ${node.nodeName}: the node does not allow hostPath volumes`,
      };
    }
  }
  for (const [index, c] of pod.spec.containers.entries()) {
    if (c.securityContext?.privileged && !node.allowPrivileged) {
      return {
        eventReason: 'Failed',
        waitingReason: 'CreateContainerConfigError',
        message: `spec.containers[${index}].securityContext.privileged: Forbidden: node ${node.nodeName} does not allow privileged containers`,
      };
    }
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
