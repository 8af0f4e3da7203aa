/**
 * Waiting for a write the API has appended to the log: the handler that
 * applies it records the outcome in its table, and the API reads the table
 * until it does, bounded by the write timeout. A store that does not answer
 * meanwhile only delays the answer: the command is in the log already, so the
 * client gets Kubernetes' 504 Timeout at the deadline at worst.
 */
import type { K8sStatus } from '../shared/events';
import { timeout } from '../shared/kube/status';

const POLL_MS = 50;

/** Reads every 50 ms until `found` returns a value, or null once `timeoutMs` has passed. */
export async function pollRecorded<R, T>(read: () => Promise<R | null>, found: (record: R) => T | undefined, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await read().catch(() => null);
    const value = record === null ? undefined : found(record);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return null;
}

/** kube-apiserver's 504 for a write whose outcome did not arrive in time. */
export function writeTimedOut(timeoutMs: number, detail?: string): K8sStatus {
  return timeout(`Timeout: request did not complete within the allotted timeout of ${timeoutMs / 1000}s${detail ? `; ${detail}` : ''}`);
}
