import { makeEvent, type PodChanged, type PodCreateRequested } from '../../../shared/events';
import { silentLogger } from '../../../shared/runtime/logger';
import { makeReplicationController } from '../../../functions/replication-controller/handler';
import { replacementUid, slotUid } from '../../../shared/rc/ids';
import { podUid } from '../../../shared/pod/uid';
import { REPLACE_ON_NODE_LOSS } from '../../../shared/rc/replacement';
import { aRecord, anOwnedPod, anRc, T0 } from './given';
import { admitPod, DEFAULT_ADMISSION_POLICY } from '../../../shared/pod/admission';
import { MemoryHistoryStore, MemoryPodStore, MemoryRcStore, RecordingPublisher } from '../../../shared/adapters/memory';

function setup() {
  const rcStore = new MemoryRcStore();
  const podStore = new MemoryPodStore();
  const historyStore = new MemoryHistoryStore();
  const publisher = new RecordingPublisher();
  const admit = (pod: unknown) => admitPod(pod, DEFAULT_ADMISSION_POLICY);
  const controller = makeReplicationController({ rcStore, podStore, historyStore, publisher, clock: { now: () => T0 }, logger: silentLogger, podScanIntervalMs: 0, admit });
  return { rcStore, podStore, historyStore, publisher, controller };
}

const changed = (change: PodChanged['data']['change'], pod: PodChanged['data']['pod']) =>
  makeEvent<PodChanged>('PodChanged', `${pod.metadata.namespace}/${pod.metadata.name}`, { change, pod }, { source: 'test', time: T0 });

describe('replication-controller handler', () => {
  it('creates nothing from a template the cluster refuses, and says why in a ReplicaFailure condition until the template is fixed', async () => {
    const { rcStore, publisher, controller } = setup();
    const rc = anRc({ replicas: 2 });
    rc.spec.template.spec.containers[0].securityContext = { privileged: true };
    await rcStore.put(aRecord({ rc, version: 1 }), null);
    await controller.sweep();
    expect(publisher.ofType('PodCreateRequested')).toEqual([]);
    const refused = (await rcStore.get('default', 'web'))!;
    expect(refused.rc.status.conditions).toEqual([
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        lastTransitionTime: T0.toISOString(),
        message: 'Error creating: pods "web-" is forbidden: spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy',
      },
    ]);
    const fixed = structuredClone(refused);
    fixed.rc.spec.template.spec.containers[0].securityContext = undefined;
    await rcStore.put({ ...fixed, version: refused.version + 1 }, refused.version);
    await controller.sweep();
    expect(publisher.ofType('PodCreateRequested')).toHaveLength(2);
    expect((await rcStore.get('default', 'web'))!.rc.status.conditions).toBeUndefined();
  });

  it('the sweep heals a missed event: an RC short of pods gets them without any pod change', async () => {
    const { rcStore, publisher, controller } = setup();
    await rcStore.put(aRecord({ replicas: 2, version: 1 }), null);
    await controller.sweep();
    expect(publisher.ofType('PodCreateRequested').map((e) => e.id)).toEqual([slotUid('rc-uid-1', 0), slotUid('rc-uid-1', 1)]);
  });

  it('passes racing over the same RC create once: the second sees the first one’s creates in flight', async () => {
    const { rcStore, publisher, controller } = setup();
    await rcStore.put(aRecord({ replicas: 3, version: 1 }), null);
    const pod = anOwnedPod('web-a', 'deleted').pod;
    await Promise.all([controller.handle(changed('DELETED', pod)), controller.sweep(), controller.handle(changed('DELETED', pod))]);
    expect(publisher.ofType('PodCreateRequested')).toHaveLength(3);
    expect(new Set(publisher.ofType('PodCreateRequested').map((e) => e.id)).size).toBe(3);
  });

  it('deletes an active pod whose controller RC no longer exists', async () => {
    const { podStore, publisher, controller } = setup();
    const orphan = anOwnedPod('web-a', 'ready');
    await podStore.put(orphan, null);
    await controller.handle(changed('MODIFIED', orphan.pod));
    expect(publisher.ofType('PodDeleteRequested').map((e) => (e.data as { uid: string }).uid)).toEqual(['uid-web-a']);
  });

  it('replaces an annotated bare pod lost with its node, from the change or from the sweep when the change was missed, with one id', async () => {
    const { podStore, publisher, historyStore, controller } = setup();
    const lost = anOwnedPod('db', 'lost');
    lost.pod.metadata.ownerReferences = undefined;
    lost.pod.metadata.annotations = { [REPLACE_ON_NODE_LOSS]: 'true' };
    lost.pod.metadata.deletionTimestamp = T0.toISOString();
    await podStore.put(lost, null);
    await controller.handle(changed('DELETED', lost.pod));
    await controller.sweep();
    const creates = publisher.ofType('PodCreateRequested') as PodCreateRequested[];
    expect(creates.map((c) => [c.id, c.data.pod.metadata.name])).toEqual([
      [replacementUid('uid-db'), 'db'],
      [replacementUid('uid-db'), 'db'],
    ]);
    expect(historyStore.entries.map((e) => [e.uid, e.reason])).toEqual([
      ['uid-db', 'Replaced'],
      [podUid('default', 'db', replacementUid('uid-db')), 'ReplacementFor'],
    ]);
  });
});
