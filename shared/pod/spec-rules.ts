/**
 * Pod spec rules across fields, as Kubernetes' `ValidatePodSpec` words them:
 * unique names, known volume references, unique mount paths, ports, resource
 * names and requests ≤ limits, env var names, image whitespace, tolerations and
 * the pod-level names. Runs on untrusted input (types are the zod schema's job),
 * so it never throws, and it reports every cause at once.
 */
import { nodeAffinityCauses } from '../scheduling/plugins/node-affinity';
import { duplicate, invalid, notFound, notSupported, required, type FieldCause } from '../kube/field-errors';
import { inclusiveRangeError, isDns1123Label, isDns1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName } from '../kube/names';
import { arr, entries, num, obj, str, type Loose } from '../kube/loose';
import { labelCauses } from '../kube/meta-rules';
import { parseQuantity, type Quantity } from '../kube/quantity';
import { activeDeadlineCauses, containerLifecycleCauses, unsupportedCauses } from './lifecycle-rules';
import { downwardCauses } from './downward-api';
import { configRefCauses } from './config-refs';

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const MAX_ID = 2147483647;

function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return parseQuantity(v);
  } catch {
    return undefined; // the schema reports the format
  }
}

/** a ≤ b on exact rationals. */
const lessOrEqual = (a: Quantity, b: Quantity) => a.numerator * b.denominator <= b.numerator * a.denominator;

function resourceNameCauses(name: string, field: string): FieldCause[] {
  if (!name.includes('/')) {
    return STANDARD_CONTAINER_RESOURCES.has(name) || name.startsWith('hugepages-') ? [] : [invalid(field, name, 'must be a standard resource for containers')];
  }
  return isQualifiedName(name).map((msg) => invalid(field, name, msg));
}

function resourceCauses(resources: unknown, path: string): FieldCause[] {
  const r = obj(resources);
  if (!r) return [];
  const causes: FieldCause[] = [];
  const lists = { limits: entries(r.limits, quantityOf), requests: entries(r.requests, quantityOf) };
  for (const kind of ['limits', 'requests'] as const) {
    for (const [name, q] of lists[kind]) {
      const field = `${path}.${kind}[${name}]`;
      causes.push(...resourceNameCauses(name, field));
      if (q.numerator < 0n) causes.push(invalid(field, q.text, 'must be greater than or equal to 0'));
    }
  }
  const limits = new Map(lists.limits);
  for (const [name, request] of lists.requests) {
    const limit = limits.get(name);
    if (limit && !lessOrEqual(request, limit)) {
      causes.push(invalid(`${path}.requests[${name}]`, request.text, `must be less than or equal to ${name} limit of ${limit.text}`));
    }
  }
  return causes;
}

function portCauses(ports: unknown, path: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  arr(ports).forEach((p, j) => {
    const name = str(obj(p)?.name);
    if (!name) return;
    const msgs = isValidPortName(name);
    for (const msg of msgs) causes.push(invalid(`${path}[${j}].name`, name, msg));
    if (!msgs.length && names.has(name)) causes.push(duplicate(`${path}[${j}].name`, name));
    names.add(name);
  });
  return causes;
}

/** A host port and protocol can be taken once per pod. */
function hostPortCauses(containers: unknown[]): FieldCause[] {
  const causes: FieldCause[] = [];
  const taken = new Set<string>();
  containers.forEach((c, i) => {
    arr(obj(c)?.ports).forEach((p, j) => {
      const port = obj(p);
      const hostPort = num(port?.hostPort);
      if (!hostPort) return;
      const key = `${hostPort}/${str(port?.protocol) ?? 'TCP'}`;
      if (taken.has(key)) causes.push(duplicate(`spec.containers[${i}].ports[${j}].hostPort`, key));
      taken.add(key);
    });
  });
  return causes;
}

/** A relative path that stays below its root (subPath, hostPath). */
function pathCauses(value: string, field: string, mustBeRelative: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  if (mustBeRelative && value.startsWith('/')) causes.push(invalid(field, value, 'must be a relative path'));
  if (value.split('/').includes('..')) causes.push(invalid(field, value, "must not contain '..'"));
  return causes;
}

function mountCauses(mounts: unknown, path: string, volumeNames: ReadonlySet<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const mountPaths = new Set<string>();
  arr(mounts).forEach((m, j) => {
    const mount = obj(m);
    const name = str(mount?.name);
    if (name && !volumeNames.has(name)) causes.push(notFound(`${path}[${j}].name`, name));
    const mountPath = str(mount?.mountPath);
    if (mountPath) {
      if (mountPaths.has(mountPath)) causes.push(invalid(`${path}[${j}].mountPath`, mountPath, 'must be unique'));
      mountPaths.add(mountPath);
    }
    const subPath = str(mount?.subPath);
    if (subPath) causes.push(...pathCauses(subPath, `${path}[${j}].subPath`, true));
  });
  return causes;
}

function securityContextCauses(sc: Loose | undefined, path: string): FieldCause[] {
  if (!sc) return [];
  const causes: FieldCause[] = [];
  for (const key of ['runAsUser', 'runAsGroup']) {
    const id = num(sc[key]);
    if (id !== undefined && (id < 0 || id > MAX_ID)) causes.push(invalid(`${path}.${key}`, id, inclusiveRangeError(0, MAX_ID)));
  }
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true) {
    causes.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return causes;
}

