/**
 * The 422 report of `apply`: kubectl's `The Pod "x" is invalid: ...` message,
 * then, for each cause, where its field is in the user's file, as
 * `FILE:LINE: FIELD` so editors and terminals can jump to it.
 */
import type { ApiStatus } from '../api/errors';
import { formatInvalid } from '../api/errors';
import type { Manifest } from '../manifest/documents';
import { locateField } from '../manifest/documents';

export function formatInvalidManifest(status: ApiStatus, manifest: Manifest): string {
  const lines = [formatInvalid(status)];
  const seen = new Set<string>();
  for (const cause of status.details?.causes ?? []) {
    if (!cause.field || seen.has(cause.field)) continue;
    seen.add(cause.field);
    const at = locateField(manifest, cause.field);
    const note = at.exact ? '' : ' (not set in the file; nearest enclosing field)';
    lines.push(`  ${manifest.source}:${at.line}: ${cause.field}${note}`);
  }
  return lines.join('\n');
}
