/**
 * How a pod consumes ConfigMaps and Secrets: `env[].valueFrom.configMapKeyRef`
 * / `secretKeyRef`, `envFrom` (with `prefix`), and `configMap`, `secret` and
 * `projected` volumes. The API checks the references' shape (rules below, with
 * kube-apiserver's wording); the agent resolves them against the objects it
 * read, as the kubelet does: env sources first in order, then `env`, which
 * overrides; a missing object or key that is not `optional` is an error worded
 * as the kubelet's, which leaves the container in CreateContainerConfigError
 * until the object appears. Pure: the objects arrive through `ConfigLookup`.
 */
import { invalid, required, forbidden, duplicate, type FieldCause } from '../kube/field-errors';
import { arr, obj, str, type Loose } from '../kube/loose';
import { downwardFiles, type DownwardContext } from './downward-api';
import type { Container, Pod, Volume } from './schema';

export type ConfigRefKind = 'ConfigMap' | 'Secret';

export interface ConfigRef {
  kind: ConfigRefKind;
  name: string;
}

/** The payload of an object by key, or undefined when it does not exist. */
export interface ConfigLookup {
  get(kind: ConfigRefKind, name: string): Readonly<Record<string, Buffer>> | undefined;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; message: string };

export interface VolumeFile {
  path: string;
  content: Buffer | string;
  mode: number;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const lower = (kind: ConfigRefKind) => (kind === 'ConfigMap' ? 'configmap' : 'secret');

/** Every ConfigMap and Secret a pod's containers and volumes name (image pull secrets aside). */
export function referencedObjects(pod: Pod): ConfigRef[] {
  const refs = new Map<string, ConfigRef>();
  const add = (kind: ConfigRefKind, name: string | undefined) => {
    if (name) refs.set(`${kind}/${name}`, { kind, name });
  };
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const e of c.env ?? []) {
      add('ConfigMap', e.valueFrom?.configMapKeyRef?.name);
      add('Secret', e.valueFrom?.secretKeyRef?.name);
    }
    for (const f of c.envFrom ?? []) {
      add('ConfigMap', f.configMapRef?.name);
      add('Secret', f.secretRef?.name);
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    add('ConfigMap', v.configMap?.name);
    add('Secret', v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) {
      add('ConfigMap', s.configMap?.name);
      add('Secret', s.secret?.name);
    }
  }
  return [...refs.values()];
}

/** Whether a volume's files come from ConfigMaps or Secrets (written by the agent, bound in). */
export const isConfigVolume = (v: Volume) => Boolean(v.configMap || v.secret || v.projected);
/** Whether a volume holds Secret values (kept in memory on the node, never on disk). */
export const holdsSecrets = (v: Volume) => Boolean(v.secret || v.projected?.sources?.some((s) => s.secret));

/** The env a container gets from ConfigMaps and Secrets: `envFrom` pairs in order, and the `valueFrom` values by name. */
export function configEnv(pod: Pod, container: Container, lookup: ConfigLookup): Resolved<{ fromSources: [string, string][]; values: Record<string, string> }> {
  const namespace = pod.metadata.namespace;
  const fromSources: [string, string][] = [];
  for (const f of container.envFrom ?? []) {
    const kind: ConfigRefKind = f.configMapRef ? 'ConfigMap' : 'Secret';
    const ref = f.configMapRef ?? f.secretRef;
    const name = ref?.name ?? '';
    const payload = lookup.get(kind, name);
    if (!payload) {
      if (ref?.optional) continue;
      return { ok: false, message: `${lower(kind)} "${name}" not found` };
    }
    for (const key of Object.keys(payload).sort()) fromSources.push([`${f.prefix ?? ''}${key}`, payload[key].toString('utf8')]);
  }
  const values: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const sel = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    if (!sel) continue;
    const kind: ConfigRefKind = e.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const name = sel.name ?? '';
    const payload = lookup.get(kind, name);
    if (!payload) {
      if (sel.optional) continue;
      return { ok: false, message: `${lower(kind)} "${name}" not found` };
    }
    const value = payload[sel.key];
    if (value === undefined) {
      if (sel.optional) continue;
      return { ok: false, message: `couldn't find key ${sel.key} in ${kind} ${namespace}/${name}` };
    }
    values[e.name] = value.toString('utf8');
  }
  return { ok: true, value: { fromSources, values } };
}

/** The files of one object's keys: all of them by key name, or the listed items. */
function objectFiles(kind: ConfigRefKind, name: string, items: { key: string; path: string; mode?: number }[] | undefined, optional: boolean | undefined, mode: number, lookup: ConfigLookup): Resolved<VolumeFile[]> {
  const payload = lookup.get(kind, name);
  if (!payload) return optional ? { ok: true, value: [] } : { ok: false, message: `${lower(kind)} "${name}" not found` };
  if (!items?.length) return { ok: true, value: Object.keys(payload).sort().map((key) => ({ path: key, content: payload[key], mode })) };
  const files: VolumeFile[] = [];
  for (const item of items) {
    const content = payload[item.key];
    if (content === undefined) {
      if (optional) continue;
      return { ok: false, message: `${kind === 'ConfigMap' ? 'configmap references non-existent config key' : 'references non-existent secret key'}: ${item.key}` };
    }
    files.push({ path: item.path, content, mode: item.mode ?? mode });
  }
  return { ok: true, value: files };
}

