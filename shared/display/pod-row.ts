/**
 * One pod as a `kubectl get pods` row. The STATUS column is computed exactly as
 * kubectl's printPod does: the phase, overridden by the pod's reason, then by
 * the first unfinished init container (Init:N/M, Init:CrashLoopBackOff ...),
 * then by the last container's waiting or terminated reason, and Terminating
 * once a deletion timestamp is set on a pod that has not finished. READY and
 * RESTARTS count sidecars as kubectl 1.29+ does.
 */
import type { Pod } from './kube-types';
import { age } from './age';

export const POD_COLUMNS = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'];
export const POD_WIDE_COLUMNS = [...POD_COLUMNS, 'IP', 'NODE'];

interface PodSummary {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: number;
}

const finishedAt = (c: { lastState?: { terminated?: { finishedAt?: string } } }) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0;

/** kubectl's printPod: STATUS, READY and RESTARTS together, init containers and sidecars included. */
export function podSummary(pod: Pod): PodSummary {
  const status = pod.status ?? {};
  const inits = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string) => inits.get(name)?.restartPolicy === 'Always';
  const out: PodSummary = { reason: status.reason || status.phase || '', ready: 0, total: (pod.spec?.containers?.length ?? 0) + [...inits.values()].filter((c) => c.restartPolicy === 'Always').length, restarts: 0, lastRestart: 0 };
  let sidecarRestarts = 0;
  let sidecarLast = 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    out.restarts += c.restartCount ?? 0;
    out.lastRestart = Math.max(out.lastRestart, finishedAt(c));
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      sidecarLast = Math.max(sidecarLast, finishedAt(c));
    }
    const { terminated, waiting } = c.state ?? {};
    if (terminated && terminated.exitCode === 0) continue;
    if (isSidecar(c.name) && c.started) {
      if (c.ready) out.ready++;
      continue;
    }
    if (terminated) {
      out.reason = terminated.reason ? `Init:${terminated.reason}` : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      out.reason = `Init:${waiting.reason}`;
    } else {
      out.reason = `Init:${i}/${inits.size}`;
    }
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    out.restarts = sidecarRestarts;
    out.lastRestart = sidecarLast;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      out.restarts += c.restartCount ?? 0;
      out.lastRestart = Math.max(out.lastRestart, finishedAt(c));
      const { waiting, terminated, running } = c.state ?? {};
      if (waiting?.reason) out.reason = waiting.reason;
      else if (terminated?.reason) out.reason = terminated.reason;
      else if (terminated) out.reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && running) {
        hasRunning = true;
        out.ready++;
      }
    }
    if (out.reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      out.reason = ready ? 'Running' : 'NotReady';
    }
  }
  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') out.reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) out.reason = 'Terminating';
  return out;
}

/** What kubectl shows in the STATUS column for this pod. */
export function podStatusReason(pod: Pod): string {
  return podSummary(pod).reason;
}

/** READY as `ready/total` containers (sidecars count). */
export function podReady(pod: Pod): string {
  const { ready, total } = podSummary(pod);
  return `${ready}/${total}`;
}

/** RESTARTS: the sum over containers, with the age of the last restart when known. */
export function podRestarts(pod: Pod, now: Date): string {
  const { restarts, lastRestart } = podSummary(pod);
  if (restarts !== 0 && lastRestart > 0) return `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;
  return String(restarts);
}

export function podRow(pod: Pod, now: Date, wide: boolean): string[] {
  const row = [pod.metadata.name, podReady(pod), podStatusReason(pod), podRestarts(pod, now), age(pod.metadata.creationTimestamp, now)];
  if (wide) row.push(pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>');
  return row;
}
