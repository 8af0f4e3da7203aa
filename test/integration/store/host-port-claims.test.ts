/**
 * hostPort claims on DynamoDB Local: binds racing for one hostPort on one node
 * leave exactly one winner (the others are refused as 'ports-taken'), kube's
 * hostIP rule holds in the store's conditions, the release frees the port for
 * the next pod, and schedulers racing end the losers Unschedulable with
 * kube-scheduler's NodePorts reason.
 */
import { suiteParts } from '../../helpers/parts';
import { ensureTables, makeDynamoClient, DynamoBinder, DynamoHistoryStore, DynamoNodeStore, DynamoPodStore } from '../../../shared/adapters/dynamodb';
import { tableNames } from '../../../shared/adapters/dynamodb/tables';
import { ManualClock, RecordingPublisher } from '../../../shared/adapters/memory';
import { makeEvent, type PodAccepted, type PodScheduleRequested } from '../../../shared/events';
import { makeScheduler } from '../../../functions/scheduler/handler';
import type { BindOutcome, PodRecord } from '../../../shared/ports';
import { aNodeDescription, aPodSpec, aRecordedPod } from '../../helpers/factories';

const request = { cpu: 100, memory: 2 ** 20, pods: 1 };
const allocatable = { cpu: 4000, memory: 8 * 2 ** 30, pods: 110 };
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet } as never;

function aPodOnPorts(name: string, ports: { hostPort: number; hostIP?: string; protocol?: 'TCP' | 'UDP' }[]): PodRecord {
  const spec = aPodSpec({ containers: [{ name: 'app', image: 'podflow/base:1', ports: ports.map((p, i) => ({ containerPort: 80 + i, protocol: 'TCP' as const, ...p })) }] });
  const pod = aRecordedPod({ name, uid: `uid-${name}`, spec });
  return { namespace: 'default', name, uid: pod.metadata.uid, version: 1, pod, deleted: false };
}

