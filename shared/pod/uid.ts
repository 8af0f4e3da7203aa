/**
 * Pod uids are minted by the control plane, never taken from a request. A
 * create's uid is derived from the namespace, the name and the request id, so
 * a replayed create gets the same uid (the pod decider deduplicates by it),
 * while a producer that picks its request id, or replays another pod's, cannot
 * make a uid that collides with a live pod's and so share its volumes (which
 * the agent keys by uid): that would take a preimage of SHA-256.
 */
import { createHash } from 'node:crypto';

/** A UUID-shaped id (version 5 layout) derived from `seed`: stable across processes and replays. */
export function derivedUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The uid of the pod `namespace/name` created by request `requestId`. */
export function podUid(namespace: string, name: string, requestId: string): string {
  return derivedUid(`pod\u0000${namespace}\u0000${name}\u0000${requestId}`);
}
