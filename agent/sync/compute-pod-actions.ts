/**
 * computePodActions: the kubelet's decision step, without acting. From the
 * desired pod, what runs (by label), the time and the back-off memory it
 * returns the actions for one sync pass, the waiting reasons to report, and
 * when to look again. Invariant: a container in an unknown, duplicate or stale
 * state is killed in the same pass before any replacement is started (kills
 * come first in `actions`), so two copies of a container never run.
 */
import type { Pod, RestartPolicy } from '../../shared/pod/schema';
import type { PodEventRecord } from '../../shared/events/pod-status';
import { attemptOf, containerSpecHash, LABELS } from '../runtime/labels';
import type { RuntimeContainer } from '../runtime/types';
import { admitPod, type NodePolicy, type Refusal } from './admission';
import { backoffFor, formatDelay, type BackoffConfig, type BackoffEntry } from './backoff';
import { readySandbox, type ObservedPod } from './observe';

export type PodAction =
  /** Stop (SIGTERM, SIGKILL after the grace); `remove` also deletes it (never-started or unknown instances). */
  | { type: 'KillContainer'; id: string; container: string; graceSeconds: number; reason: string; remove: boolean }
  | { type: 'RemoveContainer'; id: string; container: string }
  | { type: 'KillSandbox'; id: string }
  | { type: 'CreateSandbox'; attempt: number }
  | { type: 'StartCreated'; id: string; container: string }
  | { type: 'StartContainer'; container: string; attempt: number };

export interface PullFailure {
  reason: 'ErrImagePull' | 'ErrImageNeverPull';
  message: string;
  delayMs: number;
  notBefore: number;
}

/** What the worker remembers between passes (lost on an agent restart, like the kubelet's). */
export interface SyncMemory {
  backoff: Record<string, BackoffEntry>;
  pullFailures: Record<string, PullFailure>;
}

export interface Waiting {
  reason: string;
  message?: string;
}

export interface PodActions {
  refusal: Refusal | null;
  actions: PodAction[];
  waiting: Record<string, Waiting>;
  backoff: Record<string, BackoffEntry>;
  events: PodEventRecord[];
  /** Epoch ms of the earliest back-off expiry: sync again then. */
  requeueAt?: number;
  /** The pass changed the pod's shape (sandbox, kills): observe and decide again at once. */
  resync: boolean;
}

export interface DecideConfig {
  backoff: BackoffConfig;
  node: NodePolicy;
}

export function shouldRestart(policy: RestartPolicy, exitCode: number): boolean {
  switch (policy) {
    case 'Always':
      return true;
    case 'OnFailure':
      return exitCode !== 0;
    case 'Never':
      return false;
    default: {
      const unreachable: never = policy;
      throw new Error(`unknown restart policy ${String(unreachable)}`);
    }
  }
}

const ms = (iso: string | undefined, fallback: number) => (iso ? Date.parse(iso) : fallback);

/** Every container has run and none will run again: the pod needs no sandbox any more. */
export function podIsDone(pod: Pod, observed: ObservedPod): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  return pod.spec.containers.every((c) => {
    const current = observed.containers[c.name]?.[0];
    return current?.state === 'exited' && !shouldRestart(policy, current.exitCode ?? 0);
  });
}

