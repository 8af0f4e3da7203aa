/**
 * Admission everywhere, on the real broker, store and control plane with the
 * default policy (privileged containers off, every namespace `baseline`): the
 * ways to root from the default namespace are refused at the API, in a
 * replication controller's template (create and update), in a create
 * published on pod-events from outside the API, and in an RC published on
 * rc-events from outside it, whose controller then creates nothing and says
 * why. The agent's own check is in test/integration/agent/security.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { makeEvent, TOPICS, type PodCreateRequested, type PodRequestRejected, type RcCreateRequested } from '../../shared/events';
import { startControlPlane, eventually, type ControlPlane } from '../helpers/control-plane';
import { collect } from '../helpers/events';

jest.setTimeout(120_000);

type Cause = { reason: string; field: string; message: string };
const causesOf = (body: { details?: { causes?: Cause[] } }) => body.details?.causes ?? [];
const container = (securityContext?: object, extra: object = {}) => ({ name: 'app', image: 'podflow/base:1', ...(securityContext ? { securityContext } : {}), ...extra });
const rcBody = (name: string, securityContext?: object) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name },
  spec: { replicas: 1, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [container(securityContext)] } } },
});

describe('admission on every path (default policy: baseline everywhere)', () => {
  let cp: ControlPlane;
  let changes: Awaited<ReturnType<typeof collect>>;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    cp = await startControlPlane({ SWEEP_INTERVAL_MS: '500' });
    changes = await collect(cp.kafka, TOPICS.podChanges);
  }, 120_000);

  afterAll(async () => {
    await changes?.stop();
    await cp?.stop();
  });

  it.each<[string, object, Cause]>([
    ['every capability', container({ capabilities: { add: ['ALL'] } }), { reason: 'FieldValueForbidden', field: 'spec.containers[0].securityContext.capabilities.add[0]', message: 'Forbidden: disallowed by cluster policy' }],
    ['SYS_ADMIN', container({ capabilities: { add: ['SYS_ADMIN'] } }), { reason: 'FieldValueForbidden', field: 'spec.containers[0].securityContext.capabilities.add[0]', message: 'Forbidden: disallowed by cluster policy' }],
    [
      'a hostPort',
      container(undefined, { ports: [{ containerPort: 80, hostPort: 8080 }] }),
      { reason: 'FieldValueForbidden', field: 'spec.containers[0].ports[0].hostPort', message: 'Forbidden: violates PodSecurity "baseline": hostPort (container "app" uses hostPort 8080)' },
    ],
  ])('refuses a pod in the default namespace asking for %s: 422 with the field, nothing stored', async (what, c, cause) => {
    const name = `root-${what.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${suffix}`.replace(/-+/g, '-');
    const r = await cp.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name }, spec: { containers: [c] } });
    expect(r.status).toBe(422);
    expect(causesOf(r.body)).toEqual([cause]);
    expect((await cp.request('GET', `/api/v1/namespaces/default/pods/${name}`)).status).toBe(404);
  });

  it('admits the baseline capabilities in the default namespace', async () => {
    const name = `caps-ok-${suffix}`;
    const r = await cp.request('POST', '/api/v1/namespaces/default/pods', { metadata: { name }, spec: { containers: [container({ capabilities: { add: ['NET_BIND_SERVICE'], drop: ['NET_RAW'] } })] } });
    expect(r.status).toBe(201);
  });

  it('refuses a replication controller whose template is privileged, at create and at update, at the template paths', async () => {
    const created = await cp.request('POST', '/api/v1/namespaces/default/replicationcontrollers', rcBody(`priv-rc-${suffix}`, { privileged: true }));
    expect(created.status).toBe(422);
    expect(causesOf(created.body)).toEqual([{ reason: 'FieldValueForbidden', field: 'spec.template.spec.containers[0].securityContext.privileged', message: 'Forbidden: disallowed by cluster policy' }]);
    expect((await cp.request('GET', `/api/v1/namespaces/default/replicationcontrollers/priv-rc-${suffix}`)).status).toBe(404);

    const name = `plain-rc-${suffix}`;
    expect((await cp.request('POST', '/api/v1/namespaces/default/replicationcontrollers', { ...rcBody(name), spec: { ...rcBody(name).spec, replicas: 0 } })).status).toBe(201);
    const patched = await fetch(`${cp.api.url}/api/v1/namespaces/default/replicationcontrollers/${name}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${cp.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { template: { spec: { containers: [container({ capabilities: { add: ['ALL'] } })] } } } }),
    });
    expect(patched.status).toBe(422);
    expect(causesOf((await patched.json()) as object).map((c) => c.field)).toEqual(['spec.template.spec.containers[0].securityContext.capabilities.add[0]']);
    const current = await cp.request('GET', `/api/v1/namespaces/default/replicationcontrollers/${name}`);
    expect(current.body.spec.template.spec.containers[0].securityContext).toBeUndefined();
    const put = await cp.request('PUT', `/api/v1/namespaces/default/replicationcontrollers/${name}`, rcBody(name, { privileged: true }));
    expect(put.status).toBe(422);
  });

  it('answers a privileged create published on pod-events from outside the API with a rejection on pod-changes, and stores nothing', async () => {
    const name = `outside-${suffix}`;
    const id = `outside-${randomBytes(6).toString('hex')}`;
    const create = makeEvent<PodCreateRequested>(
      'PodCreateRequested',
      `default/${name}`,
      { pod: { metadata: { name, namespace: 'default' }, spec: { containers: [container({ privileged: true })] } } },
      { source: 'outside-producer', time: new Date(), id },
    );
    await cp.publisher.publish(TOPICS.podEvents, [create]);
    const rejected = await eventually(async () => changes.events.find((e): e is PodRequestRejected => e.type === 'PodRequestRejected' && e.causationId === id), 20_000, 'the rejection');
    expect(rejected.data.status).toMatchObject({ code: 422, reason: 'Invalid', details: { causes: [{ field: 'spec.containers[0].securityContext.privileged', message: 'Forbidden: disallowed by cluster policy' }] } });
    expect((await cp.request('GET', `/api/v1/namespaces/default/pods/${name}`)).status).toBe(404);
  });

  it('creates no pod for a privileged template that reached rc-events from outside the API: the RC says why (ReplicaFailure)', async () => {
    const name = `outside-rc-${suffix}`;
    const manifest = { ...rcBody(name, { capabilities: { add: ['SYS_ADMIN'] } }), metadata: { name, namespace: 'default' } };
    const create = makeEvent<RcCreateRequested>('ReplicationControllerCreateRequested', `default/${name}`, { rc: manifest as RcCreateRequested['data']['rc'] }, { source: 'outside-producer', time: new Date(), id: `rc-${randomBytes(6).toString('hex')}` });
    await cp.publisher.publish(TOPICS.rcEvents, [create]);
    const rc = await eventually(async () => {
      const r = await cp.request('GET', `/api/v1/namespaces/default/replicationcontrollers/${name}`);
      return r.status === 200 && r.body.status.conditions ? r.body : undefined;
    }, 20_000, 'the ReplicaFailure condition');
    expect(rc.status.conditions).toEqual([
      expect.objectContaining({
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: `Error creating: pods "${name}-" is forbidden: spec.containers[0].securityContext.capabilities.add[0]: Forbidden: disallowed by cluster policy`,
      }),
    ]);
    await new Promise((r) => setTimeout(r, 1500)); // a few sweeps
    const pods = await cp.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${name}`);
    expect(pods.body.items).toEqual([]);
  });
});
