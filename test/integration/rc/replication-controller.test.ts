/**
 * ReplicationControllers on the real control plane (Apache Kafka, DynamoDB Local, every
 * handler, the API) with hollow nodes running the pods: counts converge exactly
 * when scaling up and down, deleted and lost pods come back with new uids (and
 * the history says which replaced which), annotated bare pods come back under
 * their own name on another node after a real node loss, and deleting the RC
 * deletes its pods.
 */
import { fleetAuth } from '../../helpers/parts';
import { randomUUID } from 'node:crypto';
import { startHollowFleet, type HollowFleet } from '../../../agent/hollow-fleet';
import { makeEvent, TOPICS, type PodEvictionRequested, type RcCreateRequested } from '../../../shared/events';
import type { PodRecord } from '../../../shared/ports';
import { REPLACE_ON_NODE_LOSS } from '../../../shared/rc/replacement';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';

const NS = 'rc-test';

function anRc(name: string, replicas: number) {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, labels: { team: 'a' } },
    spec: {
      replicas,
      selector: { app: name },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'podflow/web:1', resources: { requests: { cpu: '10m', memory: '8Mi' } } }] } },
    },
  };
}

describe('replication controllers on the real control plane', () => {
  let cp: ControlPlane;
  let fleet: HollowFleet;

  const owned = async (rcUid: string): Promise<PodRecord[]> =>
    (await cp.stores.podStore.list({ namespace: NS, includeDeleted: true })).filter((p) => p.pod.metadata.ownerReferences?.some((r) => r.uid === rcUid && r.controller));
  const active = async (rcUid: string) => (await owned(rcUid)).filter((p) => !p.deleted && !p.pod.metadata.deletionTimestamp);
  const running = async (rcUid: string, n: number) => {
    const pods = await active(rcUid);
    return pods.length === n && pods.every((p) => p.pod.status.phase === 'Running') && pods;
  };
  const scaleTo = async (name: string, replicas: number) => {
    const current = await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/${name}/scale`);
    expect(current.body).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale' });
    const r = await cp.request('PUT', `/api/v1/namespaces/${NS}/replicationcontrollers/${name}/scale`, { ...current.body, spec: { replicas } });
    expect(r.status).toBe(200);
    expect(r.body.spec.replicas).toBe(replicas);
  };
  const sweeps = (n: number) => new Promise((r) => setTimeout(r, n * 600));

  beforeAll(async () => {
    cp = await startControlPlane({ SWEEP_INTERVAL_MS: '500', NODE_GRACE_PERIOD_MS: '2000', POD_EVICTION_TIMEOUT_MS: '1000', RC_RESEND_AFTER_MS: '3000', RC_POD_SCAN_INTERVAL_MS: '1000' });
    fleet = await startHollowFleet({ auth: fleetAuth(), brokers: cp.env.KAFKA_BROKERS.split(','), topicPrefix: cp.env.KAFKA_TOPIC_PREFIX, count: 3, namePrefix: `rc-${randomUUID().slice(0, 4)}-`, heartbeatIntervalMs: 500, resyncIntervalMs: 1000 });
    await fleet.ready;
    await eventually(async () => (await cp.stores.nodeStore.list()).filter((n) => n.ready === 'True').length === 3, 20000, 'three Ready nodes');
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await cp?.stop();
  });

  it('creates an RC of 3 replicas: 3 Running pods with generated names and controller owner references', async () => {
    const created = await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers`, anRc('web', 3));
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'web', namespace: NS, generation: 1 });
    const uid = created.body.metadata.uid;
    const pods = await eventually(() => running(uid, 3), 20000, '3 Running pods');
    for (const p of pods) {
      expect(p.name).toMatch(/^web-[0-9a-z]{5}$/);
      expect(p.pod.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid, controller: true, blockOwnerDeletion: true }]);
    }
    const rc = await eventually(async () => {
      const r = await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`);
      return r.body.status?.readyReplicas === 3 && r.body;
    }, 15000, 'readyReplicas 3');
    expect(rc.status).toMatchObject({ replicas: 3, availableReplicas: 3, observedGeneration: 1 });

    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers`, anRc('web', 1))).status).toBe(409);
    const listed = await cp.request('GET', '/api/v1/replicationcontrollers?labelSelector=team%3Da');
    expect(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['web']);
  });

  it('scales to 5 and to 1 through the scale subresource and converges exactly, staying there across sweeps', async () => {
    const uid = (await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`)).body.metadata.uid;
    await scaleTo('web', 5);
    await eventually(() => running(uid, 5), 20000, '5 Running pods');
    await sweeps(3);
    expect(await active(uid)).toHaveLength(5);

    await scaleTo('web', 1);
    await eventually(async () => (await active(uid)).length === 1, 20000, 'one active pod');
    await sweeps(3);
    expect(await active(uid)).toHaveLength(1);
    // Every pod ever created came from a distinct slot: 3 + 2, no extra creations.
    expect(await owned(uid)).toHaveLength(5);
    const rc = await eventually(async () => {
      const r = await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`);
      return r.body.status?.replicas === 1 && r.body;
    }, 15000, 'status replicas 1');
    expect(rc.metadata.generation).toBe(3);
    expect(rc.status.observedGeneration).toBe(3);
  });

  it('replaces a deleted pod with a new uid, and an evicted one too, recording which replaced which', async () => {
    const uid = (await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`)).body.metadata.uid;
    const [first] = await eventually(() => running(uid, 1), 20000, 'one Running pod');
    expect((await cp.request('DELETE', `/api/v1/namespaces/${NS}/pods/${first.name}`)).status).toBe(200);
    const [second] = await eventually(async () => {
      const pods = await running(uid, 1);
      return pods && pods[0].uid !== first.uid && pods;
    }, 20000, 'a replacement of the deleted pod');
    expect(second.name).not.toBe(first.name);

    const eviction = makeEvent<PodEvictionRequested>(
      'PodEvictionRequested',
      `${NS}/${second.name}`,
      { namespace: NS, name: second.name, uid: second.uid, nodeName: second.nodeName!, reason: 'NodeLost', message: `Node ${second.nodeName} was lost` },
      { source: 'node-controller', time: new Date() },
    );
    await cp.publisher.publish(TOPICS.podEvents, [eviction]);
    const [third] = await eventually(async () => {
      const pods = await running(uid, 1);
      return pods && pods[0].uid !== second.uid && pods;
    }, 20000, 'a replacement of the evicted pod');

    const oldEvents = await cp.request('GET', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.name%3D${second.name}`);
    const reasons = oldEvents.body.items.map((e: { reason: string; message: string }) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual(expect.arrayContaining([`NodeLost: Node ${second.nodeName} was lost`, `Replaced: replaced by pod ${third.name} (uid ${third.uid}) after NodeLost on ${second.nodeName}`]));
    const newEvents = await cp.request('GET', `/api/v1/namespaces/${NS}/pods/${third.name}/events`);
    expect(newEvents.body.items.map((e: { reason: string; message: string }) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining([`ReplacementFor: replacement for pod ${second.name} (uid ${second.uid}) after NodeLost on ${second.nodeName}`]),
    );
    expect(await owned(uid)).toHaveLength(7);
  });

  it('brings an annotated bare pod back under its name, with a new uid, on another node after its node is lost', async () => {
    const created = await cp.request('POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: 'db', annotations: { [REPLACE_ON_NODE_LOSS]: 'true' } },
      spec: { containers: [{ name: 'db', image: 'podflow/base:1', command: ['sleep', '3600'] }] },
    });
    expect(created.status).toBe(201);
    const oldUid = created.body.metadata.uid;
    const placed = await eventually(async () => {
      const r = await cp.stores.podStore.get(NS, 'db');
      return r?.pod.status.phase === 'Running' && r;
    }, 20000, 'db Running');
    const lostNode = placed.nodeName!;
    await fleet.nodes.find((n) => n.nodeName === lostNode)!.shutdown();

    const back = await eventually(async () => {
      const r = await cp.stores.podStore.get(NS, 'db');
      return r && !r.deleted && r.uid !== oldUid && r.pod.status.phase === 'Running' && r;
    }, 30000, 'db back with a new uid');
    expect(back.nodeName).not.toBe(lostNode);
    expect(back.pod.metadata.annotations).toEqual({ [REPLACE_ON_NODE_LOSS]: 'true' });

    const events = await cp.request('GET', `/api/v1/namespaces/${NS}/pods/db/events`);
    const chain = events.body.items.map((e: { reason: string; message: string; involvedObject: { uid: string } }) => [e.involvedObject.uid, e.reason, e.message]);
    expect(chain).toEqual(
      expect.arrayContaining([
        [oldUid, 'NodeLost', expect.stringContaining(lostNode)],
        [oldUid, 'Replaced', `replaced by pod db (uid ${back.uid}) after NodeLost on ${lostNode}`],
        [back.uid, 'ReplacementFor', `replacement for pod db (uid ${oldUid}) after NodeLost on ${lostNode}`],
      ]),
    );
  });

  it('updates with merge-patch and PUT, refuses a stale resourceVersion with 409, and streams the changes to a watch', async () => {
    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers`, anRc('api', 1))).status).toBe(201);
    const watch = await fetch(`${cp.api.url}/api/v1/namespaces/${NS}/replicationcontrollers?watch=true&timeoutSeconds=6`, { headers: { authorization: `Bearer ${cp.token}` } });
    const lines: { type: string; object: any }[] = [];
    const streamed = (async () => {
      const reader = watch.body!.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffered += decoder.decode(chunk.value, { stream: true });
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) if (part) lines.push(JSON.parse(part));
      }
    })();
    await eventually(async () => lines.length > 0, 5000, 'the watch to list what exists');

    const patched = await fetch(`${cp.api.url}/api/v1/namespaces/${NS}/replicationcontrollers/api`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { team: 'b' } }, spec: { replicas: 2 } }),
    });
    expect(patched.status).toBe(200);
    const afterPatch = (await patched.json()) as any;
    expect(afterPatch).toMatchObject({ metadata: { labels: { team: 'b' }, generation: 2 }, spec: { replicas: 2, selector: { app: 'api' } } });

    // Level-based: the watch sends the state it polls, so wait for this level before the next change.
    await eventually(async () => lines.some((l) => l.type === 'MODIFIED' && l.object.spec.replicas === 2), 5000, 'MODIFIED with 2 replicas');

    const stale = await cp.request('PUT', `/api/v1/namespaces/${NS}/replicationcontrollers/api`, { ...afterPatch, metadata: { ...afterPatch.metadata, resourceVersion: '1' }, spec: { ...afterPatch.spec, replicas: 0 } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    // Read, modify, write, and again on 409, as client-go's RetryOnConflict does: the
    // controller's own status writes (the new replicas) move the resourceVersion too.
    let current: any;
    let put: { status: number; body: any } = { status: 0, body: null };
    for (let attempt = 0; attempt < 5 && put.status !== 200; attempt++) {
      current = (await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/api`)).body;
      put = await cp.request('PUT', `/api/v1/namespaces/${NS}/replicationcontrollers/api`, { ...current, spec: { ...current.spec, replicas: 0 } });
      if (put.status !== 409) break;
    }
    expect(put.status).toBe(200);
    expect(put.body.spec.replicas).toBe(0);
    await eventually(async () => (await active(current.metadata.uid)).length === 0, 20000, 'no pods at 0 replicas');

    await streamed;
    expect(lines[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'api' }, spec: { replicas: 1 } } });
    expect(lines.some((l) => l.type === 'MODIFIED' && l.object.spec.replicas === 0)).toBe(true);
    expect((await cp.request('DELETE', `/api/v1/namespaces/${NS}/replicationcontrollers/api`)).status).toBe(200);
  });

  it('a create command delivered twice makes one RC and exactly its replicas', async () => {
    const id = randomUUID();
    const rc = { ...anRc('twice', 2), metadata: { name: 'twice', namespace: NS } };
    const create = makeEvent<RcCreateRequested>('ReplicationControllerCreateRequested', `${NS}/twice`, { rc: rc as RcCreateRequested['data']['rc'] }, { source: 'test', time: new Date(), id });
    await cp.publisher.publish(TOPICS.rcEvents, [create, create]);
    await eventually(() => running(id, 2), 20000, '2 Running pods');
    await sweeps(3);
    await cp.publisher.publish(TOPICS.rcEvents, [create]);
    await sweeps(2);
    expect(await owned(id)).toHaveLength(2);
    expect((await cp.request('DELETE', `/api/v1/namespaces/${NS}/replicationcontrollers/twice`)).status).toBe(200);
  });

  it('deleting the RC deletes its pods', async () => {
    const rc = (await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`)).body;
    await scaleTo('web', 2);
    await eventually(async () => (await active(rc.metadata.uid)).length === 2, 20000, 'two active pods');
    const deleted = await cp.request('DELETE', `/api/v1/namespaces/${NS}/replicationcontrollers/web`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(deleted.status).toBe(200);
    expect((await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/web`)).status).toBe(404);
    await eventually(async () => (await active(rc.metadata.uid)).length === 0, 20000, 'no active pods');
    await sweeps(2);
    expect(await active(rc.metadata.uid)).toHaveLength(0);
  });

  it('refuses an RC whose selector does not match its template labels with 422 and the field path', async () => {
    const bad = anRc('bad', 1);
    bad.spec.selector = { app: 'other' };
    const r = await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers`, bad);
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('The ReplicationController "bad" is invalid: spec.template.metadata.labels: Invalid value: {"app":"bad"}: selector does not match template labels');
  });
});
