/**
 * The pod phase and conditions from container statuses, by Kubernetes' rules
 * (kubelet getPhase): a container waiting for its first start keeps the pod
 * Pending; any running container makes it Running; once all have stopped, the
 * restart policy decides between Running (will restart), Succeeded and Failed.
 * Init containers keep the pod Pending until they are done (a failed one under
 * restartPolicy Never fails it); sidecars count as running once started, and a
 * stopped sidecar does not count, as in kubelet 1.29+. Pure and table-tested.
 */
import type { ContainerStatus, PodCondition, PodPhase, RestartPolicy } from '../../shared/pod/schema';

/** The init containers' statuses, split as the phase rules need them. */
export interface InitStatuses {
  regular: readonly ContainerStatus[];
  sidecars: readonly ContainerStatus[];
}

const NO_INIT: InitStatuses = { regular: [], sidecars: [] };

export function podPhase(restartPolicy: RestartPolicy, statuses: readonly ContainerStatus[], init: InitStatuses = NO_INIT): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init.regular) {
    if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  let unknown = 0;
  let pendingSidecars = 0;
  for (const s of init.sidecars) {
    if (s.state.running) {
      if (s.started) running++;
      else waiting++;
    } else if (s.state.waiting && !s.lastState?.terminated) {
      pendingSidecars++;
      waiting++;
    } else if (!s.state.terminated && !s.state.waiting) unknown++;
  }
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || pendingSidecars > 0) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  if (running === 0 && stopped === 0 && unknown === 0) return 'Pending';
  return 'Unknown';
}

type ConditionValue = Pick<PodCondition, 'type' | 'status' | 'reason' | 'message'>;

/** Where the init containers stand, for the Initialized condition. */
export interface Initialization {
  initialized: boolean;
  incomplete: readonly string[];
}

/** The four conditions; lastTransitionTime is kept from `previous` while the status does not change. */
export function podConditions(
  phase: PodPhase,
  statuses: readonly ContainerStatus[],
  previous: readonly PodCondition[] | undefined,
  now: string,
  init: Initialization = { initialized: true, incomplete: [] },
  sidecars: readonly ContainerStatus[] = [],
): PodCondition[] {
  const all = [...sidecars, ...statuses];
  const unready = all.filter((s) => !s.ready).map((s) => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const readiness: Omit<ConditionValue, 'type'> =
    unready.length === 0 && statuses.length > 0
      ? { status: 'True' }
      : completed
        ? { status: 'False', reason: 'PodCompleted' }
        : { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const initialized: Omit<ConditionValue, 'type'> = init.initialized
    ? { status: 'True' }
    : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${init.incomplete.join(' ')}]` };
  const values: ConditionValue[] = [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Initialized', ...initialized },
    { type: 'ContainersReady', ...readiness },
    { type: 'Ready', ...readiness },
  ];
  return values.map((v) => {
    const before = previous?.find((p) => p.type === v.type);
    const lastTransitionTime = before && before.status === v.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    const condition: PodCondition = { type: v.type, status: v.status, lastProbeTime: null, lastTransitionTime };
    if (v.reason) condition.reason = v.reason;
    if (v.message) condition.message = v.message;
    return condition;
  });
}
