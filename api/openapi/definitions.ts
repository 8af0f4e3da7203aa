/**
 * The OpenAPI v3 `components.schemas` of core/v1, generated from the zod
 * schemas in kinds.ts with `z.toJSONSchema` (each registered schema becomes a
 * named definition, referenced where it is used), then shaped as the
 * Kubernetes API server shapes its own: a reference with a description is
 * `allOf: [{$ref}]`, top-level kinds carry `x-kubernetes-group-version-kind`,
 * the lists that merge by key carry `x-kubernetes-patch-merge-key` and
 * `x-kubernetes-patch-strategy` (from the same table strategic merge patch
 * uses), and every definition and its important fields have a description.
 * Pure: the same input gives the same document.
 */
import { z } from 'zod';
import { listKind } from '../../shared/kube/patch/merge-keys';
import { DESCRIPTIONS } from './descriptions';
import { CORE, DEFINITIONS, META, type Definition } from './kinds';

export type JsonSchema = Record<string, unknown>;

export const REF_PREFIX = '#/components/schemas/';

/** The field name under which a definition's lists are known to merge-keys.ts. */
const LIST_PARENT: Record<string, string> = {
  [`${CORE}.PodSpec`]: 'spec',
  [`${CORE}.Container`]: 'containers',
  [`${META}.ObjectMeta`]: 'metadata',
};

/** Patch strategies and list-map keys Kubernetes declares beyond the merge key alone. */
const PATCH_STRATEGY: Record<string, string> = { [`${CORE}.PodSpec.volumes`]: 'merge,retainKeys' };
const LIST_MAP_KEYS: Record<string, string[]> = { [`${CORE}.Container.ports`]: ['containerPort', 'protocol'] };

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
const isObject = (v: unknown): v is JsonSchema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** zod's rendering to Kubernetes' conventions, applied to every nested schema. */
function normalize(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' && value === -SAFE_INTEGER) || (key === 'maximum' && value === SAFE_INTEGER)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, prop]) => [name, isObject(prop) ? asProperty(normalize(prop)) : prop]));
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      out[key] = normalize(value);
    } else {
      out[key] = value;
    }
  }
  // A string-or-number (a quantity) is written as a string by every client; Kubernetes declares it so.
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.every((s) => isObject(s) && typeof s.type === 'string' && Object.keys(s).length === 1)) {
    delete out.anyOf;
    out.type = (anyOf[0] as JsonSchema).type;
  }
  if (out.type === 'integer' && out.format === undefined) out.format = 'int64';
  return out;
}

/** A property that is a reference is wrapped in allOf, so it may carry a description (OpenAPI 3.0 ignores $ref siblings). */
function asProperty(prop: JsonSchema): JsonSchema {
  if (typeof prop.$ref !== 'string') return prop;
  const { $ref, ...rest } = prop;
  return { ...rest, allOf: [{ $ref }] };
}

function listExtensions(definition: string, field: string): JsonSchema {
  const parent = LIST_PARENT[definition];
  if (parent === undefined) return {};
  const kind = listKind(parent, field);
  const key = `${definition}.${field}`;
  switch (kind.kind) {
    case 'map':
      return {
        'x-kubernetes-list-map-keys': LIST_MAP_KEYS[key] ?? [kind.key],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': kind.key,
        'x-kubernetes-patch-strategy': PATCH_STRATEGY[key] ?? 'merge',
      };
    case 'set':
      return { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' };
    case 'atomic':
      return {};
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Descriptions, GVK and list semantics of one definition. */
function decorate(def: Definition, schema: JsonSchema): JsonSchema {
  const described = DESCRIPTIONS[def.name];
  const properties = isObject(schema.properties) ? { ...schema.properties } : undefined;
  if (properties) {
    for (const [field, raw] of Object.entries(properties)) {
      let prop = raw as JsonSchema;
      // apiVersion and kind are plain strings in every Kubernetes definition, whatever one literal the server accepts.
      if (def.gvk && (field === 'apiVersion' || field === 'kind')) prop = { type: 'string' };
      const text = described?.properties?.[field];
      if (text) prop = { description: text, ...prop };
      if (prop.type === 'array') prop = { ...prop, ...listExtensions(def.name, field) };
      properties[field] = prop;
    }
  }
  const out: JsonSchema = { description: described?.description ?? '', ...schema };
  if (properties) out.properties = properties;
  if (def.gvk) out['x-kubernetes-group-version-kind'] = [{ group: def.gvk.group, kind: def.gvk.kind, version: def.gvk.version }];
  return out;
}

/** Every definition by name, in OpenAPI v3 form (`$ref`s point into `#/components/schemas/`). */
export function generateDefinitions(definitions: readonly Definition[] = DEFINITIONS): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const def of definitions) registry.add(def.schema, { id: def.name });
  const generated = z.toJSONSchema(registry, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any', uri: (id) => `${REF_PREFIX}${id}` });
  const schemas = generated.schemas as Record<string, JsonSchema>;
  return Object.fromEntries(definitions.map((def) => [def.name, decorate(def, normalize(schemas[def.name]))]));
}
