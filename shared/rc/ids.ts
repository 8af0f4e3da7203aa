/**
 * Deterministic identities: the ids of the commands the controller publishes
 * are derived from what it decided on (an RC uid and a slot, an old pod's uid),
 * so a replayed or repeated decision publishes the same request id, from
 * which the pod-controller mints the same pod uid (shared/pod/uid.ts), which
 * the pod decider deduplicates (invariant 1).
 */
import { createHash } from 'node:crypto';
import { derivedUid } from '../pod/uid';

export { derivedUid };

/** The request id of the create an RC publishes for `slot` (slots only grow, so ids never repeat). */
export function slotUid(rcUid: string, slot: number): string {
  return derivedUid(`rc/${rcUid}/slot/${slot}`);
}

/** The request id of the create of the same-name replacement of a lost bare pod. */
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
