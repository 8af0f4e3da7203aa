import { decide, type PodCommand, type PodDecision } from '../../../shared/pod/decider';
import type { PodRecord } from '../../../shared/ports';
import { podUid } from '../../../shared/pod/uid';
import { context, createRequest, deleteRequest, evictionRequest, sent, stored } from './given';

interface Row {
  name: string;
  given: PodRecord | null;
  when: PodCommand;
  then: { kind: PodDecision['kind']; sent: string[]; record?: Partial<PodRecord>; expectedVersion?: number | null; release?: { nodeName: string; uid: string } };
}

/** The uids the control plane mints for creates req-1 and req-2 of default/web. */
const U1 = podUid('default', 'web', 'req-1');
const U2 = podUid('default', 'web', 'req-2');

const rows: Row[] = [
  {
    name: 'a create is accepted with uid minted from the name and the request id, written only if no pod exists yet',
    given: null,
    when: createRequest('req-1'),
    then: { kind: 'write', sent: ['pod-changes PodChanged req-1:added ADDED', 'pod-events PodAccepted req-1:accepted'], record: { uid: U1, version: 1, deleted: false }, expectedVersion: null },
  },
  {
    name: 'the same create replayed re-publishes the same events and writes nothing',
    given: stored({ uid: U1 }),
    when: createRequest('req-1'),
    then: { kind: 'publish', sent: ['pod-changes PodChanged req-1:added ADDED', 'pod-events PodAccepted req-1:accepted'] },
  },
  {
    name: 'another create for a live name is rejected (409 AlreadyExists)',
    given: stored({ uid: U1 }),
    when: createRequest('req-2'),
    then: { kind: 'publish', sent: ['pod-changes PodRequestRejected req-2:rejected'] },
  },
  {
    name: 'a create over a tombstone makes a new incarnation with the new uid',
    given: stored({ uid: U1, deleted: true, version: 5 }),
    when: createRequest('req-2'),
    then: { kind: 'write', sent: ['pod-changes PodChanged req-2:added ADDED', 'pod-events PodAccepted req-2:accepted'], record: { uid: U2, version: 6, deleted: false }, expectedVersion: 5 },
  },
  {
    name: 'a create replayed after its pod was deleted is ignored',
    given: stored({ uid: U1, deleted: true }),
    when: createRequest('req-1'),
    then: { kind: 'ignore', sent: [] },
  },
  {
    name: 'deleting an unscheduled pod leaves a tombstone and announces DELETED',
    given: stored({ uid: 'req-1' }),
    when: deleteRequest('del-1'),
    then: { kind: 'write', sent: ['pod-changes PodChanged del-1:deleted DELETED'], record: { deleted: true, version: 4 }, expectedVersion: 3 },
  },
  {
    name: 'deleting a bound pod marks it terminating and tells its node to stop it',
    given: stored({ uid: 'req-1', bound: true }),
    when: deleteRequest('del-1'),
    then: { kind: 'write', sent: ['pod-changes PodChanged del-1:modified MODIFIED', 'node-assignments PodUnassigned del-1:unassigned'], record: { deleted: false, version: 4 }, expectedVersion: 3 },
  },
  {
    name: 'deleting a terminating pod repeats the stop order only',
    given: stored({ uid: 'req-1', bound: true, terminating: true }),
    when: deleteRequest('del-2'),
    then: { kind: 'publish', sent: ['node-assignments PodUnassigned del-2:unassigned'] },
  },
  {
    name: 'deleting a pod that is not there answers 404',
    given: null,
    when: deleteRequest('del-1'),
    then: { kind: 'publish', sent: ['pod-changes PodRequestRejected del-1:rejected'] },
  },
  {
    name: 'deleting with another incarnation’s uid answers 409 Conflict',
    given: stored({ uid: 'req-1' }),
    when: deleteRequest('del-1', { uid: 'req-0' }),
    then: { kind: 'publish', sent: ['pod-changes PodRequestRejected del-1:rejected'] },
  },
  {
    name: 'an eviction deletes at once (tombstone), tells the node to stop, and releases its reservation',
    given: stored({ uid: 'req-1', bound: true }),
    when: evictionRequest('ev-1', 'req-1'),
    then: {
      kind: 'write',
      sent: ['pod-changes PodChanged ev-1:deleted DELETED', 'node-assignments PodUnassigned ev-1:unassigned'],
      record: { deleted: true, version: 4 },
      expectedVersion: 3,
      release: { nodeName: 'node-a', uid: 'req-1' },
    },
  },
  {
    name: 'a replayed eviction re-publishes the stop order and the release',
    given: stored({ uid: 'req-1', bound: true, evicted: true }),
    when: evictionRequest('ev-1', 'req-1'),
    then: { kind: 'publish', sent: ['node-assignments PodUnassigned ev-1:unassigned'], release: { nodeName: 'node-a', uid: 'req-1' } },
  },
  {
    name: 'an eviction of an incarnation that was replaced is ignored',
    given: stored({ uid: 'req-2', bound: true }),
    when: evictionRequest('ev-1', 'req-1'),
    then: { kind: 'ignore', sent: [] },
  },
];

