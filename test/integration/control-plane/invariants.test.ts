/**
 * The design's invariants on the real broker and DynamoDB Local: duplicates change
 * nothing, racing schedulers never overcommit, poison records are
 * dead-lettered without blocking their partition, and restarting the handlers
 * mid-stream loses no pod.
 */
import { podUid } from '../../../shared/pod/uid';
import { physicalTopic } from '../../../shared/adapters/kafka/client';
import { randomUUID } from 'node:crypto';
import { makeEvent, TOPICS, type Envelope, type PodAccepted, type PodAssigned, type PodCreateRequested, type PodDeleteRequested, type PodEvictionRequested } from '../../../shared/events';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';
import { collect, heartbeat, running, stopped } from '../../helpers/events';

function createRequest(name: string, o: { namespace?: string; cpu?: string; id?: string; nodeSelector?: Record<string, string> } = {}): PodCreateRequested {
  const namespace = o.namespace ?? 'default';
  const containers = [{ name: 'app', image: 'podflow/base:1', resources: { requests: { cpu: o.cpu ?? '100m', memory: '16Mi' } } }];
  return makeEvent<PodCreateRequested>(
    'PodCreateRequested',
    `${namespace}/${name}`,
    { pod: { metadata: { name, namespace }, spec: { containers, ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}) } } },
    { source: 'test', time: new Date(), id: o.id ?? randomUUID() },
  );
}

const twice = (e: Envelope) => [e, e];

