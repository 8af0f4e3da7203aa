import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';
import { collect, heartbeat, running, stopped, TOPICS } from '../../helpers/events';
import type { PodAssigned, PodUnassigned } from '../../../shared/events';

describe('control plane on the real broker and DynamoDB Local', () => {
  let cp: ControlPlane;
  let assignments: Awaited<ReturnType<typeof collect>>;

  beforeAll(async () => {
    cp = await startControlPlane();
    assignments = await collect(cp.kafka, TOPICS.nodeAssignments);
    await cp.publisher.publish(TOPICS.nodeHeartbeats, [heartbeat('node-a', { cpu: '2', memory: '4Gi' })]);
    await eventually(() => cp.stores.nodeStore.get('node-a'), 15000, 'node registration');
  }, 90000);
  afterAll(async () => {
    await assignments?.stop();
    await cp?.stop();
  });

  it('creates a pod with a uid, schedules it, records Running, and deletes it once the node confirms', async () => {
    const created = await cp.request('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'podflow/web:1', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.uid).toMatch(/[0-9a-f-]{36}/);
    expect(created.body.status.phase).toBe('Pending');

    const again = await cp.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'x' }] } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'pods "web" already exists' });

    const assigned = (await eventually(
      async () => assignments.events.find((e) => e.type === 'PodAssigned' && (e as PodAssigned).data.pod.metadata.name === 'web'),
      15000,
      'PodAssigned',
    )) as PodAssigned;
    expect(assigned.data.nodeName).toBe('node-a');
    const node = await cp.stores.nodeStore.get('node-a');
    expect(node!.allocated).toEqual({ cpu: 250, memory: 64 * 1024 * 1024, pods: 1 });

    await cp.publisher.publish(TOPICS.podStatus, [running(assigned.data.pod, 'node-a', 1)]);
    const live = await eventually(async () => {
      const r = await cp.request('GET', '/api/v1/namespaces/default/pods/web');
      return r.body.status?.phase === 'Running' && r.body;
    }, 15000, 'Running');
    expect(live.spec.nodeName).toBe('node-a');
    expect(live.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled').status).toBe('True');

    const listed = await cp.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
    expect(listed.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['web']);

    const deleted = await cp.request('DELETE', '/api/v1/namespaces/default/pods/web');
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.deletionTimestamp).toBeTruthy();
    const unassigned = (await eventually(async () => assignments.events.find((e) => e.type === 'PodUnassigned'), 15000, 'PodUnassigned')) as PodUnassigned;
    expect(unassigned.data.uid).toBe(created.body.metadata.uid);
    expect((await cp.request('GET', '/api/v1/namespaces/default/pods/web')).status).toBe(200); // still terminating

    await cp.publisher.publish(TOPICS.podStatus, [stopped(assigned.data.pod, 'node-a')]);
    await eventually(async () => (await cp.request('GET', '/api/v1/namespaces/default/pods/web')).status === 404, 15000, 'pod gone');
    expect((await cp.stores.nodeStore.get('node-a'))!.allocated).toEqual({ cpu: 0, memory: 0, pods: 0 });

    const events = await cp.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb');
    expect(events.body.items.map((e: { reason: string }) => e.reason)).toEqual(['Accepted', 'Scheduled', 'Started', 'Killing', 'Deleted']);
  });

  it('refuses an invalid pod with every cause and its field path', async () => {
    const r = await cp.request('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'Bad_Name' },
      spec: { containers: [{ name: 'a', image: 'x', bogus: 1 }, { name: 'a', image: 'y' }], restartPolicy: 'Sometimes' },
    });
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    const fields = r.body.details.causes.map((c: { field: string }) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'spec.restartPolicy']));
    // Without ?fieldValidation the decoder warns about an unknown field and drops it (Kubernetes' default, Warn).
    expect(fields).not.toContain('spec.containers[0].bogus');
  });

  it('refuses a privileged pod when the cluster forbids it, naming the container index', async () => {
    const r = await cp.request('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'priv' },
      spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', securityContext: { privileged: true } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('The Pod "priv" is invalid: spec.containers[1].securityContext.privileged: Forbidden: disallowed by cluster policy');
  });

  it('answers 401 without the bearer token', async () => {
    const res = await fetch(`${cp.api.url}/api/v1/pods`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', code: 401 });
  });
});

describe('admission by namespace security level', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane({ POD_SECURITY_LEVELS: 'locked=restricted,base=baseline,host=privileged' });
  }, 90000);
  afterAll(() => cp?.stop());

  it('refuses hostPath and hostNetwork below the privileged level, with field paths', async () => {
    const r = await cp.request('POST', '/api/v1/namespaces/base/pods', {
      metadata: { name: 'hosty' },
      spec: { hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/etc' } }], containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'h', mountPath: '/h' }] }] },
    });
    expect(r.status).toBe(422);
    const fields = r.body.details.causes.map((c: { field: string }) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.hostNetwork', 'spec.volumes[0].hostPath']));
  });

  it('admits the same pod in a namespace at the privileged level', async () => {
    const r = await cp.request('POST', '/api/v1/namespaces/host/pods', {
      metadata: { name: 'hosty' },
      spec: { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'h', mountPath: '/h' }] }] },
    });
    expect(r.status).toBe(201);
  });

  it('reports the privileged refusal together with validation errors', async () => {
    const r = await cp.request('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'both' },
      spec: { containers: [{ name: 'a', image: '' }, { name: 'b', image: 'x', securityContext: { privileged: true } }] },
    });
    expect(r.status).toBe(422);
    expect(r.body.details.causes.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['spec.containers[0].image', 'spec.containers[1].securityContext.privileged']));
  });
});
