/**
 * Builds the Kubernetes PodStatus the agent reports from what runs (by label)
 * and the waiting reasons of the last decision. Pure: the same observation
 * always gives the same status, so a status is published only when it changed.
 */
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../shared/pod/schema';
import { attemptOf } from '../runtime/labels';
import type { RuntimeContainer } from '../runtime/types';
import type { Waiting } from '../sync/compute-pod-actions';
import { readySandbox, type ObservedPod } from '../sync/observe';
import { podConditions, podPhase } from './phase';

export interface StatusInput {
  pod: Pod;
  observed: ObservedPod;
  waiting: Record<string, Waiting>;
  runtimeKind: 'docker' | 'hollow';
  hostIP: string;
  startTime: string;
  previousConditions?: readonly PodCondition[];
  now: Date;
}

export function terminatedReason(c: RuntimeContainer): string {
  if (c.oomKilled) return 'OOMKilled';
  if (c.error) return 'StartError';
  return (c.exitCode ?? 0) === 0 ? 'Completed' : 'Error';
}

export function terminatedState(c: RuntimeContainer, runtimeKind: string): ContainerState {
  const terminated: NonNullable<ContainerState['terminated']> = {
    exitCode: c.exitCode ?? 0,
    reason: terminatedReason(c),
    containerID: `${runtimeKind}://${c.id}`,
  };
  if (c.error) terminated.message = c.error;
  if (c.startedAt) terminated.startedAt = c.startedAt;
  if (c.finishedAt) terminated.finishedAt = c.finishedAt;
  return { terminated };
}

function containerStatus(name: string, image: string, instances: readonly RuntimeContainer[], waiting: Waiting | undefined, kind: string): ContainerStatus {
  const [current, previous] = instances;
  const lastState = (inst: RuntimeContainer | undefined): ContainerState =>
    inst && inst.state === 'exited' ? terminatedState(inst, kind) : {};
  const status: ContainerStatus = { name, state: {}, lastState: {}, ready: false, started: false, restartCount: current ? attemptOf(current.labels) : 0, image };
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
    case 'running':
      status.state = { running: current.startedAt ? { startedAt: current.startedAt } : {} };
      status.lastState = lastState(previous);
      status.ready = true;
      status.started = true;
      break;
    case 'exited':
      if (waiting) {
        status.state = { waiting };
        status.lastState = terminatedState(current, kind);
      } else {
        status.state = terminatedState(current, kind);
        status.lastState = lastState(previous);
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
  const containerStatuses = pod.spec.containers.map((c) =>
    containerStatus(c.name, c.image, observed.containers[c.name] ?? [], input.waiting[c.name], input.runtimeKind),
  );
  const phase = podPhase(pod.spec.restartPolicy ?? 'Always', containerStatuses);
  const status: PodStatus = {
    phase,
    conditions: podConditions(phase, containerStatuses, input.previousConditions, input.now.toISOString()),
    containerStatuses,
    hostIP: input.hostIP,
    startTime: input.startTime,
    qosClass: qosClass(pod),
  };
  const sandbox = readySandbox(observed) ?? observed.sandboxes.find((s) => s.ip);
  if (sandbox?.ip) {
    status.podIP = sandbox.ip;
    status.podIPs = [{ ip: sandbox.ip }];
  }
  return status;
}

/** Kubernetes' QoS class from requests and limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const cs = pod.spec.containers;
  const any = cs.some((c) => Object.keys(c.resources?.requests ?? {}).length + Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = cs.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? limits;
    return ['cpu', 'memory'].every((r) => limits[r] !== undefined && String(requests[r] ?? limits[r]) === String(limits[r]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
