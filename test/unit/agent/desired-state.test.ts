import { makeEvent, type NodeAssignmentEvent, type PodAssigned, type PodUnassigned } from '../../../shared/events';
import { applyAssignment, emptyDesiredState, markEnded } from '../../../agent/assignments/desired-state';
import { aRecordedPod } from '../../helpers/factories';

const at = { source: 'test', time: new Date('2026-01-01T00:00:00Z') };
const assigned = (name: string, uid: string): NodeAssignmentEvent =>
  makeEvent<PodAssigned>('PodAssigned', 'n1', { nodeName: 'n1', pod: aRecordedPod({ name, uid }) }, at);
const unassigned = (name: string, uid: string, grace = 5): NodeAssignmentEvent =>
  makeEvent<PodUnassigned>('PodUnassigned', 'n1', { nodeName: 'n1', namespace: 'default', name, uid, gracePeriodSeconds: grace, reason: 'Deleted' }, at);

describe('desired state from the node partition', () => {
  it('given an assignment, runs the pod', () => {
    const s = emptyDesiredState();
    expect(applyAssignment(s, assigned('a', 'u1'))).toEqual([{ uid: 'u1', kind: 'run' }]);
    expect([...s.pods.keys()]).toEqual(['u1']);
  });

  it('given an unassignment, stops the uid with the grace period it names', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('a', 'u1'));
    expect(applyAssignment(s, unassigned('a', 'u1', 7))).toEqual([{ uid: 'u1', kind: 'stop' }]);
    expect(s.pods.size).toBe(0);
    expect(s.stopping.get('u1')).toMatchObject({ graceSeconds: 7, name: 'a' });
  });

  it('never runs a uid again once it was unassigned, even if the assignment is delivered twice', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('a', 'u1'));
    applyAssignment(s, unassigned('a', 'u1'));
    expect(applyAssignment(s, assigned('a', 'u1'))).toEqual([]);
    markEnded(s, 'u1');
    expect(applyAssignment(s, assigned('a', 'u1'))).toEqual([]);
    expect(applyAssignment(s, unassigned('a', 'u1'))).toEqual([]);
    expect(s.pods.size + s.stopping.size).toBe(0);
  });

  it('stops the older uid when a same-name replacement is assigned', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('a', 'u1'));
    expect(applyAssignment(s, assigned('a', 'u2'))).toEqual([{ uid: 'u1', kind: 'stop' }, { uid: 'u2', kind: 'run' }]);
    expect([...s.pods.keys()]).toEqual(['u2']);
    expect(s.stopping.get('u1')?.reason).toBe('replaced by uid u2');
  });

  it('applies a duplicate assignment of a running uid without stopping it', () => {
    const s = emptyDesiredState();
    applyAssignment(s, assigned('a', 'u1'));
    expect(applyAssignment(s, assigned('a', 'u1'))).toEqual([{ uid: 'u1', kind: 'run' }]);
    expect(s.stopping.size).toBe(0);
  });

  it('keeps the shortest grace period when a stop is repeated', () => {
    const s = emptyDesiredState();
    applyAssignment(s, unassigned('a', 'u1', 30));
    applyAssignment(s, unassigned('a', 'u1', 0));
    expect(s.stopping.get('u1')?.graceSeconds).toBe(0);
  });
});
