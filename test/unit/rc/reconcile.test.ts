import type { PodCreateRequested, PodDeleteRequested } from '../../../shared/events';
import { slotUid } from '../../../shared/rc/ids';
import { createForSlot } from '../../../shared/rc/pod-requests';
import { reconcile } from '../../../shared/rc/reconcile';
import { aRecord, anOwnedPod, anRc, at, ctx, iso } from './given';

/** The request ids of the creates (from which the pod-controller mints the pods' uids). */
const createdUids = (creates: PodCreateRequested[]) => creates.map((c) => c.id);
/** The uid the pod created for a slot of the test RC gets. */
const podUidOfSlot = (slot: number) => createForSlot(anRc(), slot, at(0)).uid;
const deletedNames = (deletes: PodDeleteRequested[]) => deletes.map((d) => d.data.name);

describe('reconcile: scale up', () => {
  it('creates the missing pods with slot-derived ids, generateName NAME- and the controller owner reference', () => {
    const d = reconcile(aRecord({ replicas: 3 }), [], ctx());
    expect(createdUids(d.creates)).toEqual([0, 1, 2].map((s) => slotUid('rc-uid-1', s)));
    const pod = d.creates[0].data.pod;
    expect(pod.metadata).toMatchObject({
      generateName: 'web-',
      labels: { app: 'web' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: 'rc-uid-1', controller: true }],
    });
    expect(pod.metadata.name).toBeUndefined();
    expect(d.record).toMatchObject({ nextSlot: 3, version: 4 });
    expect(d.record!.pending.map((p) => p.slot)).toEqual([0, 1, 2]);
  });

  it.each([
    ['creates already requested but not yet visible', aRecord({ replicas: 3, nextSlot: 3, pending: [0, 1, 2].map((s) => ({ uid: slotUid('rc-uid-1', s), at: iso(-1), slot: s })) }), []],
    ['pods already active', aRecord({ replicas: 2 }), [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'pending')]],
  ])('creates nothing more for %s', (_name, record, pods) => {
    const d = reconcile(record, pods, ctx());
    expect(d.creates).toEqual([]);
    expect(d.deletes).toEqual([]);
  });

  it('replaying the same decision from the same record produces the same request ids', () => {
    const record = aRecord({ replicas: 2, nextSlot: 7 });
    expect(createdUids(reconcile(record, [], ctx()).creates)).toEqual(createdUids(reconcile(record, [], ctx(at(30))).creates));
  });

  it('a pending create seen in the Pods table (in any state) stops being pending', () => {
    const uid = podUidOfSlot(0);
    const pod = { ...anOwnedPod('web-x', 'deleted'), uid };
    const d = reconcile(aRecord({ replicas: 1, nextSlot: 1, pending: [{ uid, at: iso(-1), slot: 0 }] }), [pod], ctx());
    expect(d.record!.pending.map((p) => p.uid)).toEqual([podUidOfSlot(1)]);
  });

  it('publishes a create again, same id, when it is still not visible after resendAfterMs', () => {
    const uid = slotUid('rc-uid-1', 0);
    const d = reconcile(aRecord({ replicas: 1, nextSlot: 1, pending: [{ uid, at: iso(-6), slot: 0 }] }), [], ctx());
    expect(createdUids(d.creates)).toEqual([uid]);
    expect(d.record?.nextSlot ?? 1).toBe(1);
  });

  it('gives up on a create after pendingTimeoutMs and uses a new slot', () => {
    const d = reconcile(aRecord({ replicas: 1, nextSlot: 1, pending: [{ uid: slotUid('rc-uid-1', 0), at: iso(-61), slot: 0 }] }), [], ctx());
    expect(createdUids(d.creates)).toEqual([slotUid('rc-uid-1', 1)]);
  });
});

