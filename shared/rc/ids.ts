/**
 * Deterministic identities: the ids of the commands the controller publishes
 * are derived from what it decided on (an RC uid and a slot, an old pod's uid),
 * so a replayed or repeated decision publishes the same request id, which is
 * the pod's uid, which the pod decider deduplicates (invariant 1).
 */
import { createHash } from 'node:crypto';

/** A UUID-shaped id (version 5 layout) derived from `seed`: stable across processes and replays. */
export function derivedUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The uid of the pod an RC creates for `slot` (slots only grow, so uids never repeat). */
export function slotUid(rcUid: string, slot: number): string {
  return derivedUid(`rc/${rcUid}/slot/${slot}`);
}

/** The uid of the same-name replacement of a lost bare pod. */
export function replacementUid(oldUid: string): string {
  return derivedUid(`replacement/${oldUid}`);
}

/**
 * The name the pod-controller gives a `generateName` pod created by request
 * `requestId` (a suffix derived from the id); a unit test keeps the two equal.
 */
export function generatedName(prefix: string, requestId: string): string {
  const suffix = createHash('sha256').update(requestId).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 5);
  return `${prefix}${suffix}`;
}
