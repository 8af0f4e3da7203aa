/**
 * Groups a pod's runtime containers (found by label) into its sandboxes and its
 * app containers by name, newest attempt first. This grouping is the whole
 * observed state that computePodActions reads; nothing else is remembered.
 */
import { attemptOf, LABELS } from '../runtime/labels';
import type { RuntimeContainer } from '../runtime/types';

export interface ObservedPod {
  /** Newest attempt first. */
  sandboxes: RuntimeContainer[];
  /** By container name; newest attempt first. */
  containers: Record<string, RuntimeContainer[]>;
}

function newestFirst(a: RuntimeContainer, b: RuntimeContainer): number {
  const byAttempt = attemptOf(b.labels) - attemptOf(a.labels);
  if (byAttempt !== 0) return byAttempt;
  return b.createdAt < a.createdAt ? -1 : b.createdAt > a.createdAt ? 1 : 0;
}

export function observePod(containers: readonly RuntimeContainer[]): ObservedPod {
  const sandboxes: RuntimeContainer[] = [];
  const apps: Record<string, RuntimeContainer[]> = {};
  for (const c of containers) {
    if (c.labels[LABELS.role] === 'sandbox') sandboxes.push(c);
    else {
      const name = c.labels[LABELS.container] ?? '';
      (apps[name] ??= []).push(c);
    }
  }
  sandboxes.sort(newestFirst);
  for (const list of Object.values(apps)) list.sort(newestFirst);
  return { sandboxes, containers: apps };
}

/** The sandbox the pod's containers may join: the newest, if it runs and has an IP. */
export function readySandbox(observed: ObservedPod): RuntimeContainer | undefined {
  const current = observed.sandboxes[0];
  return current && current.state === 'running' && current.ip ? current : undefined;
}

export function allInstances(observed: ObservedPod): RuntimeContainer[] {
  return [...observed.sandboxes, ...Object.values(observed.containers).flat()];
}
