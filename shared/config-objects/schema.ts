/**
 * ConfigMaps and Secrets: their wire shapes and Kubernetes' rules for them.
 * Both hold a map of keys to bytes; a ConfigMap as text (`data`) and base64
 * (`binaryData`), a Secret as base64 (`data`) with `stringData` as a write-only
 * convenience folded into `data` before anything is stored. Keys follow the
 * config-key rule, the whole payload is at most 1 MiB, `immutable` freezes the
 * payload for good, and typed Secrets carry the keys their type requires.
 * Pure: the API validates with it, the controller re-checks immutability
 * against what it stored.
 */
import { z } from 'zod';
import { forbidden, invalid, required, tooLong, type FieldCause } from '../kube/field-errors';
import type { StatusCause } from '../events/status';
import { objectMeta } from '../pod/schema';
import { causesFromZod } from '../pod/validate';

export const CONFIG_KINDS = ['ConfigMap', 'Secret'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

/** The REST resource of each kind. */
export const RESOURCE_OF: Record<ConfigKind, 'configmaps' | 'secrets'> = { ConfigMap: 'configmaps', Secret: 'secrets' };

/** Kubernetes' limit on the payload of one ConfigMap or Secret (MaxSecretSize, the ConfigMap's total). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
const KEY_MESSAGE = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const stringMap = z.record(z.string(), z.string());

export const configMapManifest = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal('ConfigMap').optional(),
  metadata: objectMeta,
  data: stringMap.nullable().optional(),
  binaryData: stringMap.nullable().optional(),
  immutable: z.boolean().nullable().optional(),
});

export const secretManifest = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Secret').optional(),
  metadata: objectMeta,
  data: stringMap.nullable().optional(),
  stringData: stringMap.nullable().optional(),
  type: z.string().optional(),
  immutable: z.boolean().nullable().optional(),
});

/** A stored ConfigMap or Secret, as the API serves it (a Secret's data is base64, never stringData). */
export interface ConfigObject {
  apiVersion: 'v1';
  kind: ConfigKind;
  metadata: z.infer<typeof objectMeta> & { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

/** What a client sends, normalised: no server fields decided yet, stringData folded in. */
export type ConfigObjectInput = Omit<ConfigObject, 'metadata'> & { metadata: z.infer<typeof objectMeta> };

export type Validated = { ok: true; value: ConfigObjectInput } | { ok: false; causes: StatusCause[] };

function keyCauses(map: Record<string, string> | undefined, field: string): FieldCause[] {
  return Object.keys(map ?? {}).flatMap((k) => {
    if (k.length > 253) return [invalid(`${field}[${k}]`, k, 'must be no more than 253 characters')];
    if (!KEY_PATTERN.test(k)) return [invalid(`${field}[${k}]`, k, KEY_MESSAGE)];
    if (k === '.' || k === '..' || k.startsWith('..')) return [invalid(`${field}[${k}]`, k, "must not be '.' or '..' or start with '..'")];
    return [];
  });
}

function base64Causes(map: Record<string, string> | undefined, field: string): FieldCause[] {
  return Object.entries(map ?? {}).flatMap(([k, v]) => (BASE64.test(v) ? [] : [invalid(`${field}[${k}]`, '<value omitted>', 'illegal base64 data')]));
}

/** The decoded size of the payload, as Kubernetes counts it. */
export function payloadBytes(o: Pick<ConfigObject, 'kind' | 'data' | 'binaryData'>): number {
  let total = 0;
  const textual = o.kind === 'ConfigMap';
  for (const v of Object.values(o.data ?? {})) total += textual ? Buffer.byteLength(v) : Buffer.from(v, 'base64').length;
  for (const v of Object.values(o.binaryData ?? {})) total += Buffer.from(v, 'base64').length;
  return total;
}

/** The keys a typed Secret must carry (kube-apiserver's ValidateSecret). */
function secretTypeCauses(type: string, data: Record<string, string>): FieldCause[] {
  const has = (k: string) => k in data;
  switch (type) {
    case 'kubernetes.io/dockerconfigjson': {
      if (!has('.dockerconfigjson')) return [required('data[.dockerconfigjson]')];
      try {
        JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8'));
        return [];
      } catch (err) {
        return [invalid('data[.dockerconfigjson]', '<secret contents redacted>', (err as Error).message)];
      }
    }
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? [] : [required('data[.dockercfg]')];
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required('data[username]', 'must have at least one of username or password')];
    case 'kubernetes.io/ssh-auth':
      return has('ssh-privatekey') ? [] : [required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return [...(has('tls.crt') ? [] : [required('data[tls.crt]')]), ...(has('tls.key') ? [] : [required('data[tls.key]')])];
    default:
      return [];
  }
}

/** Parses and checks a ConfigMap or Secret from a client; a Secret's stringData is folded into data. */
export function validateConfigObject(kind: ConfigKind, body: unknown): Validated {
  if (kind === 'ConfigMap') {
    const parsed = configMapManifest.safeParse(body, { reportInput: true });
    if (!parsed.success) return { ok: false, causes: causesFromZod(parsed.error) };
    const m = parsed.data;
    const data = m.data ?? undefined;
    const binaryData = m.binaryData ?? undefined;
    const causes: StatusCause[] = [...keyCauses(data, 'data'), ...keyCauses(binaryData, 'binaryData'), ...base64Causes(binaryData, 'binaryData')];
    for (const k of Object.keys(binaryData ?? {})) if (data && k in data) causes.push(invalid(`binaryData[${k}]`, k, 'duplicate of key present in data'));
    const value: ConfigObjectInput = { apiVersion: 'v1', kind, metadata: m.metadata, ...(data ? { data } : {}), ...(binaryData ? { binaryData } : {}), ...(m.immutable != null ? { immutable: m.immutable } : {}) };
    if (!causes.length && payloadBytes(value) > MAX_PAYLOAD_BYTES) causes.push(tooLong('', MAX_PAYLOAD_BYTES));
    return causes.length ? { ok: false, causes } : { ok: true, value };
  }
  const parsed = secretManifest.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, causes: causesFromZod(parsed.error) };
  const m = parsed.data;
  const causes: StatusCause[] = [...keyCauses(m.data ?? undefined, 'data'), ...keyCauses(m.stringData ?? undefined, 'stringData'), ...base64Causes(m.data ?? undefined, 'data')];
  if (causes.length) return { ok: false, causes };
  const data: Record<string, string> = { ...(m.data ?? {}) };
  for (const [k, v] of Object.entries(m.stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  const type = m.type || 'Opaque';
  causes.push(...secretTypeCauses(type, data));
  const value: ConfigObjectInput = { apiVersion: 'v1', kind, metadata: m.metadata, ...(Object.keys(data).length ? { data } : {}), type, ...(m.immutable != null ? { immutable: m.immutable } : {}) };
  if (!causes.length && payloadBytes(value) > MAX_PAYLOAD_BYTES) causes.push(tooLong('data', MAX_PAYLOAD_BYTES));
  return causes.length ? { ok: false, causes } : { ok: true, value };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** What an update may not change: the payload of an immutable object, and a Secret's type (kube-apiserver's ValidateConfigMapUpdate / ValidateSecretUpdate). */
export function updateCauses(current: Pick<ConfigObject, 'kind' | 'data' | 'binaryData' | 'type' | 'immutable'>, next: Pick<ConfigObject, 'data' | 'binaryData' | 'type' | 'immutable'>): FieldCause[] {
  const causes: FieldCause[] = [];
  if (current.kind === 'Secret' && (next.type ?? 'Opaque') !== (current.type ?? 'Opaque')) causes.push(invalid('type', next.type ?? 'Opaque', 'field is immutable'));
  if (current.immutable) {
    if (!next.immutable) causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!same(current.data, next.data)) causes.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!same(current.binaryData, next.binaryData)) causes.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return causes;
}

/** A Secret's values decoded, or a ConfigMap's text and binary values, as bytes by key. */
export function payload(o: Pick<ConfigObject, 'kind' | 'data' | 'binaryData'>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(o.data ?? {})) out[k] = o.kind === 'ConfigMap' ? Buffer.from(v, 'utf8') : Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(o.binaryData ?? {})) out[k] = Buffer.from(v, 'base64');
  return out;
}

/** A config-events record with every Secret value replaced, for dead letters and logs; what is not JSON is dropped whole. */
export function redactSecretValues(value: string): string {
  try {
    const record = JSON.parse(value) as { data?: { kind?: string; object?: Record<string, unknown> } };
    const object = record.data?.object;
    if (record.data?.kind === 'Secret' && object) {
      for (const field of ['data', 'stringData']) {
        const map = object[field];
        if (map && typeof map === 'object') object[field] = Object.fromEntries(Object.keys(map).map((k) => [k, '<redacted>']));
      }
    }
    return JSON.stringify(record);
  } catch {
    return '<not JSON: value withheld>';
  }
}
