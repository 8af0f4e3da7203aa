/**
 * Reading untrusted JSON without trusting its shape: each accessor returns the
 * value only when it has the expected type. Rules built on these run on any
 * input (the zod schema reports wrong types), so they never throw.
 */
export type Loose = Record<string, unknown>;

export const obj = (v: unknown): Loose | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const strings = (v: unknown): string[] => arr(v).filter((s): s is string => typeof s === 'string');

/** A map's entries (labels, resources) keeping only string keys with values of the wanted type. */
export function entries<T>(v: unknown, pick: (x: unknown) => T | undefined): [string, T][] {
  const o = obj(v);
  if (!o) return [];
  const out: [string, T][] = [];
  for (const [k, x] of Object.entries(o)) {
    const picked = pick(x);
    if (picked !== undefined) out.push([k, picked]);
  }
  return out;
}
