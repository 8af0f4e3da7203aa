/**
 * The object-level steps every update verb shares (PUT, the three PATCH types,
 * server-side apply), for pods and replication controllers alike: reading a
 * request's field manager and force flag, turning a patch body into the whole
 * new object, and keeping `metadata.managedFields` in step. Pure apart from
 * the request it reads; the routes publish the result.
 */
import type { K8sStatus } from '../shared/events';
import { badRequest, conflict, invalid, unsupportedMediaType } from '../shared/kube/status';
import { serverSideApply, conflictMessage } from '../shared/kube/managed-fields/apply';
import { fieldSet } from '../shared/kube/managed-fields/field-set';
import { managerOf, readManagers, recordUpdate, writeManagers } from '../shared/kube/managed-fields/managers';
import { applyPatch, PatchError, patchTypeOf, PATCH_TYPES } from '../shared/kube/patch/patch';

type Obj = Record<string, unknown>;
export const asObject = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export interface UpdateRequestOptions {
  manager: string;
  force: boolean;
  time: string;
}

export function updateOptions(query: Record<string, unknown>, userAgent: string | undefined, now: Date): UpdateRequestOptions {
  const force = query.force;
  return { manager: managerOf(query, userAgent), force: force === 'true' || force === '1', time: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

export type Patched = { ok: true; object: Obj } | { ok: false; status: K8sStatus };

/**
 * The whole new object a PATCH asks for, with its managed fields: a patch
 * records an Update by the request's manager; an apply merges by field
 * ownership and answers 409 on a conflict unless forced.
 */
export function patchObject(live: Obj, contentType: string | undefined, body: unknown, opts: UpdateRequestOptions & { resource: string; name: string; query: Record<string, unknown> }): Patched {
  const type = patchTypeOf(contentType);
  if (!type) {
    const supported = Object.values(PATCH_TYPES).join(', ');
    return { ok: false, status: unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${supported}`) };
  }
  const managers = readManagers(asObject(live.metadata)?.managedFields);
  if (type === 'apply') {
    if (typeof opts.query.fieldManager !== 'string' || !opts.query.fieldManager) return { ok: false, status: badRequest('fieldManager is required for apply requests') };
    const applied = asObject(body);
    if (!applied) return { ok: false, status: badRequest('the applied configuration must be an object') };
    const outcome = serverSideApply({ live: withoutManaged(live), applied, managers, manager: opts.manager, force: opts.force, time: opts.time });
    if (!outcome.ok) {
      const status = conflict(opts.resource, opts.name, '');
      return {
        ok: false,
        status: {
          ...status,
          message: conflictMessage(outcome.conflicts, 'v1'),
          details: { ...status.details, causes: outcome.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${JSON.stringify(c.manager)}${c.operation === 'Update' ? ' using v1' : ''}`, field: c.field })) },
        },
      };
    }
    return { ok: true, object: withManaged(outcome.object, writeManagers(outcome.managers, 'v1')) };
  }
  try {
    const patched = asObject(applyPatch(type, withoutManaged(live), body));
    if (!patched) return { ok: false, status: badRequest('the patched object is not an object') };
    return { ok: true, object: recordOwnership(live, patched, opts) };
  } catch (err) {
    if (err instanceof PatchError) return { ok: false, status: type === 'json' ? invalid('', opts.name, [{ message: err.message }]) : badRequest(err.message) };
    throw err;
  }
}

/** A PUT or a patch: the request's manager takes what it changed. */
export function recordOwnership(live: Obj, next: Obj, opts: UpdateRequestOptions): Obj {
  const managers = recordUpdate(readManagers(asObject(live.metadata)?.managedFields), withoutManaged(live), withoutManaged(next), opts.manager, opts.time);
  return withManaged(next, writeManagers(managers, 'v1'));
}

/** A create: the creator owns every field it wrote (Update, or Apply when it was a server-side apply). */
export function creatorManagedFields(object: Obj, opts: UpdateRequestOptions, operation: 'Apply' | 'Update'): unknown[] {
  return writeManagers([{ manager: opts.manager, operation, time: opts.time, set: fieldSet(object) }], 'v1');
}

function withoutManaged(o: Obj): Obj {
  const meta = asObject(o.metadata);
  if (!meta) return o;
  const { managedFields: _m, ...rest } = meta;
  return { ...o, metadata: rest };
}

function withManaged(o: Obj, managedFields: unknown[]): Obj {
  const meta = { ...(asObject(o.metadata) ?? {}) };
  if (managedFields.length) meta.managedFields = managedFields;
  else delete meta.managedFields;
  return { ...o, metadata: meta };
}
