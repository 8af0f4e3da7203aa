/**
 * Admission of a pod, after validation: the cluster's privileged policy and
 * the namespace's pod security level; the same facts seen from a node
 * (capability, agent version) as the refusal an agent reports; and the runtime
 * hardening every unprivileged container gets. One path for every way a pod
 * comes in: the API, a replication controller's template, a create published
 * on pod-events from outside, and the agent before it runs anything. Pure and
 * total on untrusted input: a refusal is a list of causes, never an exception.
 */
import { z } from 'zod';
import type { StatusCause } from '../events/status';
import { MIN_AGENT_VERSION_PRIVILEGED, isAtLeast } from '../scheduling/plugins/node-version';
import { forbidden } from '../kube/field-errors';
import { arr, num, obj, str, strings } from '../kube/loose';
import { BASELINE_CAPABILITIES, capabilityName, checkPodSecurity, extraCapabilities, privilegedContainers, SECURITY_LEVELS, type SecurityLevel } from './security';

export interface AdmissionPolicy {
  /** Cluster-wide: may any pod run a privileged container. */
  allowPrivileged: boolean;
  /** Pod security level per namespace; others get `defaultLevel`. */
  namespaceLevels: Record<string, SecurityLevel>;
  defaultLevel: SecurityLevel;
}

/** The namespace half of the policy: what an agent knows of the cluster's levels. */
export type PodSecurityLevels = Pick<AdmissionPolicy, 'namespaceLevels' | 'defaultLevel'>;

/**
 * Privileged containers off, and every namespace at `baseline`, the level the
 * Pod Security Standards recommend for general workloads: no host namespaces,
 * hostPath, hostPort or capabilities beyond the default set. A namespace is
 * `privileged` only by setting.
 */
export const DEFAULT_ADMISSION_POLICY: AdmissionPolicy = { allowPrivileged: false, namespaceLevels: {}, defaultLevel: 'baseline' };

/** The settings every process that admits pods reads (API, pod-controller, replication-controller, agent). */
export const admissionSettings = z.object({
  /** Cluster policy for privileged containers and capabilities beyond the baseline set (Kubernetes' --allow-privileged). */
  ALLOW_PRIVILEGED: z.enum(['true', 'false', '1', '0', '']).default('false'),
  /** Pod Security level per namespace, e.g. "team-a=restricted,tools=privileged". */
  POD_SECURITY_LEVELS: z.string().default(''),
  POD_SECURITY_DEFAULT_LEVEL: z.enum(SECURITY_LEVELS).default(DEFAULT_ADMISSION_POLICY.defaultLevel),
});

/** `team-a=restricted,tools=privileged` as a map; a malformed entry is an error at start, never a silent default. */
export function parseNamespaceLevels(text: string): Record<string, SecurityLevel> {
  const namespaceLevels: Record<string, SecurityLevel> = {};
  for (const pair of text.split(',').filter((p) => p.trim())) {
    const [namespace, level] = pair.split('=').map((x) => x.trim());
    if (!namespace || !(SECURITY_LEVELS as readonly string[]).includes(level)) throw new Error(`POD_SECURITY_LEVELS: bad entry "${pair}" (want namespace=privileged|baseline|restricted)`);
    namespaceLevels[namespace] = level as SecurityLevel;
  }
  return namespaceLevels;
}

/** The admission policy from the environment. */
export function admissionPolicyFromEnv(env: Record<string, string | undefined>): AdmissionPolicy {
  const config = admissionSettings.parse(env);
  return {
    allowPrivileged: config.ALLOW_PRIVILEGED === 'true' || config.ALLOW_PRIVILEGED === '1',
    namespaceLevels: parseNamespaceLevels(config.POD_SECURITY_LEVELS),
    defaultLevel: config.POD_SECURITY_DEFAULT_LEVEL,
  };
}

export const CLUSTER_POLICY_DETAIL = 'disallowed by cluster policy';

/** The namespace's level; an unknown level fails closed to `restricted`. */
export function levelFor(namespace: string, policy: AdmissionPolicy): SecurityLevel {
  const level = Object.hasOwn(policy.namespaceLevels, namespace) ? policy.namespaceLevels[namespace] : policy.defaultLevel;
  return SECURITY_LEVELS.includes(level) ? level : 'restricted';
}

/**
 * Why the pod is refused (empty: admitted). A privileged container or an
 * extra capability the cluster forbids is reported once, as the cluster's
 * refusal, even when the namespace level forbids it too.
 */
export function admitPod(manifest: unknown, policy: AdmissionPolicy): StatusCause[] {
  const clusterCauses = policy.allowPrivileged
    ? []
    : [...privilegedContainers(manifest).map((p) => `${p}.securityContext.privileged`), ...extraCapabilities(manifest)].map((field) => forbidden(field, CLUSTER_POLICY_DETAIL));
  const namespace = str(obj(obj(manifest)?.metadata)?.namespace) || 'default';
  const refused = new Set(clusterCauses.map((c) => c.field));
  const levelCauses = checkPodSecurity(obj(manifest)?.spec, levelFor(namespace, policy)).filter((c) => !refused.has(c.field));
  return [...clusterCauses, ...levelCauses];
}

/**
 * Admission of a replication controller's pod template: the pod it would
 * create, checked as that pod will be, with the causes at the template's own
 * paths (`spec.template.spec.containers[0]...`).
 */
export function admitTemplate(rc: unknown, admit: (pod: unknown) => StatusCause[]): StatusCause[] {
  const pod = templatePod(rc);
  if (!pod) return [];
  return admit(pod).map((c) => (c.field?.startsWith('spec') ? { ...c, field: `spec.template.${c.field}` } : c));
}

/** The pod a replication controller's template makes, as admission sees it (the RC's namespace); null without a template. */
export function templatePod(rc: unknown): { metadata: Record<string, unknown>; spec: unknown } | null {
  const namespace = str(obj(obj(rc)?.metadata)?.namespace) || 'default';
  const template = obj(obj(obj(rc)?.spec)?.template);
  return template ? { metadata: { ...obj(template.metadata), namespace }, spec: template.spec } : null;
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
    ...(canPrivileged ? [] : extraCapabilities(pod).map((p) => `${p}: forbidden`)),
    ...(node.allowHostPath ? [] : arr(spec?.volumes).flatMap((v, i) => (obj(v)?.hostPath !== undefined ? [`spec.volumes[${i}].hostPath: forbidden`] : []))),
  ];
  if (!problems.length) return null;
  return { reason: 'FailedValidation', message: failedValidationMessage(str(meta?.name) ?? '', str(meta?.namespace) || 'default', problems) };
}

/** The kubelet's FailedValidation wording: one problem as it is, several in brackets. */
export function failedValidationMessage(name: string, namespace: string, problems: readonly string[]): string {
  const detail = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
  return `Error validating pod "${name}"."${namespace}" from api, ignoring: ${detail}`;
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