describe('reconcile: scale down', () => {
  it.each([
    ['an unscheduled pod before a scheduled one', [anOwnedPod('web-a', 'ready', { createdAt: 1 }), anOwnedPod('web-b', 'pending', { createdAt: 0 })], 1, ['web-b']],
    ['a not-ready pod before a ready one', [anOwnedPod('web-a', 'running', { createdAt: 0 }), anOwnedPod('web-b', 'ready', { createdAt: 5 })], 1, ['web-a']],
    ['the newest among equals', [anOwnedPod('web-a', 'ready', { createdAt: 0 }), anOwnedPod('web-b', 'ready', { createdAt: 9 }), anOwnedPod('web-c', 'ready', { createdAt: 5 })], 1, ['web-b', 'web-c']],
  ])('deletes %s', (_name, pods, replicas, expected) => {
    const d = reconcile(aRecord({ replicas }), pods, ctx());
    expect(deletedNames(d.deletes)).toEqual(expected);
    expect(d.deletes.every((x) => x.data.uid === `uid-${x.data.name}`)).toBe(true);
    expect(d.creates).toEqual([]);
  });

  it('does not delete again while its earlier deletes are not visible yet', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'ready')];
    const first = reconcile(aRecord({ replicas: 1 }), pods, ctx());
    expect(deletedNames(first.deletes)).toEqual(['web-b']);
    const second = reconcile(first.record!, pods, ctx(at(1)));
    expect(second.deletes).toEqual([]);
    expect(second.creates).toEqual([]);
  });

  it('ignores terminating and deleted pods, and pods of another rc', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'terminating'), anOwnedPod('web-c', 'deleted'), anOwnedPod('other-a', 'ready', { owner: 'rc-uid-2' })];
    const d = reconcile(aRecord({ replicas: 1 }), pods, ctx());
    expect(d.creates).toEqual([]);
    expect(d.deletes).toEqual([]);
  });

  it('a deleted rc deletes every active pod it owns and creates nothing', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'pending')];
    const d = reconcile(aRecord({ replicas: 3, deleted: true }), pods, ctx());
    expect(deletedNames(d.deletes).sort()).toEqual(['web-a', 'web-b']);
    expect(d.creates).toEqual([]);
  });
});

describe('reconcile: replacement and status', () => {
  it('replaces a pod lost with its node by a new uid and links the two in both histories', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'lost')];
    const d = reconcile(aRecord({ replicas: 2, nextSlot: 2 }), pods, ctx());
    const newUid = podUidOfSlot(2);
    expect(createdUids(d.creates)).toEqual([slotUid('rc-uid-1', 2)]);
    expect(d.history.map((h) => [h.name === 'web-b' ? 'old' : 'new', h.uid, h.reason, h.message])).toEqual([
      ['old', 'uid-web-b', 'Replaced', expect.stringMatching(new RegExp(`^replaced by pod web-[0-9a-f]{5} \\(uid ${newUid}\\) after NodeLost on node-1$`))],
      ['new', newUid, 'ReplacementFor', 'replacement for pod web-b (uid uid-web-b) after NodeLost on node-1'],
    ]);
    expect(d.record!.settled).toContain('uid-web-b');
  });

  it('answers a lost pod only once', () => {
    const pods = [anOwnedPod('web-b', 'lost')];
    const first = reconcile(aRecord({ replicas: 1 }), pods, ctx());
    const again = reconcile({ ...first.record!, pending: [] }, pods, ctx(at(61)));
    expect(again.history).toEqual([]);
  });

  it('does not link a pod it deleted itself to a later replacement', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'ready')];
    const down = reconcile(aRecord({ replicas: 1 }), pods, ctx());
    const gone = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'deleted')];
    const up = reconcile({ ...down.record!, rc: { ...down.record!.rc, spec: { ...down.record!.rc.spec, replicas: 2 } } }, gone, ctx(at(1)));
    expect(up.creates).toHaveLength(1);
    expect(up.history).toEqual([]);
  });

  it('reports replicas, ready replicas and the observed generation', () => {
    const pods = [anOwnedPod('web-a', 'ready'), anOwnedPod('web-b', 'running'), anOwnedPod('web-c', 'terminating')];
    const d = reconcile(aRecord({ replicas: 2, rc: { ...aRecord().rc, metadata: { ...aRecord().rc.metadata, generation: 4 }, spec: { ...aRecord().rc.spec, replicas: 2 } } }), pods, ctx());
    expect(d.record!.rc.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 4 });
  });

  it('writes nothing when nothing changed', () => {
    const pods = [anOwnedPod('web-a', 'ready')];
    const first = reconcile(aRecord({ replicas: 1 }), pods, ctx());
    const second = reconcile(first.record!, pods, ctx(at(1)));
    expect(second).toEqual({ record: null, creates: [], deletes: [], history: [] });
  });
});
