/**
 * Server-side apply (`application/apply-patch+yaml`): the applied
 * configuration is merged into the live object by the schema's list semantics
 * (merge-keys.ts); the applier then owns exactly the fields it applied. A
 * field it applied with a value different from the live one, owned by another
 * manager, is a conflict (409) unless `force`, which takes the field over.
 * Fields the applier owned before and no longer applies are removed, unless
 * another manager owns them too. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { listKind } from '../patch/merge-keys';
import { fieldSet, isItemNode, pathOf, removePath, renderPath, valueAt, type FieldSet } from './field-set';
import type { Manager } from './managers';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface Conflict {
  manager: string;
  operation: Manager['operation'];
  /** When an Update manager last wrote (Kubernetes prints it). */
  time: string;
  /** As Kubernetes prints it: `.spec.containers[name="web"].image`. */
  field: string;
}

export type ApplyOutcome = { ok: true; object: Obj; managers: Manager[] } | { ok: false; conflicts: Conflict[] };

export interface ApplyRequest {
  live: Obj;
  applied: Obj;
  managers: readonly Manager[];
  manager: string;
  force: boolean;
  time: string;
}

export function serverSideApply(req: ApplyRequest): ApplyOutcome {
  const appliedSet = fieldSet(req.applied);
  const conflicts: Conflict[] = [];
  const taken = new Map<Manager, FieldSet>();
  for (const m of req.managers) {
    if (m.manager === req.manager && m.operation === 'Apply') continue;
    if (m.subresource) continue;
    for (const key of m.set) {
      if (!appliedSet.has(key)) continue;
      const path = pathOf(key);
      if (isItemNode(path) || isDeepStrictEqual(valueAt(req.live, path), valueAt(req.applied, path))) continue;
      conflicts.push({ manager: m.manager, operation: m.operation, time: m.time, field: renderPath(path) });
      if (!taken.has(m)) taken.set(m, new Set());
      taken.get(m)!.add(key);
    }
  }
  if (conflicts.length && !req.force) return { ok: false, conflicts };

  const others = req.managers
    .filter((m) => !(m.manager === req.manager && m.operation === 'Apply'))
    .map((m) => ({ ...m, set: new Set([...m.set].filter((k) => !taken.get(m)?.has(k))) }));
  const previous = req.managers.find((m) => m.manager === req.manager && m.operation === 'Apply');
  const ownedByOthers = new Set(others.flatMap((m) => [...m.set]));
  let live: unknown = req.live;
  // Deeper paths first, so an item's fields go before the item itself.
  const dropped = [...(previous?.set ?? [])].filter((k) => !appliedSet.has(k) && !ownedByOthers.has(k)).map(pathOf).sort((a, b) => b.length - a.length);
  for (const path of dropped) live = removePath(live, path);
  const object = mergeApplied(live, req.applied, '', '') as Obj;
  const managers = [...others.filter((m) => m.set.size > 0), { manager: req.manager, operation: 'Apply' as const, time: req.time, set: appliedSet }];
  return { ok: true, object, managers };
}

/** The applied configuration laid over the live object: maps merge, keyed lists merge by key, sets unite, the rest replaces. */
function mergeApplied(live: unknown, applied: unknown, parent: string, field: string): unknown {
  if (isObj(applied)) {
    const base: Obj = isObj(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) if (v !== undefined) base[k] = mergeApplied(base[k], v, field, k);
    return base;
  }
  if (Array.isArray(applied)) {
    const kind = listKind(parent, field);
    const base = Array.isArray(live) ? [...live] : [];
    if (kind.kind === 'atomic') return applied;
    if (kind.kind === 'set') return [...base, ...applied.filter((v) => !base.some((b) => isDeepStrictEqual(b, v)))];
    for (const item of applied) {
      const at = isObj(item) ? base.findIndex((b) => isObj(b) && b[kind.key] === item[kind.key]) : -1;
      if (at >= 0) base[at] = mergeApplied(base[at], item, parent, field);
      else base.push(item);
    }
    return base;
  }
  return applied;
}

/** A manager as Kubernetes names it in conflicts: `"kubectl"`, or `"kubectl-edit" using v1 at 2026-01-02T03:04:05Z` for an updater. */
export function printManager(c: Pick<Conflict, 'manager' | 'operation' | 'time'>, apiVersion: string): string {
  const name = JSON.stringify(c.manager);
  if (c.operation !== 'Update') return name;
  return c.time ? `${name} using ${apiVersion} at ${new Date(c.time).toISOString().replace(/\.\d{3}Z$/, 'Z')}` : `${name} using ${apiVersion}`;
}

/** Kubernetes' wording (apimachinery's managedfields conflict.go), one line for one conflict, grouped by manager for more. */
export function conflictMessage(conflicts: readonly Conflict[], apiVersion: string): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0], apiVersion)}: ${conflicts[0].field}`;
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) byManager.set(printManager(c, apiVersion), [...(byManager.get(printManager(c, apiVersion)) ?? []), c]);
  const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((c) => `- ${c.field}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
