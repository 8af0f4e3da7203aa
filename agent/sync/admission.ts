/**
 * Node-side admission: what this node refuses to run, whatever the record
 * that assigned the pod says. The capability checks (privileged containers,
 * capabilities beyond the baseline set, hostPath volumes, an agent too old for
 * what the pod needs) are the shared `nodeRefusal`; then the cluster's own
 * admission (the namespace's Pod Security level) runs again, as the API and
 * the pod-controller ran it, so a forged assignment gains nothing. Both read
 * like the kubelet's FailedValidation event. A mount of an undeclared volume
 * is refused here too. A refused pod stays Pending and never reaches Docker.
 * Pure.
 */
import { admitPod as admitByPolicy, DEFAULT_ADMISSION_POLICY, failedValidationMessage, nodeRefusal, type PodSecurityLevels } from '../../shared/pod/admission';
import type { Pod } from '../../shared/pod/schema';

export interface NodePolicy {
  nodeName: string;
  allowPrivileged: boolean;
  allowHostPath: boolean;
  /** This agent's semver (pods needing a newer agent are refused). */
  agentVersion: string;
  /** The cluster's Pod Security levels; none: the defaults (every namespace baseline). */
  podSecurity?: PodSecurityLevels;
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
  const levels = node.podSecurity ?? DEFAULT_ADMISSION_POLICY;
  const causes = admitByPolicy(pod, { ...levels, allowPrivileged: node.allowPrivileged });
  if (causes.length) {
    const message = failedValidationMessage(pod.metadata.name, pod.metadata.namespace, causes.map((c) => `${c.field}: ${c.message}`));
    return { eventReason: 'FailedValidation', waitingReason: 'CreateContainerConfigError', message };
  }
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