export function computePodActions(
  pod: Pod,
  observed: ObservedPod,
  now: Date,
  cfg: DecideConfig,
  memory: SyncMemory,
): PodActions {
  const result: PodActions = { refusal: null, actions: [], waiting: {}, backoff: {}, events: [], resync: false };
  const time = now.toISOString();
  const nowMs = now.getTime();
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const policy = pod.spec.restartPolicy ?? 'Always';
  const later = (at: number) => {
    result.requeueAt = result.requeueAt === undefined ? at : Math.min(result.requeueAt, at);
  };

  const refusal = admitPod(pod, cfg.node);
  if (refusal) {
    result.refusal = refusal;
    for (const c of pod.spec.containers) result.waiting[c.name] = { reason: refusal.waitingReason, message: refusal.message };
    return result;
  }

  const sandbox = readySandbox(observed);
  if (!sandbox) {
    if (podIsDone(pod, observed)) return result;
    // A new sandbox means a new network namespace: nothing may keep running in the old one.
    for (const [name, instances] of Object.entries(observed.containers)) {
      for (const inst of instances) {
        if (inst.state !== 'exited') {
          result.actions.push({ type: 'KillContainer', id: inst.id, container: name, graceSeconds: grace, reason: 'the pod sandbox is gone', remove: inst.state !== 'running' });
        }
      }
    }
    for (const old of observed.sandboxes) result.actions.push({ type: 'KillSandbox', id: old.id });
    const last = observed.sandboxes[0];
    result.actions.push({ type: 'CreateSandbox', attempt: last ? attemptOf(last.labels) + 1 : 0 });
    result.resync = true;
    return result;
  }
  for (const old of observed.sandboxes.slice(1)) result.actions.push({ type: 'KillSandbox', id: old.id });

  const kills: PodAction[] = [];
  const starts: PodAction[] = [];
  const kill = (inst: RuntimeContainer, name: string, graceSeconds: number, reason: string) => {
    kills.push({ type: 'KillContainer', id: inst.id, container: name, graceSeconds, reason, remove: inst.state !== 'running' });
    result.resync = true;
  };

  for (const c of pod.spec.containers) {
    const instances = observed.containers[c.name] ?? [];
    const [current, ...older] = instances;
    older.forEach((inst, index) => {
      if (inst.state !== 'exited') kill(inst, c.name, 0, 'a newer attempt of this container exists');
      else if (index >= 1) kills.push({ type: 'RemoveContainer', id: inst.id, container: c.name });
    });

    const startFresh = (attempt: number) => {
      const failure = memory.pullFailures[c.name];
      if (failure && nowMs < failure.notBefore) {
        result.waiting[c.name] = {
          reason: failure.reason === 'ErrImageNeverPull' ? 'ErrImageNeverPull' : 'ImagePullBackOff',
          message: failure.reason === 'ErrImageNeverPull' ? failure.message : `Back-off pulling image "${c.image}"`,
        };
        later(failure.notBefore);
        return;
      }
      starts.push({ type: 'StartContainer', container: c.name, attempt });
    };

    if (!current) {
      startFresh(0);
      continue;
    }
    const stale = current.labels[LABELS.specHash] !== containerSpecHash(c) || current.labels[LABELS.sandboxId] !== sandbox.id;
    switch (current.state) {
      case 'running':
        if (stale) {
          const redefined = current.labels[LABELS.sandboxId] === sandbox.id;
          kill(current, c.name, grace, redefined ? 'its definition changed' : 'its spec or sandbox changed');
          if (redefined) result.events.push({ type: 'Normal', reason: 'Killing', message: `Container ${c.name} definition changed, will be restarted`, time });
        }
        break;
      case 'created':
        if (stale) kill(current, c.name, 0, 'created for another spec or sandbox');
        else starts.push({ type: 'StartCreated', id: current.id, container: c.name });
        break;
      case 'unknown':
        kill(current, c.name, 0, 'its state is unknown');
        break;
      case 'exited': {
        // Its definition changed (a new image): the new definition has not crashed, so it starts at once,
        // without back-off (the kubelet keys back-off by the container's spec hash), unless the pod never
        // restarts containers. This is also the second half of an in-place restart: the kill came first.
        if (stale && current.labels[LABELS.sandboxId] === sandbox.id && policy !== 'Never') {
          startFresh(attemptOf(current.labels) + 1);
          break;
        }
        if (!shouldRestart(policy, current.exitCode ?? 0)) break;
        const finishedAtMs = ms(current.finishedAt, nowMs);
        const previous = memory.backoff[c.name];
        const entry = backoffFor(previous, { instanceId: current.id, startedAtMs: ms(current.startedAt, finishedAtMs), finishedAtMs }, cfg.backoff);
        result.backoff[c.name] = entry;
        if (nowMs >= entry.notBefore) {
          startFresh(attemptOf(current.labels) + 1);
        } else {
          result.waiting[c.name] = {
            reason: 'CrashLoopBackOff',
            message: `back-off ${formatDelay(entry.delayMs)} restarting failed container=${c.name} pod=${podRef}`,
          };
          if (previous?.instanceId !== current.id) {
            result.events.push({ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c.name} in pod ${podRef}`, time });
          }
          later(entry.notBefore);
        }
        break;
      }
      default: {
        const unreachable: never = current.state;
        throw new Error(`unknown container state ${String(unreachable)}`);
      }
    }
  }
  // Kills (and removals) strictly before starts: no replacement while an old copy may run.
  result.actions.push(...kills, ...starts);
  return result;
}