function containerCauses(c: Loose, path: string, volumeNames: ReadonlySet<string>): FieldCause[] {
  const causes: FieldCause[] = [];
  const image = str(c.image);
  if (image && image.trim() !== image) causes.push(invalid(`${path}.image`, image, 'must not have leading or trailing whitespace'));
  arr(c.env).forEach((e, j) => {
    const name = str(obj(e)?.name);
    if (name) for (const msg of isEnvVarName(name)) causes.push(invalid(`${path}.env[${j}].name`, name, msg));
  });
  causes.push(...portCauses(c.ports, `${path}.ports`));
  causes.push(...resourceCauses(c.resources, `${path}.resources`));
  causes.push(...mountCauses(c.volumeMounts, `${path}.volumeMounts`, volumeNames));
  const policy = str(c.terminationMessagePolicy);
  if (policy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(policy)) causes.push(notSupported(`${path}.terminationMessagePolicy`, policy, TERMINATION_MESSAGE_POLICIES));
  causes.push(...securityContextCauses(obj(c.securityContext), `${path}.securityContext`));
  return causes;
}

function volumeCauses(volumes: unknown): { causes: FieldCause[]; names: Set<string> } {
  const causes: FieldCause[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((v, i) => {
    const volume = obj(v);
    if (!volume) return;
    const name = str(volume.name);
    if (name) {
      if (names.has(name)) causes.push(duplicate(`spec.volumes[${i}].name`, name));
      names.add(name);
    }
    const sources = (['emptyDir', 'hostPath', 'downwardAPI', 'configMap', 'secret', 'projected'] as const).filter((s) => volume[s] !== undefined);
    if (sources.length === 0) causes.push(required(`spec.volumes[${i}]`, 'must specify a volume type'));
    for (const extra of sources.slice(1)) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not specify more than 1 volume type', field: `spec.volumes[${i}].${extra}` });
    const hostPath = str(obj(volume.hostPath)?.path);
    if (hostPath) causes.push(...pathCauses(hostPath, `spec.volumes[${i}].hostPath.path`, false));
  });
  return { causes, names };
}

function tolerationCauses(tolerations: unknown): FieldCause[] {
  const causes: FieldCause[] = [];
  arr(tolerations).forEach((t, i) => {
    const tol = obj(t);
    if (!tol) return;
    const path = `spec.tolerations[${i}]`;
    const key = str(tol.key);
    if (key) for (const msg of isQualifiedName(key)) causes.push(invalid(`${path}.key`, key, msg));
    const operator = str(tol.operator) ?? 'Equal';
    if (!key && operator !== 'Exists') causes.push(invalid(`${path}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (operator === 'Exists' && str(tol.value)) causes.push(invalid(`${path}.operator`, tol, "value must be empty when `operator` is 'Exists'"));
    if (num(tol.tolerationSeconds) !== undefined && tol.effect !== 'NoExecute') causes.push(invalid(`${path}.effect`, str(tol.effect) ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  });
  return causes;
}

function podLevelCauses(spec: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  const named: [string, (v: string) => string[]][] = [
    ['nodeName', isDns1123Subdomain],
    ['hostname', isDns1123Label],
    ['schedulerName', isDns1123Subdomain],
  ];
  for (const [key, rule] of named) {
    const value = str(spec[key]);
    if (value) for (const msg of rule(value)) causes.push(invalid(`spec.${key}`, value, msg));
  }
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy !== undefined && !DNS_POLICIES.includes(dnsPolicy)) causes.push(notSupported('spec.dnsPolicy', dnsPolicy, DNS_POLICIES));
  causes.push(...labelCauses(spec.nodeSelector, 'spec.nodeSelector'));
  causes.push(...tolerationCauses(spec.tolerations));
  causes.push(...securityContextCauses(obj(spec.securityContext), 'spec.securityContext'));
  return causes;
}

export function specCauses(input: unknown): FieldCause[] {
  const spec = obj(input);
  if (!spec) return [];
  const { causes, names: volumeNames } = volumeCauses(spec.volumes);
  const grace = num(spec.terminationGracePeriodSeconds) ?? 30;
  // Names are unique across containers and init containers: they share the status and the logs' namespace.
  const containerNames = new Set<string>();
  for (const field of ['initContainers', 'containers'] as const) {
    arr(spec[field]).forEach((c, i) => {
      const container = obj(c);
      if (!container) return;
      const path = `spec.${field}[${i}]`;
      const name = str(container.name);
      if (name) {
        if (containerNames.has(name)) causes.push(duplicate(`${path}.name`, name));
        containerNames.add(name);
      }
      causes.push(...containerCauses(container, path, volumeNames));
      causes.push(...containerLifecycleCauses(container, path, field === 'initContainers', grace));
    });
  }
  causes.push(...hostPortCauses(arr(spec.containers)));
  causes.push(...activeDeadlineCauses(spec));
  causes.push(...unsupportedCauses(spec));
  causes.push(...downwardCauses(spec));
  causes.push(...configRefCauses(spec));
  causes.push(...nodeAffinityCauses(spec));
  causes.push(...podLevelCauses(spec));
  return causes;
}
