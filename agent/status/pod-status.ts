/**
 * Builds the Kubernetes PodStatus the agent reports from what runs (by label)
 * and the waiting reasons of the last decision. Pure: the same observation
 * always gives the same status, so a status is published only when it changed.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../shared/pod/schema';
import { attemptOf } from '../runtime/labels';
import type { RuntimeContainer } from '../runtime/types';
import { healthOf, initProgress, podContainers, type ContainerRole, type DecideContext, type Waiting } from '../sync/compute-pod-actions';
import { readySandbox, type ObservedPod } from '../sync/observe';
import { podConditions, podPhase } from './phase';
import { qosClass } from '../../shared/pod/defaults';

export interface StatusInput {
  pod: Pod;
  observed: ObservedPod;
  waiting: Record<string, Waiting>;
  runtimeKind: 'docker' | 'hollow';
  hostIP: string;
  startTime: string;
  previousConditions?: readonly PodCondition[];
  now: Date;
  /** Probe states and the pod's start time, as the decision saw them. */
  decide?: DecideContext;
  /** activeDeadlineSeconds has passed. */
  deadlineExceeded?: boolean;
  /** Termination messages by instance id (terminationMessagePath, or the log tail on error). */
  messages?: Readonly<Record<string, string>>;
}

export const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

export function terminatedReason(c: RuntimeContainer): string {
  if (c.oomKilled) return 'OOMKilled';
  if (c.error) return 'StartError';
  return (c.exitCode ?? 0) === 0 ? 'Completed' : 'Error';
}

export function terminatedState(c: RuntimeContainer, runtimeKind: string, message?: string): ContainerState {
  const terminated: NonNullable<ContainerState['terminated']> = {
    exitCode: c.exitCode ?? 0,
    reason: terminatedReason(c),
    containerID: `${runtimeKind}://${c.id}`,
  };
  if (c.error) terminated.message = c.error;
  else if (message) terminated.message = message;
  if (c.startedAt) terminated.startedAt = c.startedAt;
  if (c.finishedAt) terminated.finishedAt = c.finishedAt;
  return { terminated };
}

interface StatusContext {
  kind: string;
  decide: DecideContext;
  messages: Readonly<Record<string, string>>;
}

function containerStatus(spec: Container, role: ContainerRole, instances: readonly RuntimeContainer[], waiting: Waiting | undefined, ctx: StatusContext): ContainerStatus {
  const { kind } = ctx;
  const [current, previous] = instances;
  const terminated = (inst: RuntimeContainer) => terminatedState(inst, kind, ctx.messages[inst.id]);
  const lastState = (inst: RuntimeContainer | undefined): ContainerState => (inst && inst.state === 'exited' ? terminated(inst) : {});
  const status: ContainerStatus = { name: spec.name, state: {}, lastState: {}, ready: false, started: false, restartCount: current ? attemptOf(current.labels) : 0, image: spec.image };
  if (current) {
    status.containerID = `${kind}://${current.id}`;
    if (current.imageId) status.imageID = current.imageId;
  }
  switch (current?.state) {
    case undefined:
    case 'created':
      status.state = { waiting: waiting ?? { reason: 'ContainerCreating' } };
      status.lastState = lastState(previous);
      break;
    case 'running': {
      const health = healthOf(current, spec, ctx.decide);
      status.state = { running: current.startedAt ? { startedAt: current.startedAt } : {} };
      status.lastState = lastState(previous);
      // A regular init container is ready only once it has finished.
      status.ready = role !== 'init' && health.ready;
      status.started = health.started;
      break;
    }
    case 'exited':
      if (waiting) {
        status.state = { waiting };
        status.lastState = terminated(current);
      } else {
        status.state = terminated(current);
        status.lastState = lastState(previous);
        // A finished init container counts as ready, as the kubelet reports it.
        if (role === 'init' && (current.exitCode ?? 0) === 0 && !current.error) status.ready = true;
      }
      break;
    case 'unknown':
      status.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', containerID: `${kind}://${current.id}` } };
      status.lastState = lastState(previous);
      break;
  }
  if (status.state.waiting && !status.state.waiting.message) delete status.state.waiting.message;
  return status;
}

export function buildPodStatus(input: StatusInput): PodStatus {
  const { pod, observed } = input;
  const ctx: StatusContext = { kind: input.runtimeKind, decide: input.decide ?? {}, messages: input.messages ?? {} };
  const statusOf = (c: { spec: Container; role: ContainerRole }) => containerStatus(c.spec, c.role, observed.containers[c.spec.name] ?? [], input.waiting[c.spec.name], ctx);
  const all = podContainers(pod);
  const containerStatuses = all.filter((c) => c.role === 'app').map(statusOf);
  const inits = all.filter((c) => c.role !== 'app').map((c) => ({ role: c.role, status: statusOf(c) }));
  const initStatuses = {
    regular: inits.filter((c) => c.role === 'init').map((c) => c.status),
    sidecars: inits.filter((c) => c.role === 'sidecar').map((c) => c.status),
  };
  const sandbox = readySandbox(observed) ?? observed.sandboxes.find((s) => s.ip);
  const progress = initProgress(pod, observed, sandbox?.id ?? observed.sandboxes[0]?.id, ctx.decide);
  const phase = input.deadlineExceeded ? 'Failed' : podPhase(pod.spec.restartPolicy ?? 'Always', containerStatuses, initStatuses);
  const status: PodStatus = {
    phase,
    conditions: podConditions(phase, containerStatuses, input.previousConditions, input.now.toISOString(), progress, initStatuses.sidecars),
    containerStatuses,
    hostIP: input.hostIP,
    startTime: input.startTime,
    qosClass: qosClass(pod.spec),
  };
  if (inits.length) status.initContainerStatuses = inits.map((c) => c.status);
  if (input.deadlineExceeded) {
    status.reason = 'DeadlineExceeded';
    status.message = DEADLINE_MESSAGE;
  }
  if (sandbox?.ip) {
    status.podIP = sandbox.ip;
    status.podIPs = [{ ip: sandbox.ip }];
  }
  return status;
}
