/**
 * computePodActions: the kubelet's decision step, without acting. From the
 * desired pod, what runs (by label), the time, the probes' verdicts and the
 * back-off memory it returns the actions for one sync pass, the waiting reasons
 * to report, and when to look again. Invariant: a container in an unknown,
 * duplicate or stale state is killed in the same pass before any replacement
 * is started (kills come first in `actions`), so two copies of a container
 * never run.
 *
 * Order, as the kubelet's computePodActions and computeInitContainerActions:
 * init containers run one at a time, each to a zero exit, before any app
 * container starts; a sidecar (an init container with restartPolicy Always)
 * must be running and started before the next init container, is restarted
 * whenever it exits, and is stopped after the app containers have finished, in
 * reverse order, one per pass. A failed liveness or startup probe kills the
 * container; the restart policy and back-off decide the rest. Past
 * activeDeadlineSeconds every container is stopped and none starts again.
 */
import type { Container, Pod, RestartPolicy } from '../../shared/pod/schema';
import type { PodEventRecord } from '../../shared/events/pod-status';
import { attemptOf, containerSpecHash, LABELS } from '../runtime/labels';
import type { RuntimeContainer } from '../runtime/types';
import { admitPod, type NodePolicy, type Refusal } from './admission';
import { backoffFor, formatDelay, type BackoffConfig, type BackoffEntry } from './backoff';
import { readySandbox, type ObservedPod } from './observe';
import { containerHealth, type ContainerHealth, type ProbeStates } from '../probes/health';

export type PodAction =
  /** Stop (SIGTERM, SIGKILL after the grace); `remove` also deletes it (never-started or unknown instances). */
  | { type: 'KillContainer'; id: string; container: string; graceSeconds: number; reason: string; remove: boolean }
  | { type: 'RemoveContainer'; id: string; container: string }
  | { type: 'KillSandbox'; id: string }
  | { type: 'CreateSandbox'; attempt: number }
  | { type: 'StartCreated'; id: string; container: string }
  | { type: 'StartContainer'; container: string; attempt: number };

/** A start that failed before the container existed (pull, or its configuration), retried with back-off. */
export interface PullFailure {
  reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'CreateContainerConfigError';
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
  /** activeDeadlineSeconds has passed: the pod has failed with reason DeadlineExceeded. */
  deadlineExceeded: boolean;
}

/** What the decision knows besides the observation: the probes' states and the pod's start time. */
export interface DecideContext {
  /** Probe states by container instance id (absent: never probed). */
  probes?: (instanceId: string) => ProbeStates | undefined;
  /** status.startTime: activeDeadlineSeconds counts from it. */
  startTime?: string;
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

export type ContainerRole = 'init' | 'sidecar' | 'app';

export interface PodContainer {
  spec: Container;
  role: ContainerRole;
}

/** Init containers (in order), then app containers: every container the pod runs, with its role. */
export function podContainers(pod: Pod): PodContainer[] {
  return [
    ...(pod.spec.initContainers ?? []).map((spec) => ({ spec, role: spec.restartPolicy === 'Always' ? ('sidecar' as const) : ('init' as const) })),
    ...pod.spec.containers.map((spec) => ({ spec, role: 'app' as const })),
  ];
}

/** The restart policy a container lives by: sidecars always, init containers until they succeed. */
function restartPolicyOf(role: ContainerRole, policy: RestartPolicy): RestartPolicy {
  if (role === 'sidecar') return 'Always';
  if (role === 'init') return policy === 'Never' ? 'Never' : 'OnFailure';
  return policy;
}

/** The health of a running instance (started, ready, restart asked by a probe). */
export function healthOf(inst: RuntimeContainer, spec: Container, ctx: DecideContext): ContainerHealth {
  if (inst.state !== 'running') return { started: false, ready: false };
  return containerHealth(spec, ctx.probes?.(inst.id));
}

export interface InitProgress {
  /** Every init container has done its part (or an app container has already run in this sandbox). */
  initialized: boolean;
  /** A regular init container failed and the pod never restarts: the pod has failed. */
  failed: boolean;
  /** The init containers not yet done, for the Initialized condition's message. */
  incomplete: string[];
}

/** How far the init containers have come in the given sandbox. Pure. */
export function initProgress(pod: Pod, observed: ObservedPod, sandboxId: string | undefined, ctx: DecideContext): InitProgress {
  const inits = pod.spec.initContainers ?? [];
  const policy = pod.spec.restartPolicy ?? 'Always';
  const inSandbox = (inst: RuntimeContainer | undefined) => (inst && sandboxId && inst.labels[LABELS.sandboxId] === sandboxId ? inst : undefined);
  const progress: InitProgress = { initialized: true, failed: false, incomplete: [] };
  if (inits.length === 0) return progress;
  // Once an app container has run in this sandbox, the pod was initialized (its init instances may be gone).
  if (pod.spec.containers.some((c) => inSandbox(observed.containers[c.name]?.[0]))) return progress;
  for (const c of inits) {
    const current = inSandbox(observed.containers[c.name]?.[0]);
    let done: boolean;
    if (c.restartPolicy === 'Always') done = current?.state === 'running' && healthOf(current, c, ctx).started;
    else {
      done = current?.state === 'exited' && (current.exitCode ?? 0) === 0 && !current.error;
      if (current?.state === 'exited' && !done && policy === 'Never') progress.failed = true;
    }
    if (!done) progress.incomplete.push(c.name);
  }
  progress.initialized = progress.incomplete.length === 0;
  return progress;
}

/** Past status.startTime + activeDeadlineSeconds. */
export function deadlineAt(pod: Pod, startTime: string | undefined): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  return seconds === undefined || !startTime ? undefined : Date.parse(startTime) + seconds * 1000;
}

