/**
 * Where two JSON values first differ, as a dotted path: what the rebuild
 * reports for a record that does not match, and what the node PATCH names
 * when a patch touches a field it may not change. Key order never counts.
 * Lists are compared whole (the path names the list) unless `intoLists`
 * (the path names the item).
 */
export function firstDifference(a: unknown, b: unknown, opts: { intoLists?: boolean } = {}, at = ''): string {
  const lists = Array.isArray(a) || Array.isArray(b);
  const walk = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && (lists ? opts.intoLists && Array.isArray(a) && Array.isArray(b) : true);
  if (walk) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const d = firstDifference(x[k], y[k], opts, at ? `${at}.${k}` : k);
      if (d) return d;
    }
    return '';
  }
  return JSON.stringify(a) === JSON.stringify(b) ? '' : at || '(value)';
}
