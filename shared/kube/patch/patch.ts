/**
 * One entry for every PATCH content type the API accepts on pods and
 * replication controllers: merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch. Server-side apply (`application/apply-patch+yaml`)
 * also changes ownership, so it has its own module (managed-fields/apply.ts).
 * Pure: the current object and the parsed body in, the patched object out.
 */
import { mergePatch } from '../../rc/merge-patch';
import { jsonPatch } from './json-patch';
import { PatchError, strategicMergePatch } from './strategic-merge';

export { PatchError };

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof PATCH_TYPES;

/** The patch type named by a Content-Type header (parameters ignored), or undefined. */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (Object.keys(PATCH_TYPES) as PatchType[]).find((t) => PATCH_TYPES[t] === media);
}

export function applyPatch(type: Exclude<PatchType, 'apply'>, current: unknown, patch: unknown): unknown {
  switch (type) {
    case 'json':
      return jsonPatch(current, patch);
    case 'merge':
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new PatchError('a merge patch must be a JSON object');
      return mergePatch(current, patch);
    case 'strategic':
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new PatchError('a strategic merge patch must be a JSON object');
      return strategicMergePatch(current, patch);
    default: {
      const unreachable: never = type;
      throw new PatchError(`unsupported patch type ${String(unreachable)}`);
    }
  }
}
