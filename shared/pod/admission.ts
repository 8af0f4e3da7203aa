/**
 * Admission of a pod, after validation: the cluster's privileged policy and
 * the namespace's pod security level at the API; the same facts seen from a
 * node (capability, agent version) as the refusal an agent reports; and the
 * runtime hardening every unprivileged container gets. Pure and total on
 * untrusted input: a refusal is a list of causes, never an exception.
 */
import type { StatusCause } from '../events/status';
import { MIN_AGENT_VERSION_PRIVILEGED, isAtLeast } from '../scheduling/plugins/node-version';
import { forbidden } from '../kube/field-errors';
import { arr, num, obj, str, strings } from '../kube/loose';
import { BASELINE_CAPABILITIES, capabilityName, checkPodSecurity, SECURITY_LEVELS, type SecurityLevel } from './security';

export interface AdmissionPolicy {
  /** Cluster-wide: may any pod run a privileged container. */
  allowPrivileged: boolean;
  /** Pod security level per namespace; others get `defaultLevel`. */
  namespaceLevels: Record<string, SecurityLevel>;
  defaultLevel: SecurityLevel;
}

/** As Kubernetes ships: privileged containers off, no pod security level enforced. */
export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = { allowPrivileged: false, namespaceLevels: {}, defaultLevel: 'privileged' };

export const CLUSTER_POLICY_DETAIL = 'disallowed by cluster policy';

/** The paths of privileged containers, init containers included. */
function privilegedContainers(manifest: unknown): string[] {
  const spec = obj(obj(manifest)?.spec);
  return (['initContainers', 'containers'] as const).flatMap((field) => arr(spec?.[field]).flatMap((c, i) => (obj(obj(c)?.securityContext)?.privileged === true ? [`spec.${field}[${i}]`] : [])));
}

/** The namespace's level; an unknown level fails closed to `restricted`. */
export function levelFor(namespace: string, policy: AdmissionPolicy): SecurityLevel {
  const level = Object.hasOwn(policy.namespaceLevels, namespace) ? policy.namespaceLevels[namespace] : policy.defaultLevel;
  return SECURITY_LEVELS.includes(level) ? level : 'restricted';
}

/**
 * Why the API refuses the pod (empty: admitted). A privileged container the
 * cluster forbids is reported once, as the cluster's refusal, even when the
 * namespace level forbids it too.
 */
export function admitPod(manifest: unknown, policy: AdmissionPolicy): StatusCause[] {
  const clusterCauses = policy.allowPrivileged
    ? []
    : privilegedContainers(manifest).map((p) => forbidden(`${p}.securityContext.privileged`, CLUSTER_POLICY_DETAIL));
  const namespace = str(obj(obj(manifest)?.metadata)?.namespace) || 'default';
  const refused = new Set(clusterCauses.map((c) => c.field));
  const levelCauses = checkPodSecurity(obj(manifest)?.spec, levelFor(namespace, policy)).filter((c) => !refused.has(c.field));
  return [...clusterCauses, ...levelCauses];
}

export interface NodeCapabilities {
  allowPrivileged: boolean;
  agentVersion: string;
  allowHostPath: boolean;
}

/**
 * What an agent says of a pod bound to it that it cannot run (set nodeName,
 * or an agent too old or not allowed): worded like the kubelet's
 * FailedValidation event. Null when the node can run it.
 */
export function nodeRefusal(pod: unknown, node: NodeCapabilities): { reason: string; message: string } | null {
  const meta = obj(obj(pod)?.metadata);
  const spec = obj(obj(pod)?.spec);
  const canPrivileged = node.allowPrivileged && isAtLeast(node.agentVersion, MIN_AGENT_VERSION_PRIVILEGED);
  const problems = [
    ...(canPrivileged ? [] : privilegedContainers(pod).map((p) => `${p}.securityContext.privileged: forbidden`)),
    ...(node.allowHostPath ? [] : arr(spec?.volumes).flatMap((v, i) => (obj(v)?.hostPath !== undefined ? [`spec.volumes[${i}].hostPath: forbidden`] : []))),
  ];
  if (!problems.length) return null;
  const detail = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
  const name = str(meta?.name) ?? '';
  const namespace = str(meta?.namespace) || 'default';
  return { reason: 'FailedValidation', message: `Error validating pod "${name}"."${namespace}" from api, ignoring: ${detail}` };
}

/** Capabilities an unprivileged container keeps: Docker's default set without NET_RAW. */
export const DEFAULT_CAPABILITIES: readonly string[] = BASELINE_CAPABILITIES;

/** How the agent hardens a container, in Docker's terms (HostConfig). */
export interface ContainerSecurity {
  privileged: boolean;
  /** `no-new-privileges`: setuid binaries cannot gain privileges. */
  noNewPrivileges: boolean;
  /** Always `['ALL']` unless privileged: the container gets exactly `capAdd`. */
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  readonlyRootfs: boolean;
  /** `uid` or `uid:gid` when the spec names a user. */
  user?: string;
}

/**
 * The runtime settings for one container: no-new-privileges unless it asks for
 * escalation, the default capability set adjusted by its own add/drop, and
 * nothing taken away from a privileged container.
 */
export function containerSecurityDefaults(container: unknown, podSecurityContext?: unknown): ContainerSecurity {
  const sc = obj(obj(container)?.securityContext);
  const podSc = obj(podSecurityContext);
  const uid = num(sc?.runAsUser) ?? num(podSc?.runAsUser);
  const gid = num(sc?.runAsGroup) ?? num(podSc?.runAsGroup);
  const user = uid === undefined ? {} : { user: gid === undefined ? String(uid) : `${uid}:${gid}` };
  const readonlyRootfs = sc?.readOnlyRootFilesystem === true;
  if (sc?.privileged === true) {
    return { privileged: true, noNewPrivileges: false, capDrop: [], capAdd: [], securityOpt: [], readonlyRootfs, ...user };
  }
  const caps = obj(sc?.capabilities);
  const drops = new Set(strings(caps?.drop).map(capabilityName));
  const kept = drops.has('ALL') ? [] : DEFAULT_CAPABILITIES.filter((c) => !drops.has(c));
  const added = strings(caps?.add).map(capabilityName).filter((c) => c);
  const capAdd = added.includes('ALL') ? ['ALL'] : [...new Set([...kept, ...added])].sort();
  const noNewPrivileges = sc?.allowPrivilegeEscalation !== true;
  return {
    privileged: false,
    noNewPrivileges,
    capDrop: ['ALL'],
    capAdd,
    securityOpt: noNewPrivileges ? ['no-new-privileges:true'] : [],
    readonlyRootfs,
    ...user,
  };
}
