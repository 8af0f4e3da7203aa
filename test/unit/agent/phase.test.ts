import type { ContainerStatus, RestartPolicy } from '../../../shared/pod/schema';
import { podConditions, podPhase } from '../../../agent/status/phase';

const running: ContainerStatus = { name: 'r', state: { running: {} }, ready: true, restartCount: 0, image: 'i' };
const creating: ContainerStatus = { name: 'w', state: { waiting: { reason: 'ContainerCreating' } }, ready: false, restartCount: 0, image: 'i' };
const exited = (code: number): ContainerStatus => ({ name: `t${code}`, state: { terminated: { exitCode: code } }, ready: false, restartCount: 0, image: 'i' });
const crashLooping: ContainerStatus = {
  name: 'c',
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 1 } },
  ready: false,
  restartCount: 2,
  image: 'i',
};
const unknown: ContainerStatus = { name: 'u', state: {}, ready: false, restartCount: 0, image: 'i' };

describe('pod phase (Kubernetes getPhase)', () => {
  it.each<[string, RestartPolicy, ContainerStatus[], string]>([
    ['nothing started yet', 'Always', [creating, creating], 'Pending'],
    ['one still waiting for its first start', 'Always', [running, creating], 'Pending'],
    ['all running', 'Always', [running, running], 'Running'],
    ['running and completed (Never)', 'Never', [running, exited(0)], 'Running'],
    ['crash-looping counts as stopped, will restart (Always)', 'Always', [crashLooping], 'Running'],
    ['crash-looping under OnFailure', 'OnFailure', [crashLooping], 'Running'],
    ['all exited 0 under Always restarts', 'Always', [exited(0), exited(0)], 'Running'],
    ['all exited 0 under OnFailure', 'OnFailure', [exited(0), exited(0)], 'Succeeded'],
    ['all exited 0 under Never', 'Never', [exited(0)], 'Succeeded'],
    ['one failed under Never', 'Never', [exited(0), exited(3)], 'Failed'],
    ['one failed under OnFailure (will restart)', 'OnFailure', [exited(0), exited(3)], 'Running'],
    ['a status with no state', 'Always', [running, unknown], 'Unknown'],
  ])('%s → %s', (_name, policy, statuses, phase) => {
    expect(podPhase(policy, statuses)).toBe(phase);
  });
});

describe('pod conditions', () => {
  it('is Ready when every container is ready', () => {
    const c = podConditions('Running', [running], undefined, 't1');
    expect(c.map((x) => [x.type, x.status])).toEqual([['PodScheduled', 'True'], ['Initialized', 'True'], ['ContainersReady', 'True'], ['Ready', 'True']]);
  });

  it('names the unready containers', () => {
    const ready = podConditions('Pending', [running, creating], undefined, 't1').find((x) => x.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [w]' });
  });

  it('says PodCompleted once the pod has finished', () => {
    expect(podConditions('Succeeded', [exited(0)], undefined, 't1').find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('keeps lastTransitionTime while a condition does not change, and moves it when it does', () => {
    const first = podConditions('Pending', [creating], undefined, 't1');
    const same = podConditions('Pending', [creating], first, 't2');
    expect(same.find((x) => x.type === 'Ready')!.lastTransitionTime).toBe('t1');
    const changed = podConditions('Running', [running], same, 't3');
    expect(changed.find((x) => x.type === 'Ready')!.lastTransitionTime).toBe('t3');
    expect(changed.find((x) => x.type === 'PodScheduled')!.lastTransitionTime).toBe('t1');
  });
});