/** Every app container has run and none will run again, or the pod has failed: it needs no sandbox any more. */
export function podIsDone(pod: Pod, observed: ObservedPod, ctx: DecideContext = {}, now?: Date): boolean {
  const at = deadlineAt(pod, ctx.startTime);
  if (at !== undefined && now && now.getTime() >= at) return true;
  const lastSandbox = observed.sandboxes[0]?.id;
  if (lastSandbox && initProgress(pod, observed, lastSandbox, ctx).failed) return true;
  return appsFinished(pod, observed);
}

function appsFinished(pod: Pod, observed: ObservedPod): boolean {
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
  ctx: DecideContext = {},
): PodActions {
  const result: PodActions = { refusal: null, actions: [], waiting: {}, backoff: {}, events: [], resync: false, deadlineExceeded: false };
  const time = now.toISOString();
  const nowMs = now.getTime();
  const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const policy = pod.spec.restartPolicy ?? 'Always';
  const containers = podContainers(pod);
  const later = (at: number) => {
    result.requeueAt = result.requeueAt === undefined ? at : Math.min(result.requeueAt, at);
  };

  const refusal = admitPod(pod, cfg.node);
  if (refusal) {
    result.refusal = refusal;
    for (const { spec } of containers) result.waiting[spec.name] = { reason: refusal.waitingReason, message: refusal.message };
    return result;
  }

  const deadline = deadlineAt(pod, ctx.startTime);
  if (deadline !== undefined && nowMs >= deadline) {
    result.deadlineExceeded = true;
    for (const [name, instances] of Object.entries(observed.containers)) {
      for (const inst of instances) {
        if (inst.state === 'exited') continue;
        result.actions.push({ type: 'KillContainer', id: inst.id, container: name, graceSeconds: inst.state === 'running' ? grace : 0, reason: 'the pod is past its active deadline', remove: inst.state !== 'running' });
      }
    }
    if (result.actions.length) {
      result.events.push({ type: 'Normal', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline', time });
      result.resync = true;
    }
    return result;
  }
  if (deadline !== undefined) later(deadline);

  const sandbox = readySandbox(observed);
  if (!sandbox) {
    if (podIsDone(pod, observed, ctx, now)) return result;
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

  // Older instances of any container: stop a stray copy, keep one exited predecessor for `logs --previous`.
  for (const { spec } of containers) {
    (observed.containers[spec.name] ?? []).slice(1).forEach((inst, index) => {
      if (inst.state !== 'exited') kill(inst, spec.name, 0, 'a newer attempt of this container exists');
      else if (index >= 1) kills.push({ type: 'RemoveContainer', id: inst.id, container: spec.name });
    });
  }

  const startFresh = (c: Container, attempt: number) => {
    const failure = memory.pullFailures[c.name];
    if (failure && nowMs < failure.notBefore) {
      result.waiting[c.name] =
        failure.reason === 'ErrImagePull'
          ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` }
          : { reason: failure.reason, message: failure.message };
      later(failure.notBefore);
      return;
    }
    starts.push({ type: 'StartContainer', container: c.name, attempt });
  };

  /** The kubelet's per-container step: start, restart after back-off, or replace a stale or unhealthy copy. */
  const manage = (c: Container, role: ContainerRole) => {
    const [current] = observed.containers[c.name] ?? [];
    const ownPolicy = restartPolicyOf(role, policy);
    if (!current) {
      startFresh(c, 0);
      return;
    }
    const stale = current.labels[LABELS.specHash] !== containerSpecHash(c) || current.labels[LABELS.sandboxId] !== sandbox.id;
    switch (current.state) {
      case 'running': {
        if (stale) {
          const redefined = current.labels[LABELS.sandboxId] === sandbox.id;
          kill(current, c.name, grace, redefined ? 'its definition changed' : 'its spec or sandbox changed');
          if (redefined) result.events.push({ type: 'Normal', reason: 'Killing', message: `Container ${c.name} definition changed, will be restarted`, time });
          break;
        }
        const restart = healthOf(current, c, ctx).restart;
        if (restart) {
          const probe = restart.kind === 'liveness' ? c.livenessProbe : c.startupProbe;
          kill(current, c.name, probe?.terminationGracePeriodSeconds ?? grace, restart.message);
          result.events.push({ type: 'Normal', reason: 'Killing', message: restart.message, time });
        }
        break;
      }
      case 'created':
        if (stale) kill(current, c.name, 0, 'created for another spec or sandbox');
        else starts.push({ type: 'StartCreated', id: current.id, container: c.name });
        break;
      case 'unknown':
        kill(current, c.name, 0, 'its state is unknown');
        break;
      case 'exited': {
        // A new sandbox reruns init containers and sidecars from the start, at once.
        if (role !== 'app' && current.labels[LABELS.sandboxId] !== sandbox.id) {
          startFresh(c, attemptOf(current.labels) + 1);
          break;
        }
        // Its definition changed (a new image): the new definition has not crashed, so it starts at once,
        // without back-off (the kubelet keys back-off by the container's spec hash), unless the pod never
        // restarts containers. This is also the second half of an in-place restart: the kill came first.
        if (stale && current.labels[LABELS.sandboxId] === sandbox.id && ownPolicy !== 'Never') {
          startFresh(c, attemptOf(current.labels) + 1);
          break;
        }
        if (!shouldRestart(ownPolicy, current.error ? 1 : (current.exitCode ?? 0))) break;
        const finishedAtMs = ms(current.finishedAt, nowMs);
        const previous = memory.backoff[c.name];
        const entry = backoffFor(previous, { instanceId: current.id, startedAtMs: ms(current.startedAt, finishedAtMs), finishedAtMs }, cfg.backoff);
        result.backoff[c.name] = entry;
        if (nowMs >= entry.notBefore) {
          startFresh(c, attemptOf(current.labels) + 1);
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
  };

  const progress = initProgress(pod, observed, sandbox.id, ctx);
  if (!progress.initialized) {
    // One init container at a time; a sidecar must be running and started before the next one.
    for (const { spec, role } of containers) {
      if (role === 'app') break;
      const current = observed.containers[spec.name]?.[0];
      const here = current && current.labels[LABELS.sandboxId] === sandbox.id ? current : undefined;
      if (role === 'init' && here?.state === 'exited' && (here.exitCode ?? 0) === 0 && !here.error) continue;
      manage(spec, role);
      if (role === 'init' || !(here?.state === 'running' && healthOf(here, spec, ctx).started)) break;
    }
    for (const { spec } of containers) {
      if (!observed.containers[spec.name]?.length && !starts.some((s) => 'container' in s && s.container === spec.name)) {
        result.waiting[spec.name] ??= { reason: 'PodInitializing' };
      }
    }
  } else {
    const finished = appsFinished(pod, observed);
    for (const { spec, role } of containers) {
      if (role === 'app' || (role === 'sidecar' && !finished)) manage(spec, role);
    }
    if (finished) {
      // The app containers are done: stop the sidecars in reverse order, one per pass.
      const running = containers.filter((c) => c.role === 'sidecar' && observed.containers[c.spec.name]?.[0]?.state === 'running');
      const last = running[running.length - 1];
      if (last) kill(observed.containers[last.spec.name]![0]!, last.spec.name, grace, 'the app containers have finished');
    }
  }
  // Kills (and removals) strictly before starts: no replacement while an old copy may run.
  result.actions.push(...kills, ...starts);
  return result;
}
