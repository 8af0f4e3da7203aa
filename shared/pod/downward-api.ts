/**
 * The downward API: what a pod may learn about itself, as env values
 * (`valueFrom.fieldRef` / `resourceFieldRef`) and as the files of a
 * `downwardAPI` volume. Field paths and resources are Kubernetes' supported
 * sets; values are worded as the kubelet writes them (labels and annotations
 * as sorted `key="value"` lines, resources as ceil(quantity / divisor), and a
 * container without a limit gets the node's allocatable). Pure: the rules
 * validate at the API, the values are resolved by the agent.
 */
import { invalid, notSupported, required, type FieldCause } from '../kube/field-errors';
import { arr, obj, str, type Loose } from '../kube/loose';
import { parseQuantity } from '../kube/quantity';
import type { Container, Pod } from './schema';

const ENV_FIELDS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const VOLUME_FIELDS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations'];
const RESOURCES = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** What the agent knows besides the pod: its addresses and the node's allocatable. */
export interface DownwardContext {
  podIP?: string;
  hostIP?: string;
  allocatable: { cpu: string; memory: string; 'ephemeral-storage'?: string };
}

function fieldCauses(fieldPath: string, path: string, supported: readonly string[]): FieldCause[] {
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) return [];
  // A bare map is allowed in volumes only.
  if (supported === ENV_FIELDS && (fieldPath === 'metadata.labels' || fieldPath === 'metadata.annotations')) return [notSupported(`${path}.fieldPath`, fieldPath, ENV_FIELDS.filter((f) => f !== 'metadata.labels' && f !== 'metadata.annotations'))];
  return supported.includes(fieldPath) ? [] : [notSupported(`${path}.fieldPath`, fieldPath, supported)];
}

function resourceCauses(ref: Loose, path: string, containerNames: ReadonlySet<string>, needName: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const resource = str(ref.resource) ?? '';
  if (!RESOURCES.includes(resource)) causes.push(notSupported(`${path}.resource`, resource, RESOURCES));
  const name = str(ref.containerName);
  if (needName && !name) causes.push(required(`${path}.containerName`));
  if (name && !containerNames.has(name)) causes.push(invalid(`${path}.containerName`, name, 'must be the name of a container of this pod'));
  return causes;
}

/** The API's rules for env valueFrom and downwardAPI volumes. */
export function downwardCauses(spec: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  // Index loops, not map: hostile input may be a sparse array.
  const containers: { c: Loose | undefined; field: string; i: number }[] = [];
  for (const field of ['initContainers', 'containers']) {
    const list = arr(spec[field]);
    for (let i = 0; i < list.length; i++) containers.push({ c: obj(list[i]), field, i });
  }
  const names = new Set(containers.map(({ c }) => str(c?.name) ?? ''));
  for (const { c, field, i } of containers) {
    arr(c?.env).forEach((e, j) => {
      const env = obj(e);
      const from = obj(env?.valueFrom);
      if (!env || !from) return;
      const path = `spec.${field}[${i}].env[${j}]`;
      if (str(env.value)) causes.push(invalid(`${path}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => from[k] !== undefined);
      if (sources.length !== 1) causes.push(invalid(`${path}.valueFrom`, '', 'may not have more than one field specified at a time'));
      const fieldRef = obj(from.fieldRef);
      if (fieldRef) causes.push(...fieldCauses(str(fieldRef.fieldPath) ?? '', `${path}.valueFrom.fieldRef`, ENV_FIELDS));
      const resourceRef = obj(from.resourceFieldRef);
      if (resourceRef) causes.push(...resourceCauses(resourceRef, `${path}.valueFrom.resourceFieldRef`, names, false));
    });
  }
  arr(spec.volumes).forEach((v, i) => {
    const downward = obj(obj(v)?.downwardAPI);
    if (!downward) return;
    arr(downward.items).forEach((item, j) => {
      const it = obj(item);
      if (!it) return;
      const path = `spec.volumes[${i}].downwardAPI.items[${j}]`;
      const file = str(it.path) ?? '';
      if (file.startsWith('/') || file.split('/').includes('..')) causes.push(invalid(`${path}.path`, file, "must be a relative path without '..'"));
      const fieldRef = obj(it.fieldRef);
      const resourceRef = obj(it.resourceFieldRef);
      if (!!fieldRef === !!resourceRef) causes.push(invalid(path, '', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
      if (fieldRef) causes.push(...fieldCauses(str(fieldRef.fieldPath) ?? '', `${path}.fieldRef`, VOLUME_FIELDS));
      if (resourceRef) causes.push(...resourceCauses(resourceRef, `${path}.resourceFieldRef`, names, true));
    });
  });
  return causes;
}

const quote = (v: string) => JSON.stringify(v);

/** A pod field as the kubelet renders it. */
export function fieldValue(pod: Pod, fieldPath: string, ctx: DownwardContext): string {
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) return (sub[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[sub[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'metadata.labels':
    case 'metadata.annotations': {
      const map = (fieldPath === 'metadata.labels' ? pod.metadata.labels : pod.metadata.annotations) ?? {};
      return Object.keys(map)
        .sort()
        .map((k) => `${k}=${quote(map[k])}`)
        .join('\n');
    }
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP ?? '';
    default:
      return '';
  }
}

/** A container resource divided by the divisor and rounded up, as the kubelet's ExtractContainerResourceValue. */
export function resourceValue(pod: Pod, container: Container | undefined, resource: string, divisor: string | number | undefined, ctx: DownwardContext): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', 'cpu' | 'memory' | 'ephemeral-storage'];
  const own = container?.resources?.[kind]?.[name] ?? (kind === 'requests' ? container?.resources?.limits?.[name] : undefined);
  const value = own ?? (kind === 'limits' ? ctx.allocatable[name] : undefined) ?? 0;
  const q = parseQuantity(value);
  const d = parseQuantity(divisor ?? 1);
  // q / d as exact rationals, rounded up; 0 stays 0.
  const num = q.numerator * d.denominator;
  const den = q.denominator * d.numerator;
  if (den === 0n) return '0';
  const whole = num / den + (num % den === 0n ? 0n : 1n);
  return String(whole);
}

/** The env values a container gets from the downward API, by variable name. */
export function downwardEnv(pod: Pod, container: Container, ctx: DownwardContext): Record<string, string> {
  const out: Record<string, string> = {};
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (from?.fieldRef) out[e.name] = fieldValue(pod, from.fieldRef.fieldPath, ctx);
    else if (from?.resourceFieldRef) {
      const ref = from.resourceFieldRef;
      out[e.name] = resourceValue(pod, ref.containerName ? all.find((c) => c.name === ref.containerName) : container, ref.resource, ref.divisor, ctx);
    }
  }
  return out;
}

/** The files of a downwardAPI volume: relative path → content and mode. */
export function downwardFiles(pod: Pod, volume: NonNullable<Pod['spec']['volumes']>[number], ctx: DownwardContext): { path: string; content: string; mode: number }[] {
  const api = volume.downwardAPI;
  if (!api) return [];
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  return (api.items ?? []).map((item) => {
    const content = item.fieldRef
      ? fieldValue(pod, item.fieldRef.fieldPath, ctx)
      : resourceValue(pod, all.find((c) => c.name === item.resourceFieldRef?.containerName), item.resourceFieldRef!.resource, item.resourceFieldRef!.divisor, ctx);
    return { path: item.path, content, mode: item.mode ?? api.defaultMode ?? 0o644 };
  });
}
