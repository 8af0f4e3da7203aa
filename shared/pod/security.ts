/**
 * Pod security levels modelled on the Kubernetes Pod Security Standards:
 * `privileged` allows everything; `baseline` refuses the known privilege
 * escalations (privileged containers, host namespaces, hostPath volumes, host
 * ports, capabilities beyond the default set); `restricted` adds the hardening
 * rules (non-root, no privilege escalation, drop ALL). Pure, and total on
 * untrusted input: each violation is one cause at the field that violates it.
 */
import { forbidden, type FieldCause } from '../kube/field-errors';
import { arr, num, obj, str, strings, type Loose } from '../kube/loose';

export const SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

/** Capabilities a baseline pod may add (the Pod Security Standards' list). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
/** The only capability a restricted pod may add back after dropping ALL. */
export const RESTRICTED_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];

/** `CAP_SYS_ADMIN` and `sys_admin` name the same capability. */
export const capabilityName = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, '');

const CONTAINER_FIELDS = ['initContainers', 'containers'] as const;

/** The paths of privileged containers, init containers included. */
export function privilegedContainers(manifest: unknown): string[] {
  const spec = obj(obj(manifest)?.spec);
  return CONTAINER_FIELDS.flatMap((field) => arr(spec?.[field]).flatMap((c, i) => (obj(obj(c)?.securityContext)?.privileged === true ? [`spec.${field}[${i}]`] : [])));
}

/**
 * The paths of `capabilities.add` entries beyond the baseline set (`ALL`,
 * `SYS_ADMIN`, `NET_ADMIN`, ...): as much root on the node as a privileged
 * container, so gated the same way.
 */
export function extraCapabilities(manifest: unknown): string[] {
  const spec = obj(obj(manifest)?.spec);
  return CONTAINER_FIELDS.flatMap((field) =>
    arr(spec?.[field]).flatMap((c, i) =>
      strings(obj(obj(obj(c)?.securityContext)?.capabilities)?.add).flatMap((cap, j) => (BASELINE_CAPABILITIES.includes(capabilityName(cap)) ? [] : [`spec.${field}[${i}].securityContext.capabilities.add[${j}]`])),
    ),
  );
}

/** Whether the pod can run only on a node that allows privileged containers (the scheduler's filters and the agent's refusal agree). */
export function needsPrivilegedNode(pod: unknown): boolean {
  return privilegedContainers(pod).length > 0 || extraCapabilities(pod).length > 0;
}

interface ContainerView {
  index: number;
  name: string;
  path: string;
  sc: Loose | undefined;
  ports: unknown[];
}

/** Init containers and app containers alike: a privileged init container is as much root on the node. */
function containersOf(spec: Loose): ContainerView[] {
  return (['initContainers', 'containers'] as const).flatMap((field) =>
    arr(spec[field]).flatMap((c, index) => {
      const container = obj(c);
      if (!container) return [];
      return [{ index, name: str(container.name) ?? '', path: `spec.${field}[${index}]`, sc: obj(container.securityContext), ports: arr(container.ports) }];
    }),
  );
}

const violation = (level: SecurityLevel, field: string, check: string, detail: string): FieldCause =>
  forbidden(field, `violates PodSecurity "${level}": ${check} (${detail})`);

function baselineCauses(spec: Loose, containers: ContainerView[], level: SecurityLevel): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[ns] === true) causes.push(violation(level, `spec.${ns}`, 'host namespaces', `${ns}=true`));
  }
  arr(spec.volumes).forEach((v, i) => {
    const volume = obj(v);
    if (volume?.hostPath !== undefined) causes.push(violation(level, `spec.volumes[${i}].hostPath`, 'hostPath volumes', `volume "${str(volume.name) ?? ''}"`));
  });
  for (const c of containers) {
    if (c.sc?.privileged === true) {
      causes.push(violation(level, `${c.path}.securityContext.privileged`, 'privileged', `container "${c.name}" must not set securityContext.privileged=true`));
    }
    strings(obj(c.sc?.capabilities)?.add).forEach((cap, j) => {
      if (!BASELINE_CAPABILITIES.includes(capabilityName(cap))) {
        causes.push(violation(level, `${c.path}.securityContext.capabilities.add[${j}]`, 'non-default capabilities', `container "${c.name}" must not include "${cap}" in securityContext.capabilities.add`));
      }
    });
    c.ports.forEach((p, j) => {
      const hostPort = num(obj(p)?.hostPort);
      if (hostPort) causes.push(violation(level, `${c.path}.ports[${j}].hostPort`, 'hostPort', `container "${c.name}" uses hostPort ${hostPort}`));
    });
  }
  return causes;
}

function restrictedCauses(spec: Loose, containers: ContainerView[]): FieldCause[] {
  const causes: FieldCause[] = [];
  const podSc = obj(spec.securityContext);
  const podNonRoot = podSc?.runAsNonRoot;
  if (podNonRoot === false) causes.push(violation('restricted', 'spec.securityContext.runAsNonRoot', 'runAsNonRoot != true', 'pod must not set securityContext.runAsNonRoot=false'));
  if (podSc?.runAsUser === 0) causes.push(violation('restricted', 'spec.securityContext.runAsUser', 'runAsUser=0', 'pod must not set runAsUser=0'));
  for (const c of containers) {
    const sc = c.sc;
    if (sc?.allowPrivilegeEscalation !== false) {
      causes.push(violation('restricted', `${c.path}.securityContext.allowPrivilegeEscalation`, 'allowPrivilegeEscalation != false', `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`));
    }
    // The container's own setting wins; without one, the pod's true covers it (a pod-level false is reported once, above).
    const own = sc?.runAsNonRoot;
    if (own === false || (own !== true && podNonRoot !== true && podNonRoot !== false)) {
      causes.push(violation('restricted', `${c.path}.securityContext.runAsNonRoot`, 'runAsNonRoot != true', `container "${c.name}" must set securityContext.runAsNonRoot=true`));
    }
    if (sc?.runAsUser === 0) causes.push(violation('restricted', `${c.path}.securityContext.runAsUser`, 'runAsUser=0', `container "${c.name}" must not set runAsUser=0`));
    const capabilities = obj(sc?.capabilities);
    if (!strings(capabilities?.drop).some((d) => capabilityName(d) === 'ALL')) {
      causes.push(violation('restricted', `${c.path}.securityContext.capabilities.drop`, 'unrestricted capabilities', `container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`));
    }
    strings(capabilities?.add).forEach((cap, j) => {
      // Beyond the baseline set the baseline check has already said it.
      const name = capabilityName(cap);
      if (BASELINE_CAPABILITIES.includes(name) && !RESTRICTED_CAPABILITIES.includes(name)) {
        causes.push(violation('restricted', `${c.path}.securityContext.capabilities.add[${j}]`, 'unrestricted capabilities', `container "${c.name}" must not include "${cap}" in securityContext.capabilities.add`));
      }
    });
  }
  return causes;
}

/** What `spec` violates at `level`; empty when it may run there. */
export function checkPodSecurity(spec: unknown, level: SecurityLevel): FieldCause[] {
  const s = obj(spec);
  if (!s || level === 'privileged') return [];
  const containers = containersOf(s);
  const causes = baselineCauses(s, containers, level);
  return level === 'restricted' ? [...causes, ...restrictedCauses(s, containers)] : causes;
}
