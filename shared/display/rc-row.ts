/** One replication controller as a `kubectl get rc` row: desired, current and ready replicas. */
import type { ReplicationController } from './kube-types';
import { age } from './age';

export const RC_COLUMNS = ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'];
export const RC_WIDE_COLUMNS = [...RC_COLUMNS, 'CONTAINERS', 'IMAGES', 'SELECTOR'];

export function formatSelector(selector: Record<string, string> | undefined): string {
  const entries = Object.entries(selector ?? {});
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

export function rcRow(rc: ReplicationController, now: Date, wide: boolean): string[] {
  const row = [
    rc.metadata.name,
    String(rc.spec?.replicas ?? 1),
    String(rc.status?.replicas ?? 0),
    String(rc.status?.readyReplicas ?? 0),
    age(rc.metadata.creationTimestamp, now),
  ];
  if (wide) {
    const containers = rc.spec?.template?.spec?.containers ?? [];
    row.push(containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), formatSelector(rc.spec?.selector));
  }
  return row;
}
