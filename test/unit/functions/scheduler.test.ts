/**
 * The scheduler handler on in-memory ports, given/when/then: it binds through
 * the bind transaction, a replay binds nothing twice, racing schedulers never
 * overcommit, and a pod no node fits is recorded Unschedulable.
 */
import { makeScheduler } from '../../../functions/scheduler/handler';
import { memoryPorts } from '../../../shared/adapters/memory';
import { makeEvent, TOPICS, type PodAccepted, type PodAssigned } from '../../../shared/events';
import type { PodRecord } from '../../../shared/ports';
import { aNodeDescription, aPodSpec, aRecordedPod } from '../../helpers/factories';

const requesting = (cpu: string) => aPodSpec({ containers: [{ name: 'app', image: 'podflow/base:1', resources: { requests: { cpu, memory: '64Mi' } } }] });

function given(nodes: { name: string; cpu: string }[]) {
  const ports = memoryPorts();
  const scheduler = () => makeScheduler({ ...ports, nodeCacheMs: 0 });
  const accepted = async (name: string, cpu = '500m'): Promise<PodAccepted> => {
    const pod = aRecordedPod({ name, uid: `uid-${name}`, spec: requesting(cpu) });
    const record: PodRecord = { namespace: 'default', name, uid: pod.metadata.uid, version: 1, pod, deleted: false };
    await ports.podStore.put(record, null);
    return makeEvent<PodAccepted>('PodAccepted', `default/${name}`, { pod, version: 1 }, { source: 'pod-controller', time: ports.clock.now(), id: `req-${name}:accepted` });
  };
  const ready = Promise.all(nodes.map((n) => ports.nodeStore.recordHeartbeat(aNodeDescription({ name: n.name, cpu: n.cpu }), 'boot-1', true, 0)));
  return { ports, scheduler, accepted, ready };
}

describe('scheduler handler', () => {
  it('binds an accepted pod in one transaction: reservation, binding, Scheduled history and the assignment', async () => {
    const { ports, scheduler, accepted, ready } = given([{ name: 'n1', cpu: '2' }]);
    await ready;
    await scheduler()(await accepted('web'));
    const stored = (await ports.podStore.get('default', 'web'))!;
    expect(stored).toMatchObject({ nodeName: 'n1', version: 2 });
    expect(stored.pod.status.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect(Object.keys((await ports.nodeStore.get('n1'))!.reservations)).toEqual(['uid-web']);
    expect((ports.publisher.on(TOPICS.nodeAssignments) as PodAssigned[]).map((e) => e.data.nodeName)).toEqual(['n1']);
    expect(ports.historyStore.entries.map((e) => e.reason)).toEqual(['Scheduled']);
  });

  it('binds nothing twice when PodAccepted is delivered again, and repeats the same assignment', async () => {
    const { ports, scheduler, accepted, ready } = given([{ name: 'n1', cpu: '2' }]);
    await ready;
    const event = await accepted('web');
    await scheduler()(event);
    await scheduler()(event);
    expect((await ports.nodeStore.get('n1'))!.allocated.pods).toBe(1);
    const ids = ports.publisher.on(TOPICS.nodeAssignments).map((e) => e.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('never overcommits: two schedulers racing for a node with room for one pod bind exactly one', async () => {
    const { ports, scheduler, accepted, ready } = given([{ name: 'n1', cpu: '1' }]);
    await ready;
    const [a, b] = [await accepted('a', '600m'), await accepted('b', '600m')];
    await Promise.all([scheduler()(a), scheduler()(b)]);
    const node = (await ports.nodeStore.get('n1'))!;
    expect(node.allocated.cpu).toBe(600);
    const bound = (await ports.podStore.list()).filter((p) => p.nodeName);
    expect(bound).toHaveLength(1);
    const other = (await ports.podStore.list()).find((p) => !p.nodeName)!;
    expect(other.pod.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
  });

  it('records a pod no node fits as Unschedulable, with a FailedScheduling event and the change published', async () => {
    const { ports, scheduler, accepted, ready } = given([{ name: 'n1', cpu: '1' }]);
    await ready;
    await scheduler()(await accepted('big', '4'));
    const stored = (await ports.podStore.get('default', 'big'))!;
    expect(stored.nodeName).toBeUndefined();
    expect(stored.pod.status.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' });
    expect(ports.historyStore.entries.map((e) => e.reason)).toEqual(['FailedScheduling']);
    expect(ports.publisher.ofType('PodChanged')).toHaveLength(1);
    expect((await ports.nodeStore.get('n1'))!.reservations).toEqual({});
  });

  it('binds nothing and reserves nothing for a pod deleted after it was accepted', async () => {
    const { ports, scheduler, accepted, ready } = given([{ name: 'n1', cpu: '2' }]);
    await ready;
    const event = await accepted('gone');
    const stored = (await ports.podStore.get('default', 'gone'))!;
    await ports.podStore.put({ ...stored, version: 2, deleted: true }, 1);
    await scheduler()(event);
    expect((await ports.nodeStore.get('n1'))!.reservations).toEqual({});
    expect(ports.publisher.sent).toEqual([]);
  });
});
