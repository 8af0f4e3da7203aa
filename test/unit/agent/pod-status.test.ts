import type { Pod } from '../../../shared/pod/schema';
import { buildPodStatus } from '../../../agent/status/pod-status';
import type { Waiting } from '../../../agent/sync/compute-pod-actions';
import type { RuntimeContainer } from '../../../agent/runtime/types';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { containers: [{ name: 'main', image: 'img' }] },
  status: {},
};
const inst = (attempt: number, state: RuntimeContainer['state']): RuntimeContainer => ({
  id: `a${attempt}`,
  name: `main-${attempt}`,
  labels: { 'podflow.role': 'app', 'podflow.container.name': 'main', 'podflow.attempt': String(attempt) },
  state,
  image: 'img',
  createdAt: `2026-01-01T00:00:0${attempt}.000Z`,
  startedAt: `2026-01-01T00:00:0${attempt}.001Z`,
  ...(state === 'exited' ? { exitCode: 3, finishedAt: `2026-01-01T00:00:0${attempt}.012Z` } : {}),
});
const backoff: Waiting = { reason: 'CrashLoopBackOff', message: 'back-off' };

describe('restartCount and lastState of a reported container (as the kubelet pairs them)', () => {
  it.each<[string, RuntimeContainer[], Waiting | undefined, { restartCount: number; state: string; lastStateOf?: string }]>([
    ['first attempt running: no lastState', [inst(0, 'running')], undefined, { restartCount: 0, state: 'running' }],
    ['attempt 2 running: lastState is attempt 1', [inst(2, 'running'), inst(1, 'exited')], undefined, { restartCount: 2, state: 'running', lastStateOf: 'a1' }],
    ['attempt 2 created: lastState is attempt 1', [inst(2, 'created'), inst(1, 'exited')], undefined, { restartCount: 2, state: 'waiting', lastStateOf: 'a1' }],
    ['attempt 2 exited, in back-off: lastState is attempt 2 itself', [inst(2, 'exited'), inst(1, 'exited')], backoff, { restartCount: 2, state: 'waiting', lastStateOf: 'a2' }],
    ['attempt 2 exited for good: state is attempt 2, lastState attempt 1', [inst(2, 'exited'), inst(1, 'exited')], undefined, { restartCount: 2, state: 'terminated', lastStateOf: 'a1' }],
  ])('%s', (_, instances, waiting, expected) => {
    const status = buildPodStatus({
      pod,
      observed: { sandboxes: [], containers: { main: instances } },
      waiting: waiting ? { main: waiting } : {},
      runtimeKind: 'docker',
      hostIP: '10.0.0.1',
      startTime: '2026-01-01T00:00:00.000Z',
      now: new Date('2026-01-01T00:00:09.000Z'),
    });
    const s = status.containerStatuses![0];
    expect(s.restartCount).toBe(expected.restartCount);
    expect(Object.keys(s.state)).toEqual([expected.state]);
    expect(s.containerID).toBe(`docker://${instances[0].id}`);
    expect(s.lastState?.terminated?.containerID).toBe(expected.lastStateOf ? `docker://${expected.lastStateOf}` : undefined);
  });
});
