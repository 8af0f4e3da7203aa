/**
 * resourceVersion: microseconds since the epoch, strictly increasing within a
 * process. Distinct writers on one clock rarely collide, and watchers compare
 * versions numerically to resume. (Kubernetes uses etcd's revision instead.)
 */
import { performance } from 'node:perf_hooks';

let last = 0;

export function nextResourceVersion(): string {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  last = Math.max(last + 1, now);
  return String(last);
}

export function compareResourceVersions(a: string, b: string): number {
  const x = BigInt(a || '0');
  const y = BigInt(b || '0');
  return x < y ? -1 : x > y ? 1 : 0;
}
