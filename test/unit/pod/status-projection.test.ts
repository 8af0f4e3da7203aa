import type { PodStatusReported, PodStopped } from '../../../shared/events';
import { applyStatusEvent } from '../../../shared/pod/status-projection';
import type { PodDecision } from '../../../shared/pod/decider';
import type { PodRecord } from '../../../shared/ports';
import { context, sent, statusReport, stopped, stored } from './given';

interface Row {
  name: string;
  given: PodRecord | null;
  when: PodStatusReported | PodStopped;
  then: { kind: PodDecision['kind']; sent: string[]; deleted?: boolean; statusSequence?: number; release?: { nodeName: string; uid: string } };
}

const rows: Row[] = [
  { name: 'a report for a stale uid is ignored', given: stored({ uid: 'uid-2', bound: true }), when: statusReport({ uid: 'uid-1', sequence: 9 }), then: { kind: 'ignore', sent: [] } },
  { name: 'a report for no pod is ignored', given: null, when: statusReport({ uid: 'uid-1', sequence: 1 }), then: { kind: 'ignore', sent: [] } },
  { name: 'an older sequence from the same boot is ignored', given: stored({ uid: 'uid-1', bound: true, statusSequence: 5 }), when: statusReport({ uid: 'uid-1', sequence: 4 }), then: { kind: 'ignore', sent: [] } },
  { name: 'a repeated sequence from the same boot is ignored', given: stored({ uid: 'uid-1', bound: true, statusSequence: 5 }), when: statusReport({ uid: 'uid-1', sequence: 5 }), then: { kind: 'ignore', sent: [] } },
  {
    name: 'a newer sequence is applied and announced',
    given: stored({ uid: 'uid-1', bound: true, statusSequence: 5 }),
    when: statusReport({ uid: 'uid-1', sequence: 6 }),
    then: { kind: 'write', sent: ['pod-changes PodChanged status-6:modified MODIFIED'], deleted: false, statusSequence: 6 },
  },
  {
    name: 'a new agent boot starts its sequence again',
    given: stored({ uid: 'uid-1', bound: true, statusSequence: 50 }),
    when: statusReport({ uid: 'uid-1', sequence: 1, bootId: 'boot-2' }),
    then: { kind: 'write', sent: ['pod-changes PodChanged status-1:modified MODIFIED'], deleted: false, statusSequence: 1 },
  },
  { name: 'a report from a node the pod is not bound to is ignored', given: stored({ uid: 'uid-1', bound: true }), when: statusReport({ uid: 'uid-1', sequence: 1, nodeName: 'node-b' }), then: { kind: 'ignore', sent: [] } },
  {
    name: 'PodStopped ends a terminating pod and releases its reservation',
    given: stored({ uid: 'uid-1', bound: true, terminating: true }),
    when: stopped('uid-1'),
    then: { kind: 'write', sent: ['pod-changes PodChanged stop-1:deleted DELETED'], deleted: true, release: { nodeName: 'node-a', uid: 'uid-1' } },
  },
  { name: 'PodStopped for a pod nobody deleted is ignored', given: stored({ uid: 'uid-1', bound: true }), when: stopped('uid-1'), then: { kind: 'ignore', sent: [] } },
  {
    name: 'a replayed PodStopped repeats DELETED and the release',
    given: stored({ uid: 'uid-1', bound: true, terminating: true, deleted: true }),
    when: stopped('uid-1'),
    then: { kind: 'publish', sent: ['pod-changes PodChanged stop-1:deleted DELETED'], release: { nodeName: 'node-a', uid: 'uid-1' } },
  },
  {
    name: 'a late PodStopped for an evicted pod only releases (DELETED was said at eviction)',
    given: stored({ uid: 'uid-1', bound: true, evicted: true }),
    when: stopped('uid-1'),
    then: { kind: 'publish', sent: [], release: { nodeName: 'node-a', uid: 'uid-1' } },
  },
  { name: 'a status report for a deleted pod is ignored', given: stored({ uid: 'uid-1', bound: true, deleted: true }), when: statusReport({ uid: 'uid-1', sequence: 99 }), then: { kind: 'ignore', sent: [] } },
];

describe('status projection', () => {
  it.each(rows)('$name', ({ given, when, then }) => {
    const decision = applyStatusEvent(given, when, context());
    expect(decision.kind).toBe(then.kind);
    expect(sent(decision)).toEqual(then.sent);
    if (decision.kind === 'write') {
      expect(decision.record.deleted).toBe(then.deleted);
      if (then.statusSequence !== undefined) expect(decision.record.statusSequence).toBe(then.statusSequence);
    }
    if (decision.kind !== 'ignore') expect(decision.release).toEqual(then.release);
  });

  const withHostPort = (record: PodRecord, phase: string, hostPort?: number): PodRecord => ({
    ...record,
    pod: { ...record.pod, spec: { ...record.pod.spec, containers: [{ ...record.pod.spec.containers[0], ports: [{ containerPort: 80, protocol: 'TCP', ...(hostPort ? { hostPort } : {}) }] }] }, status: { ...record.pod.status, phase: phase as 'Running' } },
  });
  const reporting = (phase: string): PodStatusReported => {
    const event = statusReport({ uid: 'uid-1', sequence: 9 });
    return { ...event, data: { ...event.data, status: { phase: phase as 'Running' } } };
  };
  it.each([
    ['a pod with a hostPort that succeeds gives its hostPorts back', 'Running', 'Succeeded', 8080, { nodeName: 'node-a', uid: 'uid-1', only: 'hostPorts' }],
    ['a pod with a hostPort that fails gives its hostPorts back', 'Running', 'Failed', 8080, { nodeName: 'node-a', uid: 'uid-1', only: 'hostPorts' }],
    ['a pod with a hostPort still running keeps them', 'Pending', 'Running', 8080, undefined],
    ['a pod that had already ended gives nothing back twice', 'Succeeded', 'Succeeded', 8080, undefined],
    ['a pod without a hostPort that ends gives nothing back', 'Running', 'Succeeded', undefined, undefined],
  ])('%s', (_what, before, after, hostPort, release) => {
    const decision = applyStatusEvent(withHostPort(stored({ uid: 'uid-1', bound: true }), before, hostPort), reporting(after), context());
    if (decision.kind !== 'write') throw new Error('expected a write');
    expect(decision.release).toEqual(release);
  });

  it('keeps the scheduler’s PodScheduled condition and records the node’s events in history', () => {
    const decision = applyStatusEvent(stored({ uid: 'uid-1', bound: true }), statusReport({ uid: 'uid-1', sequence: 1 }), context());
    if (decision.kind !== 'write') throw new Error('expected a write');
    expect(decision.record.pod.status.phase).toBe('Running');
    expect(decision.record.pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True' }]);
    expect(decision.record.pod.status.qosClass).toBe('BestEffort');
    expect(decision.history).toEqual([expect.objectContaining({ reason: 'Started', source: 'node-a', uid: 'uid-1', index: 0 })]);
  });
});