describe('pod decider', () => {
  it.each(rows)('$name', ({ given, when, then }) => {
    const decision = decide(given, when, context());
    expect(decision.kind).toBe(then.kind);
    expect(sent(decision)).toEqual(then.sent);
    if (decision.kind === 'write') {
      expect(decision.record).toEqual(expect.objectContaining(then.record));
      expect(decision.expectedVersion).toBe(then.expectedVersion);
    }
    if (decision.kind !== 'ignore') expect(decision.release).toEqual(then.release);
  });

  it('publishes on replay exactly the events it published on accept', () => {
    const first = decide(null, createRequest('req-1'), context());
    if (first.kind !== 'write') throw new Error('expected a write');
    const replay = decide(first.record, createRequest('req-1'), context());
    if (replay.kind !== 'publish') throw new Error('expected a publish');
    expect(replay.outbound.map((o) => [o.topic, o.event.id, o.event.type, o.event.data])).toEqual(first.outbound.map((o) => [o.topic, o.event.id, o.event.type, o.event.data]));
  });

  it('stores the accepted pod with the defaults and a uid minted from the name and the request id', () => {
    const decision = decide(null, createRequest('req-1'), context());
    if (decision.kind !== 'write') throw new Error('expected a write');
    expect(decision.record.pod.metadata).toEqual(expect.objectContaining({ uid: U1, name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:05:00.000Z' }));
    expect(decision.record.pod.spec).toEqual(expect.objectContaining({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' }));
    expect(decision.record.pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['another create for a live name', stored({ uid: 'req-1' }), createRequest('req-2'), 409, 'AlreadyExists', 'pods "web" already exists'],
    ['a delete of a missing pod', null, deleteRequest('del-1'), 404, 'NotFound', 'pods "web" not found'],
    [
      'a delete with a stale uid',
      stored({ uid: 'req-1' }),
      deleteRequest('del-1', { uid: 'req-0' }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: req-0, UID in object meta: req-1',
    ],
  ] as const)('answers %s with the Kubernetes Status', (_name, given, when, code, reason, message) => {
    const decision = decide(given, when, context());
    if (decision.kind !== 'publish') throw new Error('expected a publish');
    expect(decision.outbound[0].event.data).toEqual(expect.objectContaining({ status: expect.objectContaining({ code, reason, message }) }));
  });

  it('gives an eviction the NodeLost reason on the pod and in its history', () => {
    const decision = decide(stored({ uid: 'req-1', bound: true }), evictionRequest('ev-1', 'req-1'), context());
    if (decision.kind !== 'write') throw new Error('expected a write');
    expect(decision.record.pod.status).toEqual(expect.objectContaining({ phase: 'Failed', reason: 'NodeLost' }));
    expect(decision.history).toEqual([expect.objectContaining({ type: 'Warning', reason: 'NodeLost', uid: 'req-1' })]);
  });

  it('mints a uid a producer cannot choose: the same request id for another name, or a live pod’s uid as the id, makes a new uid', () => {
    const victim = decide(null, createRequest('req-1', 'victim'), context());
    if (victim.kind !== 'write') throw new Error('expected a write');
    const replayedId = decide(null, createRequest('req-1', 'attacker'), context());
    const uidAsId = decide(null, createRequest(victim.record.uid, 'attacker'), context());
    if (replayedId.kind !== 'write' || uidAsId.kind !== 'write') throw new Error('expected writes');
    expect(new Set([victim.record.uid, replayedId.record.uid, uidAsId.record.uid]).size).toBe(3);
    expect(victim.record.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