describe('hostPort claims on DynamoDB Local', () => {
  let client: ReturnType<typeof makeDynamoClient>;
  let names: ReturnType<typeof tableNames>;
  let nodes: DynamoNodeStore;
  let pods: DynamoPodStore;
  let binder: DynamoBinder;

  beforeAll(async () => {
    client = makeDynamoClient({ endpoint: suiteParts().dynamoEndpoint, region: 'us-east-1' });
    names = tableNames(`hostport-${Date.now()}-`);
    await ensureTables(client, names);
    nodes = new DynamoNodeStore(client, names.Nodes);
    pods = new DynamoPodStore(client, names.Pods);
    binder = new DynamoBinder(client, names);
  });
  afterAll(() => client.destroy());

  async function bind(nodeName: string, record: PodRecord): Promise<BindOutcome> {
    return binder.bind(nodeName, { ...record, version: record.version + 1, nodeName, pod: { ...record.pod, spec: { ...record.pod.spec, nodeName } } }, record.version, request, allocatable);
  }

  it('lets exactly one of many racing binds of one hostPort to one node win, and another bind once the winner is released', async () => {
    await nodes.recordHeartbeat(aNodeDescription({ name: 'race' }), 'boot', true, 1000);
    const racers = Array.from({ length: 8 }, (_, i) => aPodOnPorts(`racer-${i}`, [{ hostPort: 8080 }]));
    for (const r of racers) await pods.put(r, null);
    const outcomes = await Promise.all(racers.map((r) => bind('race', r)));
    expect(outcomes.filter((o) => o === 'bound')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ports-taken')).toHaveLength(7);
    const winner = racers[outcomes.indexOf('bound')];
    const node = (await nodes.get('race'))!;
    expect(node.hostPorts).toEqual({ [winner.uid]: [{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 8080 }] });
    expect(Object.keys(node.reservations)).toEqual([winner.uid]);
    expect((await pods.list()).filter((p) => p.nodeName === 'race').map((p) => p.uid)).toEqual([winner.uid]);

    await nodes.release('race', winner.uid);
    await nodes.release('race', winner.uid); // a replayed release frees nothing twice
    expect((await nodes.get('race'))!.hostPorts).toBeUndefined();
    const next = racers.find((r) => r !== winner)!;
    expect(await bind('race', next)).toBe('bound');
    // The rebuild's reservation path claims too: a second holder of the port is refused there as well.
    expect(await nodes.reserve('race', 'uid-rebuilt', request, undefined, [{ protocol: 'TCP', hostIP: '10.0.0.1', hostPort: 8080 }])).toBe('insufficient');
  });

  it.each([
    ['every address, then one address', 'ports-taken', [{ hostPort: 80 }], [{ hostPort: 80, hostIP: '10.0.0.1' }]],
    ['one address, then every address', 'ports-taken', [{ hostPort: 80, hostIP: '10.0.0.1' }], [{ hostPort: 80 }]],
    ['one address twice', 'ports-taken', [{ hostPort: 80, hostIP: '10.0.0.1' }], [{ hostPort: 80, hostIP: '10.0.0.1' }]],
    ['two different addresses', 'bound', [{ hostPort: 80, hostIP: '10.0.0.1' }], [{ hostPort: 80, hostIP: '10.0.0.2' }]],
    ['TCP, then UDP on the same port', 'bound', [{ hostPort: 53 }], [{ hostPort: 53, protocol: 'UDP' as const }]],
    ['two ports, one of them taken', 'ports-taken', [{ hostPort: 80 }], [{ hostPort: 81 }, { hostPort: 80 }]],
  ])('applies the hostIP rule in the store: %s gives %s', async (what, expected, first, second) => {
    const nodeName = `ip-${what.replace(/[^a-z]+/g, '-')}`;
    await nodes.recordHeartbeat(aNodeDescription({ name: nodeName }), 'boot', true, 1000);
    const [a, b] = [aPodOnPorts(`${nodeName}-a`, first), aPodOnPorts(`${nodeName}-b`, second)];
    await pods.put(a, null);
    await pods.put(b, null);
    expect(await bind(nodeName, a)).toBe('bound');
    expect(await bind(nodeName, b)).toBe(expected);
    // Released, the first pod's claims leave nothing behind: every address binds on its port.
    if (expected === 'bound') await nodes.release(nodeName, b.uid);
    await nodes.release(nodeName, a.uid);
    const c = aPodOnPorts(`${nodeName}-c`, second.map((p) => ({ ...p, hostIP: undefined })));
    await pods.put(c, null);
    expect(await bind(nodeName, c)).toBe('bound');
  });

  it('frees the hostPorts of a pod that ended while its requests stay reserved, and its later release leaves the next holder alone', async () => {
    await nodes.recordHeartbeat(aNodeDescription({ name: 'ended' }), 'boot', true, 1000);
    const [done, next] = [aPodOnPorts('ended-job', [{ hostPort: 7070 }]), aPodOnPorts('ended-next', [{ hostPort: 7070 }])];
    await pods.put(done, null);
    await pods.put(next, null);
    expect(await bind('ended', done)).toBe('bound');
    expect(await bind('ended', next)).toBe('ports-taken');
    await nodes.release('ended', done.uid, 'hostPorts');
    await nodes.release('ended', done.uid, 'hostPorts');
    const freed = (await nodes.get('ended'))!;
    expect(freed.hostPorts).toBeUndefined();
    expect(Object.keys(freed.reservations)).toEqual([done.uid]);
    expect(await bind('ended', next)).toBe('bound');
    await nodes.release('ended', done.uid); // deleted at last: its requests go, the port stays with the next pod
    const after = (await nodes.get('ended'))!;
    expect(Object.keys(after.reservations)).toEqual([next.uid]);
    expect(after.allocated).toEqual(request);
    const third = aPodOnPorts('ended-third', [{ hostPort: 7070, hostIP: '10.0.0.9' }]);
    await pods.put(third, null);
    expect(await bind('ended', third)).toBe('ports-taken');
  });

  it('ends the losers of schedulers racing for one hostPort Unschedulable with the NodePorts reason, never bound twice', async () => {
    // Tables of its own: one node, so the losers have nowhere else to go.
    const own = tableNames(`hostport-sched-${Date.now()}-`);
    await ensureTables(client, own);
    const [pods, nodes, binder] = [new DynamoPodStore(client, own.Pods), new DynamoNodeStore(client, own.Nodes), new DynamoBinder(client, own)];
    await nodes.recordHeartbeat(aNodeDescription({ name: 'sched' }), 'boot', true, 1000);
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const deps = { podStore: pods, nodeStore: nodes, binder, historyStore: new DynamoHistoryStore(client, own.PodHistory), publisher: new RecordingPublisher(), clock, logger: quiet };
    const racers = Array.from({ length: 4 }, (_, i) => aPodOnPorts(`web-${i}`, [{ hostPort: 9090 }]));
    for (const r of racers) await pods.put(r, null);
    // One scheduler instance per pod, as concurrent Lambda invocations: no shared cache.
    await Promise.all(
      racers.map((r) =>
        makeScheduler({ ...deps, nodeCacheMs: 0 })(makeEvent<PodAccepted>('PodAccepted', `default/${r.name}`, { pod: r.pod, version: 1 }, { source: 'pod-controller', time: clock.now(), id: `req-${r.name}` })),
      ),
    );
    const stored = await Promise.all(racers.map((r) => pods.get('default', r.name)));
    const bound = stored.filter((p) => p!.nodeName === 'sched');
    expect(bound).toHaveLength(1);
    for (const loser of stored.filter((p) => !p!.nodeName)) {
      expect(loser!.pod.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.",
      });
    }
    expect((await nodes.get('sched'))!.hostPorts?.[bound[0]!.uid]).toEqual([{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 9090 }]);

    // The winner's deletion path (tombstone, then release) frees the port; the requeued pod binds.
    const winner = bound[0]!;
    await pods.put({ ...winner, version: winner.version + 1, deleted: true }, winner.version);
    await nodes.release('sched', winner.uid);
    const retry = stored.find((p) => !p!.nodeName)!;
    await makeScheduler({ ...deps, nodeCacheMs: 0 })(
      makeEvent<PodScheduleRequested>('PodScheduleRequested', `default/${retry.name}`, { namespace: 'default', name: retry.name, uid: retry.uid }, { source: 'node-lifecycle', time: clock.now() }),
    );
    expect((await pods.get('default', retry.name))!.nodeName).toBe('sched');
  });
});