describe('control-plane invariants on the real parts', () => {
  let cp: ControlPlane;
  let assignments: Awaited<ReturnType<typeof collect>>;
  let podEvents: Awaited<ReturnType<typeof collect>>;
  let deadLetters: Awaited<ReturnType<typeof collect>>;

  beforeAll(async () => {
    cp = await startControlPlane({ SWEEP_INTERVAL_MS: '1000' });
    [assignments, podEvents, deadLetters] = await Promise.all([
      collect(cp.kafka, TOPICS.nodeAssignments),
      collect(cp.kafka, TOPICS.podEvents),
      collect(cp.kafka, TOPICS.deadLetter),
    ]);
  }, 90000);
  afterAll(async () => {
    await Promise.all([assignments, podEvents, deadLetters].map((c) => c?.stop()));
    await cp?.stop();
  });

  it('applies every event type delivered twice exactly once', async () => {
    await cp.publisher.publish(TOPICS.nodeHeartbeats, twice(heartbeat('dup-node', { cpu: '1', memory: '1Gi' })));
    await eventually(() => cp.stores.nodeStore.get('dup-node'), 15000, 'node');
    const ns = 'dup';
    const create = createRequest('twice', { namespace: ns });
    await cp.publisher.publish(TOPICS.podEvents, twice(create));
    const accepted = (await eventually(async () => podEvents.events.find((e) => e.type === 'PodAccepted' && e.causationId === create.id), 15000, 'PodAccepted')) as PodAccepted;
    await cp.publisher.publish(TOPICS.podEvents, [accepted]); // the scheduler sees it twice too
    const bound = await eventually(async () => {
      const r = await cp.stores.podStore.get(ns, 'twice');
      return r?.nodeName ? r : null;
    }, 15000, 'bound');
    const assigned = (await eventually(async () => assignments.events.find((e) => e.type === 'PodAssigned' && (e as PodAssigned).data.pod.metadata.uid === podUid(ns, 'twice', create.id)), 15000, 'assigned')) as PodAssigned;
    await cp.publisher.publish(TOPICS.podStatus, twice(running(assigned.data.pod, 'dup-node', 1)));
    await eventually(async () => (await cp.stores.podStore.get(ns, 'twice'))?.pod.status.phase === 'Running', 15000, 'Running');
    const del = makeEvent<PodDeleteRequested>('PodDeleteRequested', `${ns}/twice`, { namespace: ns, name: 'twice' }, { source: 'test', time: new Date() });
    await cp.publisher.publish(TOPICS.podEvents, twice(del));
    await eventually(async () => (await cp.stores.podStore.get(ns, 'twice'))?.pod.metadata.deletionTimestamp, 15000, 'terminating');
    await cp.publisher.publish(TOPICS.podStatus, twice(stopped(assigned.data.pod, 'dup-node')));
    const gone = await eventually(async () => {
      const r = await cp.stores.podStore.get(ns, 'twice');
      return r?.deleted ? r : null;
    }, 15000, 'deleted');
    await new Promise((r) => setTimeout(r, 1500)); // let every duplicate arrive

    expect(bound.uid).toBe(podUid(ns, 'twice', create.id)); // minted by the control plane from the request
    const final = await cp.stores.podStore.get(ns, 'twice');
    expect(final).toEqual(gone); // nothing moved after the last first delivery
    expect(final!.version).toBe(5); // accepted, bound, running, terminating, deleted
    const history = await cp.stores.historyStore.list(ns, 'twice');
    expect(history.map((h) => h.reason)).toEqual(['Accepted', 'Scheduled', 'Started', 'Killing', 'Deleted']);
    const node = await cp.stores.nodeStore.get('dup-node');
    expect(node!.allocated).toEqual({ cpu: 0, memory: 0, pods: 0 });
    expect(node!.reservations).toEqual({});
    const assignedIds = assignments.events.filter((e) => e.type === 'PodAssigned' && (e as PodAssigned).data.pod.metadata.uid === bound.uid).map((e) => e.id);
    expect(new Set(assignedIds).size).toBe(1); // re-published, never re-decided
  });

  it('evicts once when an eviction is delivered twice', async () => {
    await cp.publisher.publish(TOPICS.nodeHeartbeats, [heartbeat('evict-node', { cpu: '1' })]);
    await eventually(() => cp.stores.nodeStore.get('evict-node'), 15000, 'node');
    const create = createRequest('evictee', { namespace: 'evict' });
    await cp.publisher.publish(TOPICS.podEvents, [create]);
    const bound = await eventually(async () => {
      const r = await cp.stores.podStore.get('evict', 'evictee');
      return r?.nodeName ? r : null;
    }, 15000, 'bound');
    const evict = makeEvent<PodEvictionRequested>(
      'PodEvictionRequested',
      'evict/evictee',
      { namespace: 'evict', name: 'evictee', uid: bound.uid, nodeName: bound.nodeName!, reason: 'NodeLost', message: 'node gone' },
      { source: 'node-controller', time: new Date(), id: `evict:${bound.uid}` },
    );
    await cp.publisher.publish(TOPICS.podEvents, twice(evict));
    const gone = await eventually(async () => {
      const r = await cp.stores.podStore.get('evict', 'evictee');
      return r?.deleted ? r : null;
    }, 15000, 'evicted');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await cp.stores.podStore.get('evict', 'evictee')).toEqual(gone);
    expect(gone.pod.status.reason).toBe('NodeLost');
    expect((await cp.stores.historyStore.list('evict', 'evictee')).filter((h) => h.reason === 'NodeLost')).toHaveLength(1);
    expect((await cp.stores.nodeStore.get(bound.nodeName!))!.reservations[bound.uid]).toBeUndefined();
    const unassigned = assignments.events.filter((e) => e.type === 'PodUnassigned' && (e as { data: { uid: string } }).data.uid === bound.uid);
    expect(unassigned.length).toBeGreaterThanOrEqual(1);
    expect(new Set(unassigned.map((e) => e.id)).size).toBe(1);
  });

  it('binds nothing from a stale PodAccepted once the name belongs to a newer pod', async () => {
    // The scheduler binds from PodAccepted's recorded version without reading the pod first:
    // a stale one must lose its conditional write and give its reservation back.
    await cp.publisher.publish(TOPICS.nodeHeartbeats, [heartbeat('stale-node', { cpu: '1', labels: { pool: 'stale' } })]);
    await eventually(() => cp.stores.nodeStore.get('stale-node'), 15000, 'node');
    const ns = 'stale';
    const bound = async (uid: string) =>
      eventually(async () => {
        const r = await cp.stores.podStore.get(ns, 'again');
        return r?.uid === uid && r.nodeName ? r : null;
      }, 15000, `bound ${uid}`);
    const first = createRequest('again', { namespace: ns, nodeSelector: { pool: 'stale' } });
    await cp.publisher.publish(TOPICS.podEvents, [first]);
    const firstAccepted = (await eventually(async () => podEvents.events.find((e) => e.type === 'PodAccepted' && e.causationId === first.id), 15000, 'PodAccepted')) as PodAccepted;
    expect(firstAccepted.data.version).toBeGreaterThan(0);
    const firstBound = await bound(podUid(ns, 'again', first.id));
    const del = makeEvent<PodDeleteRequested>('PodDeleteRequested', `${ns}/again`, { namespace: ns, name: 'again' }, { source: 'test', time: new Date() });
    await cp.publisher.publish(TOPICS.podEvents, [del]);
    await eventually(async () => (await cp.stores.podStore.get(ns, 'again'))?.pod.metadata.deletionTimestamp, 15000, 'terminating');
    await cp.publisher.publish(TOPICS.podStatus, [stopped(firstBound.pod, 'stale-node')]);
    await eventually(async () => (await cp.stores.podStore.get(ns, 'again'))?.deleted, 15000, 'deleted');
    const second = createRequest('again', { namespace: ns, nodeSelector: { pool: 'stale' } });
    await cp.publisher.publish(TOPICS.podEvents, [second]);
    const secondBound = await bound(podUid(ns, 'again', second.id));

    await cp.publisher.publish(TOPICS.podEvents, [firstAccepted]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await cp.stores.podStore.get(ns, 'again')).toEqual(secondBound);
    const node = await cp.stores.nodeStore.get('stale-node');
    expect(Object.keys(node!.reservations)).toEqual([secondBound.uid]);
    const assignedUids = assignments.events.filter((e) => e.type === 'PodAssigned' && e.key === 'stale-node').map((e) => (e as PodAssigned).data.pod.metadata.uid);
    expect(assignedUids.filter((uid) => uid === firstBound.uid)).toHaveLength(1);
  });

  it('never overcommits a node when two schedulers race over the same pods', async () => {
    const second = await cp.startHandlers(['scheduler'], () => 'scheduler-b');
    try {
      const nodes = ['race-1', 'race-2'];
      await cp.publisher.publish(TOPICS.nodeHeartbeats, nodes.map((n) => heartbeat(n, { cpu: '1', memory: '8Gi', labels: { pool: 'race' } })));
      await eventually(async () => (await Promise.all(nodes.map((n) => cp.stores.nodeStore.get(n)))).every(Boolean), 15000, 'nodes');
      const creates = Array.from({ length: 10 }, (_, i) => createRequest(`racer-${i}`, { namespace: 'race', cpu: '300m', nodeSelector: { pool: 'race' } }));
      await cp.publisher.publish(TOPICS.podEvents, creates);
      // 3 pods of 300m fit in 1000m: 6 bind, 4 stay Pending with FailedScheduling.
      await eventually(async () => {
        const pods = await cp.stores.podStore.list({ namespace: 'race' });
        const bound = pods.filter((p) => p.nodeName);
        const failed = pods.filter((p) => p.pod.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
        return pods.length === 10 && bound.length === 6 && failed.length === 4;
      }, 30000, '6 bound and 4 unschedulable');
      await new Promise((r) => setTimeout(r, 1500));
      const pods = await cp.stores.podStore.list({ namespace: 'race' });
      for (const name of nodes) {
        const node = (await cp.stores.nodeStore.get(name))!;
        const onNode = pods.filter((p) => p.nodeName === name);
        expect(node.allocated.cpu).toBeLessThanOrEqual(node.allocatable.cpu);
        expect(node.allocated.cpu).toBe(onNode.length * 300);
        expect(Object.keys(node.reservations).sort()).toEqual(onNode.map((p) => p.uid).sort());
      }
      const pending = pods.find((p) => !p.nodeName)!;
      // Nodes of earlier tests fail the selector; the two race nodes are full.
      expect(pending.pod.status.conditions!.find((c) => c.type === 'PodScheduled')!.message).toMatch(/^0\/\d+ nodes are available: 2 Insufficient cpu, \d+ node\(s\) didn't match Pod's node affinity\/selector\.$/);
    } finally {
      await second.stop();
    }
  });

  it('dead-letters malformed records with their reason and keeps the partition flowing', async () => {
    const key = 'poison/after';
    const producer = cp.kafka.producer();
    await producer.connect();
    await producer.send({ topic: physicalTopic(cp.kafka, TOPICS.podEvents), messages: [{ key, value: '{not json', partition: 0 }, { key, value: JSON.stringify({ specversion: '1', type: 'PodCreateRequested' }), partition: 0 }] });
    const good = createRequest('after', { namespace: 'poison' });
    await producer.send({ topic: physicalTopic(cp.kafka, TOPICS.podEvents), messages: [{ key, value: JSON.stringify(good), partition: 0 }] });
    await producer.disconnect();
    await eventually(() => cp.stores.podStore.get('poison', 'after'), 15000, 'the good record after the poison');
    const letters = await eventually(async () => {
      const mine = deadLetters.events.filter((e) => (e as { data: { recordKey: string | null; handler: string } }).data.handler === 'pod-controller');
      return mine.length >= 2 ? mine : null;
    }, 15000, 'dead letters');
    const reasons = letters.map((e) => (e as { data: { reason: string } }).data.reason).join('\n');
    expect(reasons).toMatch(/value is not JSON/);
    expect(reasons).toMatch(/schema: /);
  });

  it('loses no pod when the handlers restart mid-stream', async () => {
    await cp.publisher.publish(TOPICS.nodeHeartbeats, [heartbeat('restart-node', { cpu: '64', memory: '64Gi', pods: 200, labels: { pool: 'restart' } })]);
    await eventually(() => cp.stores.nodeStore.get('restart-node'), 15000, 'node');
    const creates = Array.from({ length: 40 }, (_, i) => createRequest(`survivor-${i}`, { namespace: 'restart', cpu: '10m', nodeSelector: { pool: 'restart' } }));
    await cp.publisher.publish(TOPICS.podEvents, creates.slice(0, 20));
    await eventually(async () => (await cp.stores.podStore.list({ namespace: 'restart' })).length >= 5, 15000, 'some pods in');
    await cp.handlers.stop();
    await cp.publisher.publish(TOPICS.podEvents, creates.slice(20));
    cp.handlers = await cp.startHandlers(['pod-controller', 'scheduler', 'status-recorder', 'node-lifecycle']);
    const pods = await eventually(async () => {
      const all = await cp.stores.podStore.list({ namespace: 'restart' });
      return all.length === 40 && all.every((p) => p.nodeName) ? all : null;
    }, 40000, 'all 40 pods bound');
    expect(pods.map((p) => p.uid).sort()).toEqual(creates.map((c) => podUid('restart', c.data.pod.metadata.name!, c.id)).sort());
    expect(pods.every((p) => p.version === 2)).toBe(true); // accepted and bound once each
    const node = (await cp.stores.nodeStore.get('restart-node'))!;
    expect(node.allocated.pods).toBe(40);
  });
});
