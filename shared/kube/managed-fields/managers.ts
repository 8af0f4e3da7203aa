/**
 * `metadata.managedFields`: who owns which fields, per manager and operation
 * (Apply for server-side apply, Update for create, PUT and the other patches),
 * read from and written back to the object's metadata. An update takes the
 * fields it changed from every other manager, as the Kubernetes API server
 * does; fields that disappear leave every manager. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldSet, fromFieldsV1, isItemNode, pathOf, toFieldsV1, valueAt, type FieldSet } from './field-set';

export type Operation = 'Apply' | 'Update';

export interface Manager {
  manager: string;
  operation: Operation;
  time: string;
  set: FieldSet;
  /** Only the status subresource's writers carry it. */
  subresource?: string;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export function readManagers(managedFields: unknown): Manager[] {
  if (!Array.isArray(managedFields)) return [];
  const out: Manager[] = [];
  for (const e of managedFields as Partial<ManagedFieldsEntry>[]) {
    if (!e || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    out.push({ manager: e.manager, operation: e.operation, time: e.time ?? '', set: fromFieldsV1(e.fieldsV1), ...(e.subresource ? { subresource: e.subresource } : {}) });
  }
  return out;
}

export function writeManagers(managers: readonly Manager[], apiVersion: string): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .map((m) => ({
      manager: m.manager,
      operation: m.operation,
      apiVersion,
      time: m.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(m.set),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    }));
}

/** The leaves (and new keyed items) of `after` that `before` did not have with the same value. */
export function changedFields(before: unknown, after: unknown): FieldSet {
  const was = fieldSet(before);
  const out: FieldSet = new Set();
  for (const key of fieldSet(after)) {
    const path = pathOf(key);
    if (isItemNode(path) ? !was.has(key) : !isDeepStrictEqual(valueAt(before, path), valueAt(after, path))) out.add(key);
  }
  return out;
}

/** Records a non-apply write by `manager`: it owns what it changed, nobody owns what is gone. */
export function recordUpdate(managers: readonly Manager[], before: unknown, after: unknown, manager: string, time: string): Manager[] {
  const present = fieldSet(after);
  const changed = changedFields(before, after);
  const out = managers.map((m) => ({ ...m, set: new Set([...m.set].filter((k) => present.has(k) && !changed.has(k))) }));
  if (changed.size === 0) return out.filter((m) => m.set.size > 0);
  const own = out.find((m) => m.manager === manager && m.operation === 'Update' && !m.subresource);
  if (own) {
    for (const k of changed) own.set.add(k);
    own.time = time;
  } else {
    out.push({ manager, operation: 'Update', time, set: changed });
  }
  return out.filter((m) => m.set.size > 0);
}

/** The manager name of a request: `?fieldManager=`, else the User-Agent up to its first '/', as Kubernetes defaults it. */
export function managerOf(query: Record<string, unknown>, userAgent: string | undefined): string {
  const explicit = query.fieldManager;
  if (typeof explicit === 'string' && explicit) return explicit;
  const agent = (userAgent ?? '').split('/')[0].trim();
  return agent || 'unknown';
}
