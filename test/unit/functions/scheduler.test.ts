/**
 * The scheduler handler on in-memory ports, given/when/then: it binds through
 * the bind transaction, a replay binds nothing twice, racing schedulers never
 * overcommit or share a hostPort, and a pod no node fits is recorded Unschedulable.
 */
import { makeScheduler } from '../../../functions/scheduler/handler';
import { memoryPorts } from '../../../shared/adapters/memory';
import { makeEvent, TOPICS, type PodAccepted, type PodAssigned, type PodScheduleRequested } from '../../../shared/events';
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

  it('never puts two pods on one hostPort: of schedulers racing for a node, one binds, the others record NodePorts Unschedulable, and one binds after the port is freed', async () => {
    const { ports, scheduler, ready } = given([{ name: 'n1', cpu: '8' }]);
    await ready;
    const spec = aPodSpec({ containers: [{ name: 'app', image: 'podflow/base:1', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }] });
    const events = await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const pod = aRecordedPod({ name, uid: `uid-${name}`, spec });
        await ports.podStore.put({ namespace: 'default', name, uid: pod.metadata.uid, version: 1, pod, deleted: false }, null);
        return makeEvent<PodAccepted>('PodAccepted', `default/${name}`, { pod, version: 1 }, { source: 'pod-controller', time: ports.clock.now(), id: `req-${name}:accepted` });
      }),
    );
    // Each scheduler reads the Pods table before any binds, so the filter passes all three: the bind decides.
    await Promise.all(events.map((e) => scheduler()(e)));
    const [winner, ...losers] = (await ports.podStore.list()).sort((x, y) => Number(Boolean(y.nodeName)) - Number(Boolean(x.nodeName)));
    expect(winner.nodeName).toBe('n1');
    expect(losers.map((p) => p.nodeName)).toEqual([undefined, undefined]);
    for (const p of losers) {
      expect(p.pod.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
      });
    }
    expect((await ports.nodeStore.get('n1'))!.hostPorts).toEqual({ [winner.uid]: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] });

    // The winner is deleted (its stop confirmed): the release frees the port, and a retry binds one of the others.
    await ports.podStore.put({ ...winner, version: winner.version + 1, deleted: true }, winner.version);
    await ports.nodeStore.release('n1', winner.uid);
    expect((await ports.nodeStore.get('n1'))!.hostPorts).toBeUndefined();
    const retry = makeEvent<PodScheduleRequested>('PodScheduleRequested', `default/${losers[0].name}`, { namespace: 'default', name: losers[0].name, uid: losers[0].uid }, { source: 'node-lifecycle', time: ports.clock.now() });
    await scheduler()(retry);
    expect((await ports.podStore.get('default', losers[0].name))!.nodeName).toBe('n1');
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
