/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), what
 * `kubectl apply`, `edit` and `label` send: a JSON merge patch in which the
 * lists named in merge-keys.ts merge item by item on their merge key, and the
 * directives `$patch: replace | delete | merge`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>` and `$retainKeys` say what plain JSON
 * cannot. Pure; neither input is changed. A malformed directive throws
 * PatchError (the API answers 400).
 */
import { listKind } from './merge-keys';

export class PatchError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const DELETE = Symbol('delete');

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

export function strategicMergePatch(original: unknown, patch: unknown): unknown {
  const out = mergeValue(original, patch, '');
  return out === DELETE ? {} : out;
}

function mergeValue(original: unknown, patch: unknown, parent: string): unknown {
  if (!isObj(patch)) return patch;
  return mergeMap(isObj(original) ? original : {}, patch, parent);
}

function mergeMap(original: Obj, patch: Obj, parent: string): Obj | typeof DELETE {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') return stripDirectives(patch);
  if (directive !== undefined && directive !== 'merge') throw new PatchError(`Unknown patch type: ${String(directive)}`);
  let base: Obj = { ...original };
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError('$retainKeys must be a list of field names');
    base = Object.fromEntries(Object.entries(base).filter(([k]) => retain.includes(k)));
  }
  const orders: [string, unknown][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER)) {
      orders.push([key.slice(SET_ORDER.length), value]);
      continue;
    }
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`);
      if (Array.isArray(base[field])) base[field] = (base[field] as unknown[]).filter((v) => !value.some((d) => sameScalar(d, v)));
      continue;
    }
    if (value === null) {
      delete base[key];
      continue;
    }
    if (Array.isArray(value)) {
      base[key] = mergeList(base[key], value, parent, key);
      continue;
    }
    const merged = mergeValue(base[key], value, key);
    if (merged === DELETE) delete base[key];
    else base[key] = merged;
  }
  for (const [field, order] of orders) {
    if (!Array.isArray(order)) throw new PatchError(`${SET_ORDER}${field} must be a list`);
    if (Array.isArray(base[field])) base[field] = reorder(base[field] as unknown[], order, parent, field);
  }
  return base;
}

function mergeList(original: unknown, patch: unknown[], parent: string, field: string): unknown[] {
  const kind = listKind(parent, field);
  const base = Array.isArray(original) ? original : [];
  if (kind.kind === 'atomic') return patch.map(stripDeep);
  if (kind.kind === 'set') {
    const out = [...base];
    for (const v of patch) if (!out.some((o) => sameScalar(o, v))) out.push(v);
    return out;
  }
  const key = kind.key;
  if (patch.some((item) => isObj(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObj(item) && item.$patch === 'replace')).map(stripDeep);
  }
  const out: unknown[] = [...base];
  for (const item of patch) {
    if (!isObj(item)) throw new PatchError(`the list ${field} merges on "${key}": its items must be objects`);
    if (item[key] === undefined) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const at = out.findIndex((o) => isObj(o) && sameScalar(o[key], item[key]));
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) {
      const merged = mergeMap(out[at] as Obj, item, field);
      if (merged === DELETE) out.splice(at, 1);
      else out[at] = merged;
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

/** `$setElementOrder`: the listed items first, in the given order; the others keep their relative order after them. */
function reorder(items: unknown[], order: unknown[], parent: string, field: string): unknown[] {
  const kind = listKind(parent, field);
  const identity = (v: unknown) => (kind.kind === 'map' && isObj(v) ? v[kind.key] : v);
  const rank = (v: unknown) => {
    const at = order.findIndex((o) => sameScalar(identity(o), identity(v)));
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  return items.map((v, i) => ({ v, i, r: rank(v) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.v);
}

function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

function stripDirectives(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!k.startsWith('$')) out[k] = stripDeep(v);
  return out;
}

function stripDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDeep);
  return isObj(v) ? stripDirectives(v) : v;
}
