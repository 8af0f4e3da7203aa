/**
 * The core/v1 Pod fields podflow parses but does not enforce on Docker, and
 * the `Warning:` each one set in a pod earns (kubectl prints them), so a real
 * manifest runs and its author learns what it does not get, never by silence.
 * A field whose value changes nothing here (`enableServiceLinks`: there are
 * no Services; a service account with `automountServiceAccountToken: false`;
 * Kubernetes' defaults `priority: 0` and `preemptionPolicy:
 * PreemptLowerPriority`; `os.name: linux`) is not warned. Pure.
 */
import { arr, obj, str } from '../kube/loose';

const POD_FIELDS: Record<string, string> = {
  serviceAccountName: 'no service account token is mounted',
  serviceAccount: 'no service account token is mounted',
  topologySpreadConstraints: '',
  schedulingGates: 'the pod is scheduled at once',
  priority: 'pods are scheduled in arrival order, without preemption',
  priorityClassName: 'pods are scheduled in arrival order, without preemption',
  preemptionPolicy: 'pods are scheduled in arrival order, without preemption',
  runtimeClassName: '',
  overhead: '',
  readinessGates: 'Ready follows the containers only',
  resourceClaims: '',
  resources: 'container requests and limits apply',
  hostUsers: '',
  dnsConfig: 'containers use the node engine’s DNS settings',
  hostAliases: '',
  subdomain: '',
  setHostnameAsFQDN: '',
  shareProcessNamespace: 'each container has its own process namespace',
  ephemeralContainers: '',
};

const POD_SECURITY_FIELDS = ['fsGroup', 'fsGroupChangePolicy', 'supplementalGroups', 'supplementalGroupsPolicy', 'seccompProfile', 'seLinuxOptions', 'seLinuxChangePolicy', 'appArmorProfile', 'sysctls', 'windowsOptions'];
const CONTAINER_SECURITY_FIELDS = ['seccompProfile', 'seLinuxOptions', 'appArmorProfile', 'windowsOptions', 'procMount'];
const CONTAINER_FIELDS: Record<string, string> = {
  resizePolicy: '',
  volumeDevices: '',
};

/** Values that ask for nothing podflow does not already do. */
const NEUTRAL: Record<string, (value: unknown, spec: Record<string, unknown>) => boolean> = {
  priority: (v) => v === 0,
  preemptionPolicy: (v) => v === 'PreemptLowerPriority',
  serviceAccountName: (_v, spec) => spec.automountServiceAccountToken === false,
  serviceAccount: (_v, spec) => spec.automountServiceAccountToken === false,
};

/** Set: present and not empty (an empty list or object asks for nothing). */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const warning = (path: string, why: string) => `${path} is not enforced by podflow${why ? `: ${why}` : ''}`;

/** One warning per unenforced field the spec sets, at its path under `prefix` (`spec`, or `spec.template.spec` for a template). */
export function unenforcedWarnings(spec: unknown, prefix = 'spec'): string[] {
  const s = obj(spec);
  if (!s) return [];
  const out: string[] = [];
  for (const [field, why] of Object.entries(POD_FIELDS)) {
    if (isSet(s[field]) && !NEUTRAL[field]?.(s[field], s)) out.push(warning(`${prefix}.${field}`, why));
  }
  if (s.automountServiceAccountToken === true) out.push(warning(`${prefix}.automountServiceAccountToken`, 'no service account token is mounted'));
  // Node affinity is enforced (shared/scheduling/plugins/node-affinity.ts); pod affinity and anti-affinity are not.
  const affinity = obj(s.affinity);
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    if (isSet(affinity?.[kind])) out.push(warning(`${prefix}.affinity.${kind}`, 'only node affinity, nodeSelector and nodeName place pods'));
  }
  const osName = str(obj(s.os)?.name);
  if (osName && osName !== 'linux') out.push(warning(`${prefix}.os.name`, 'pods run on Linux nodes'));
  const podSc = obj(s.securityContext);
  for (const field of POD_SECURITY_FIELDS) if (isSet(podSc?.[field])) out.push(warning(`${prefix}.securityContext.${field}`, ''));
  for (const list of ['initContainers', 'containers'] as const) {
    arr(s[list]).forEach((c, i) => {
      const container = obj(c);
      const path = `${prefix}.${list}[${i}]`;
      for (const [field, why] of Object.entries(CONTAINER_FIELDS)) if (isSet(container?.[field])) out.push(warning(`${path}.${field}`, why));
      const sc = obj(container?.securityContext);
      for (const field of CONTAINER_SECURITY_FIELDS) if (isSet(sc?.[field]) && !(field === 'procMount' && sc?.[field] === 'Default')) out.push(warning(`${path}.securityContext.${field}`, ''));
    });
  }
  return out;
}
