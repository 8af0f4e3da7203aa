/**
 * Field sets, the unit of ownership of server-side apply: every leaf of an
 * object as a path of `fieldsV1` elements (`f:<field>`, `k:<merge key as
 * JSON>` for an item of a keyed list, `v:<value>` for an item of a set), with
 * keyed-list items also present as nodes of their own. Atomic lists and empty
 * maps are leaves. `toFieldsV1` / `fromFieldsV1` convert to and from the
 * nested form Kubernetes shows in `metadata.managedFields`. Pure.
 */
import { listKind } from '../patch/merge-keys';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export type FieldPath = readonly string[];
/** Paths by their JSON text, so they can live in a Set. */
export type FieldSet = Set<string>;

export const pathKey = (path: FieldPath) => JSON.stringify(path);
export const pathOf = (key: string) => JSON.parse(key) as string[];

/** Fields no manager owns: identity and bookkeeping set by the server, and the status of the main resource. */
const ROOT_SKIPPED = new Set(['apiVersion', 'kind', 'status']);
const META_SKIPPED = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields']);

/** The field set of an object as a client wrote it (the server-set fields left out). */
export function fieldSet(object: unknown): FieldSet {
  const out: FieldSet = new Set();
  if (!isObj(object)) return out;
  for (const [k, v] of Object.entries(object)) {
    if (ROOT_SKIPPED.has(k) || v === undefined) continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!META_SKIPPED.has(mk) && mv !== undefined) walk(mv, ['f:metadata', `f:${mk}`], 'metadata', mk, out);
    } else {
      walk(v, [`f:${k}`], '', k, out);
    }
  }
  return out;
}

function walk(value: unknown, path: string[], parent: string, field: string, out: FieldSet): void {
  if (isObj(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.add(pathKey(path));
    for (const [k, v] of entries) walk(v, [...path, `f:${k}`], field, k, out);
    return;
  }
  if (Array.isArray(value)) {
    const kind = listKind(parent, field);
    if (kind.kind === 'atomic' || value.length === 0) {
      out.add(pathKey(path));
      return;
    }
    for (const item of value) {
      if (kind.kind === 'set') {
        out.add(pathKey([...path, `v:${JSON.stringify(item)}`]));
        continue;
      }
      const itemPath = [...path, `k:${JSON.stringify({ [kind.key]: isObj(item) ? item[kind.key] : item })}`];
      out.add(pathKey(itemPath));
      if (isObj(item)) for (const [k, v] of Object.entries(item)) if (v !== undefined) walk(v, [...itemPath, `f:${k}`], field, k, out);
    }
    return;
  }
  out.add(pathKey(path));
}

/** True for the node of a keyed-list item (its fields are paths of their own). */
export const isItemNode = (path: FieldPath) => path[path.length - 1]?.startsWith('k:') ?? false;

/** The value at a path, or undefined when it is not there. */
export function valueAt(object: unknown, path: FieldPath): unknown {
  let at: unknown = object;
  for (const el of path) {
    if (at === undefined) return undefined;
    const body = el.slice(2);
    if (el.startsWith('f:')) at = isObj(at) ? at[body] : undefined;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(body) as Obj;
      at = Array.isArray(at) ? at.find((item) => isObj(item) && Object.entries(key).every(([k, v]) => item[k] === v)) : undefined;
    } else if (el.startsWith('v:')) {
      const wanted = body;
      at = Array.isArray(at) ? at.find((item) => JSON.stringify(item) === wanted) : undefined;
    } else return undefined;
  }
  return at;
}

/** Removes what a path names: a field, a keyed-list item or a set member. Returns a new object. */
export function removePath(object: unknown, path: FieldPath): unknown {
  if (path.length === 0) return undefined;
  const [el, ...rest] = path;
  const body = el.slice(2);
  if (el.startsWith('f:') && isObj(object)) {
    if (!(body in object)) return object;
    const copy = { ...object };
    if (rest.length === 0) delete copy[body];
    else copy[body] = removePath(copy[body], rest);
    return copy;
  }
  if (Array.isArray(object) && (el.startsWith('k:') || el.startsWith('v:'))) {
    const matchesEl = el.startsWith('k:')
      ? (item: unknown) => isObj(item) && Object.entries(JSON.parse(body) as Obj).every(([k, v]) => item[k] === v)
      : (item: unknown) => JSON.stringify(item) === body;
    if (rest.length === 0) return object.filter((item) => !matchesEl(item));
    return object.map((item) => (matchesEl(item) ? removePath(item, rest) : item));
  }
  return object;
}

/** `.spec.containers[name="web"].image`: a path as Kubernetes prints it in conflicts. */
export function renderPath(path: FieldPath): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('k:')) {
        const key = JSON.parse(body) as Obj;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      return `[=${body}]`;
    })
    .join('');
}

/** The nested `fieldsV1` form: `{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}`. */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  for (const key of [...set].sort()) {
    const path = pathOf(key);
    let node = root;
    for (const el of path) node = (node[el] ??= {}) as Obj;
    if (isItemNode(path)) node['.'] = {};
  }
  return root;
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: unknown, path: string[]) => {
    if (!isObj(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if ('.' in node || children.length === 0) if (path.length) out.add(pathKey(path));
    for (const k of children) visit(node[k], [...path, k]);
  };
  visit(fields, []);
  return out;
}