/** The files of a configMap, secret or projected volume, or the kubelet's MountVolume.SetUp error. */
export function configVolumeFiles(pod: Pod, volume: Volume, lookup: ConfigLookup, downward: DownwardContext): Resolved<VolumeFile[]> {
  const failed = (r: { ok: false; message: string }): Resolved<VolumeFile[]> => ({ ok: false, message: `MountVolume.SetUp failed for volume "${volume.name}" : ${r.message}` });
  if (volume.configMap) {
    const r = objectFiles('ConfigMap', volume.configMap.name ?? '', volume.configMap.items, volume.configMap.optional, volume.configMap.defaultMode ?? 0o644, lookup);
    return r.ok ? r : failed(r);
  }
  if (volume.secret) {
    const r = objectFiles('Secret', volume.secret.secretName ?? '', volume.secret.items, volume.secret.optional, volume.secret.defaultMode ?? 0o644, lookup);
    return r.ok ? r : failed(r);
  }
  const files: VolumeFile[] = [];
  const mode = volume.projected?.defaultMode ?? 0o644;
  for (const s of volume.projected?.sources ?? []) {
    if (s.configMap || s.secret) {
      const r = s.configMap ? objectFiles('ConfigMap', s.configMap.name ?? '', s.configMap.items, s.configMap.optional, mode, lookup) : objectFiles('Secret', s.secret?.name ?? '', s.secret?.items, s.secret?.optional, mode, lookup);
      if (!r.ok) return failed(r);
      files.push(...r.value);
    } else if (s.downwardAPI) {
      files.push(...downwardFiles(pod, { name: volume.name, downwardAPI: { items: s.downwardAPI.items, defaultMode: mode } }, downward));
    }
  }
  return { ok: true, value: files };
}

function keyCauses(key: string, field: string): FieldCause[] {
  if (!key) return [required(field)];
  return CONFIG_KEY.test(key) ? [] : [invalid(field, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")];
}

function itemCauses(items: unknown, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  const paths = new Set<string>();
  arr(items).forEach((it, j) => {
    const item = obj(it);
    if (!item) return;
    causes.push(...keyCauses(str(item.key) ?? '', `${field}[${j}].key`));
    const path = str(item.path) ?? '';
    if (!path) causes.push(required(`${field}[${j}].path`));
    else if (path.startsWith('/') || path.split('/').includes('..')) causes.push(invalid(`${field}[${j}].path`, path, "must be a relative path without '..'"));
    else if (paths.has(path)) causes.push(duplicate(`${field}[${j}].path`, path));
    paths.add(path);
  });
  return causes;
}

/** The API's rules for references to ConfigMaps and Secrets (kube-apiserver's ValidatePodSpec wording). */
export function configRefCauses(spec: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const field of ['initContainers', 'containers']) {
    const list = arr(spec[field]);
    for (let i = 0; i < list.length; i++) {
      const c = obj(list[i]);
      arr(c?.env).forEach((e, j) => {
        const from = obj(obj(e)?.valueFrom);
        for (const refField of ['configMapKeyRef', 'secretKeyRef']) {
          const ref = obj(from?.[refField]);
          if (!ref) continue;
          const path = `spec.${field}[${i}].env[${j}].valueFrom.${refField}`;
          if (!str(ref.name)) causes.push(required(`${path}.name`));
          causes.push(...keyCauses(str(ref.key) ?? '', `${path}.key`));
        }
      });
      arr(c?.envFrom).forEach((f, j) => {
        const from = obj(f);
        if (!from) return;
        const path = `spec.${field}[${i}].envFrom[${j}]`;
        const refs = ['configMapRef', 'secretRef'].filter((k) => from[k] !== undefined);
        if (refs.length !== 1) causes.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
        for (const k of refs) if (!str(obj(from[k])?.name)) causes.push(required(`${path}.${k}.name`));
      });
    }
  }
  arr(spec.volumes).forEach((v, i) => {
    const volume = obj(v);
    const cm = obj(volume?.configMap);
    if (cm) {
      if (!str(cm.name)) causes.push(required(`spec.volumes[${i}].configMap.name`));
      causes.push(...itemCauses(cm.items, `spec.volumes[${i}].configMap.items`));
    }
    const secret = obj(volume?.secret);
    if (secret) {
      if (!str(secret.secretName)) causes.push(required(`spec.volumes[${i}].secret.secretName`));
      causes.push(...itemCauses(secret.items, `spec.volumes[${i}].secret.items`));
    }
    arr(obj(volume?.projected)?.sources).forEach((s, j) => {
      const source = obj(s);
      if (!source) return;
      const path = `spec.volumes[${i}].projected.sources[${j}]`;
      const kinds = ['configMap', 'secret', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => source[k] !== undefined);
      if (kinds.length !== 1) causes.push(invalid(path, '', 'must specify exactly one of: `configMap`, `secret`, `downwardAPI`'));
      if (source.serviceAccountToken !== undefined) causes.push(forbidden(`${path}.serviceAccountToken`, 'podflow has no service accounts, so there is no token to project'));
      if (source.clusterTrustBundle !== undefined) causes.push(forbidden(`${path}.clusterTrustBundle`, 'podflow serves no ClusterTrustBundles'));
      for (const k of ['configMap', 'secret']) {
        const ref = obj(source[k]);
        if (!ref) continue;
        if (!str(ref.name)) causes.push(required(`${path}.${k}.name`));
        causes.push(...itemCauses(ref.items, `${path}.${k}.items`));
      }
    });
  });
  return causes;
}
