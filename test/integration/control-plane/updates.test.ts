/**
 * Pod and ReplicationController updates on the real control plane (Apache
 * Kafka, DynamoDB Local, every handler, the API) with one hollow node: every
 * PATCH content type and PUT go through the log (PodUpdateRequested, the
 * pod-controller's decision), watches see MODIFIED, the history records the
 * update, a bound pod's new image reaches its node, preconditions and the
 * update rules answer as Kubernetes does, dry runs leave nothing behind, the
 * status subresource is read-only for clients, and server-side apply records
 * managers and refuses conflicts.
 */
import { fleetAuth } from '../../helpers/parts';
import { randomUUID } from 'node:crypto';
import { startHollowFleet, type HollowFleet } from '../../../agent/hollow-fleet';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';

const NS = 'updates';

describe('updates through the log', () => {
  let cp: ControlPlane;
  let fleet: HollowFleet;
  const patch = async (path: string, type: string, body: unknown, query = '') => {
    const res = await fetch(`${cp.api.url}${path}${query}`, { method: 'PATCH', headers: { authorization: `Bearer ${cp.token}`, 'content-type': type }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const podPath = (name: string) => `/api/v1/namespaces/${NS}/pods/${name}`;
  const create = async (name: string) => {
    const r = await cp.request('POST', `/api/v1/namespaces/${NS}/pods`, { metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'podflow/web:1' }, { name: 'side', image: 'podflow/base:1' }] } });
    expect(r.status).toBe(201);
    return eventually(async () => {
      const got = await cp.request('GET', podPath(name));
      return got.body.status?.phase === 'Running' && got.body;
    }, 20000, `${name} Running`);
  };

  beforeAll(async () => {
    cp = await startControlPlane();
    fleet = await startHollowFleet({ auth: fleetAuth(), brokers: cp.env.KAFKA_BROKERS.split(','), topicPrefix: cp.env.KAFKA_TOPIC_PREFIX, count: 1, namePrefix: `up-${randomUUID().slice(0, 4)}-`, heartbeatIntervalMs: 500, resyncIntervalMs: 1000 });
    await fleet.ready;
    await eventually(async () => (await cp.stores.nodeStore.list()).some((n) => n.ready === 'True'), 20000, 'a Ready node');
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await cp?.stop();
  });

  it('applies each patch type and PUT through the log; a watch sees MODIFIED and the history records it', async () => {
    const before = await create('p1');
    const watch = await fetch(`${cp.api.url}/api/v1/namespaces/${NS}/pods?watch=true&timeoutSeconds=8&resourceVersion=${before.metadata.resourceVersion}`, { headers: { authorization: `Bearer ${cp.token}` } });
    const text = watch.text();

    const merged = await patch(podPath('p1'), 'application/merge-patch+json', { metadata: { labels: { tier: 'front' } } });
    expect(merged.status).toBe(200);
    expect(merged.body.metadata.labels).toEqual({ app: 'p1', tier: 'front' });
    const json = await patch(podPath('p1'), 'application/json-patch+json', [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }]);
    expect(json.body.metadata.annotations).toEqual({ note: 'x' });
    const strategic = await patch(podPath('p1'), 'application/strategic-merge-patch+json', { spec: { containers: [{ name: 'web', image: 'podflow/web:2' }] } });
    expect(strategic.status).toBe(200);
    expect(strategic.body.spec.containers.map((c: { image: string }) => c.image)).toEqual(['podflow/web:2', 'podflow/base:1']);
    expect(strategic.body.metadata.generation).toBe(2);
    expect(strategic.body.metadata.uid).toBe(before.metadata.uid);

    // A PUT is bound to the version it read: the node's status reports move it on, so read and put again on 409, as a client does.
    const put = await eventually(async () => {
      const read = await cp.request('GET', podPath('p1'));
      const r = await cp.request('PUT', podPath('p1'), { ...read.body, metadata: { ...read.body.metadata, labels: { app: 'p1' } } });
      if (r.status !== 409) return r;
      return null;
    }, 20000, 'a PUT on the latest version');
    expect(put.status).toBe(200);
    expect(put.body.metadata.labels).toEqual({ app: 'p1' });
    const managers = put.body.metadata.managedFields.map((m: { manager: string }) => m.manager);
    expect(managers).toContain('node');

    const lines = (await text).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { labels: Record<string, string> } } });
    expect(lines.filter((l) => l.type === 'MODIFIED').map((l) => l.object.metadata.labels)).toEqual(expect.arrayContaining([{ app: 'p1', tier: 'front' }, { app: 'p1' }]));
    const history = await cp.stores.historyStore.list(NS, 'p1');
    expect(history.filter((h) => h.reason === 'Updated').map((h) => h.message)).toEqual(
      expect.arrayContaining(['Pod updates/p1 updated: labels', 'Pod updates/p1 updated: annotations', 'Pod updates/p1 updated: image of container web to podflow/web:2']),
    );
  }, 60000);

  it('answers 409 for a stale resourceVersion, 422 for a forbidden change, 415 for an unknown patch type, 404 for a missing pod', async () => {
    const pod = await create('p2');
    const stale = await cp.request('PUT', podPath('p2'), { ...pod, metadata: { ...pod.metadata, resourceVersion: '1', labels: { a: 'b' } } });
    expect(stale).toMatchObject({ status: 409, body: { reason: 'Conflict', message: 'Operation cannot be fulfilled on pods "p2": the object has been modified; please apply your changes to the latest version and try again' } });
    const staleInPatch = await patch(podPath('p2'), 'application/merge-patch+json', { metadata: { resourceVersion: '1', labels: { a: 'b' } } });
    expect(staleInPatch.status).toBe(409);
    const forbidden = await patch(podPath('p2'), 'application/strategic-merge-patch+json', { spec: { restartPolicy: 'Never' } });
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toMatch(/^The Pod "p2" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    expect(forbidden.body.details.causes[0]).toMatchObject({ field: 'spec', reason: 'FieldValueForbidden' });
    expect((await patch(podPath('p2'), 'application/json', {})).status).toBe(415);
    expect((await patch(podPath('nope'), 'application/merge-patch+json', { metadata: { labels: { a: 'b' } } })).status).toBe(404);
    const testFailed = await patch(podPath('p2'), 'application/json-patch+json', [{ op: 'test', path: '/metadata/name', value: 'other' }]);
    expect(testFailed.status).toBe(422);
  }, 60000);

  it('a dry-run patch answers the patched pod and changes nothing', async () => {
    const pod = await create('p3');
    const dry = await patch(podPath('p3'), 'application/merge-patch+json', { metadata: { labels: { dry: 'run' } } }, '?dryRun=All');
    expect(dry.status).toBe(200);
    expect(dry.body.metadata.labels).toEqual({ app: 'p3', dry: 'run' });
    const now = await cp.request('GET', podPath('p3'));
    expect(now.body.metadata.labels).toEqual({ app: 'p3' });
    expect(now.body.metadata.resourceVersion).toBe(pod.metadata.resourceVersion);
  }, 60000);

  it('serves pods/status for reading; only the node writes it', async () => {
    await create('p4');
    const status = await cp.request('GET', `${podPath('p4')}/status`);
    expect(status.body.status.phase).toBe('Running');
    const refused = await patch(`${podPath('p4')}/status`, 'application/merge-patch+json', { status: { phase: 'Failed' } });
    expect(refused).toMatchObject({ status: 405, body: { reason: 'MethodNotAllowed' } });
  }, 60000);

  it('server-side apply creates, records its manager, refuses a conflicting manager with 409 and its causes, and yields to force', async () => {
    const config = (image: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p5' }, spec: { containers: [{ name: 'web', image }] } });
    expect((await patch(podPath('p5'), 'application/apply-patch+yaml', config('podflow/web:1'))).status).toBe(400);
    const created = await patch(podPath('p5'), 'application/apply-patch+yaml', config('podflow/web:1'), '?fieldManager=first');
    expect(created.status).toBe(201);
    expect(created.body.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'first', operation: 'Apply', fieldsType: 'FieldsV1' })]);
    const conflict = await patch(podPath('p5'), 'application/apply-patch+yaml', config('podflow/web:2'), '?fieldManager=second');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "first": .spec.containers[name="web"].image',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "first"', field: '.spec.containers[name="web"].image' }] },
    });
    const forced = await patch(podPath('p5'), 'application/apply-patch+yaml', config('podflow/web:2'), '?fieldManager=second&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.containers[0].image).toBe('podflow/web:2');
  }, 60000);

  it('replication controllers take the same patch types and server-side apply', async () => {
    const rcPath = `/api/v1/namespaces/${NS}/replicationcontrollers/rc1`;
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc1' }, spec: { replicas: 0, selector: { app: 'rc1' }, template: { metadata: { labels: { app: 'rc1' } }, spec: { containers: [{ name: 'web', image: 'podflow/web:1', env: [{ name: 'A', value: '1' }] }] } } } };
    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers?fieldManager=creator`, rc)).status).toBe(201);
    const strategic = await patch(rcPath, 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } } } });
    expect(strategic.status).toBe(200);
    expect(strategic.body.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    const json = await patch(rcPath, 'application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 0 }, { op: 'add', path: '/metadata/labels', value: { team: 'x' } }]);
    expect(json.body.metadata.labels).toEqual({ team: 'x' });
    const conflict = await patch(rcPath, 'application/apply-patch+yaml', { ...rc, spec: { ...rc.spec, template: { ...rc.spec.template, spec: { containers: [{ name: 'web', image: 'podflow/web:2' }] } } } }, '?fieldManager=bot');
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toMatch(/^Apply failed with 1 conflict: conflict with "creator" using v1 at \S+Z: \.spec\.template\.spec\.containers\[name="web"\]\.image$/);
    const forced = await patch(rcPath, 'application/apply-patch+yaml', { ...rc, spec: { ...rc.spec, template: { ...rc.spec.template, spec: { containers: [{ name: 'web', image: 'podflow/web:2' }] } } } }, '?fieldManager=bot&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.template.spec.containers[0].image).toBe('podflow/web:2');
    // The patches above came without ?fieldManager: their manager is the User-Agent's product name, as in Kubernetes.
    expect(forced.body.metadata.managedFields.map((m: { manager: string }) => m.manager).sort()).toEqual(['bot', 'creator', 'node']);
    const applied = await patch(`/api/v1/namespaces/${NS}/replicationcontrollers/rc2`, 'application/apply-patch+yaml', { ...rc, metadata: { name: 'rc2' } }, '?fieldManager=bot');
    expect(applied.status).toBe(201);
    expect(applied.body.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'bot', operation: 'Apply' })]);
  }, 60000);
});
