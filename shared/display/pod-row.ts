/**
 * One pod as a `kubectl get pods` row. The STATUS column is computed exactly as
 * kubectl's printPod does: the phase, overridden by the pod's reason, then by the
 * last container's waiting or terminated reason, and Terminating once a deletion
 * timestamp is set on a pod that has not finished.
 */
import type { Pod } from './kube-types';
import { age } from './age';

export const POD_COLUMNS = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'];
export const POD_WIDE_COLUMNS = [...POD_COLUMNS, 'IP', 'NODE'];

/** What kubectl shows in the STATUS column for this pod. */
export function podStatusReason(pod: Pod): string {
  const status = pod.status ?? {};
  let reason: string = status.reason || status.phase || '';
  let hasRunning = false;
  const statuses = status.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i];
    const { waiting, terminated, running } = c.state ?? {};
    if (waiting?.reason) reason = waiting.reason;
    else if (terminated?.reason) reason = terminated.reason;
    else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
    else if (c.ready && running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) {
    const ready = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    reason = ready ? 'Running' : 'NotReady';
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  return reason;
}

/** READY as `ready/total` containers. */
export function podReady(pod: Pod): string {
  const total = pod.spec?.containers?.length ?? 0;
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready && c.state?.running).length;
  return `${ready}/${total}`;
}

/** RESTARTS: the sum over containers, with the age of the last restart when known. */
export function podRestarts(pod: Pod, now: Date): string {
  let restarts = 0;
  let last = 0;
  for (const c of pod.status?.containerStatuses ?? []) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) last = Math.max(last, Date.parse(finished) || 0);
  }
  if (restarts !== 0 && last > 0) return `${restarts} (${age(new Date(last).toISOString(), now)} ago)`;
  return String(restarts);
}

export function podRow(pod: Pod, now: Date, wide: boolean): string[] {
  const row = [pod.metadata.name, podReady(pod), podStatusReason(pod), podRestarts(pod, now), age(pod.metadata.creationTimestamp, now)];
  if (wide) row.push(pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>');
  return row;
}
