/**
 * The log is the truth: the projections rebuilt from the topics equal the
 * live tables, and after the store's data is wiped, `rebuild --replace` brings
 * back the same pod list and the same describe history through the API.
 * Real broker and DynamoDB Local; hollow nodes stand in for Docker.
 */
import { fleetAuth } from '../../helpers/parts';
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { startHollowFleet, type HollowFleet } from '../../../agent/hollow-fleet';
import { ensureTables } from '../../../shared/adapters/dynamodb';
import { rebuildProjections } from '../../../shared/rebuild/rebuild';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';

const NS = 'default';

describe('projections rebuilt from the log', () => {
  let cp: ControlPlane;
  let fleet: HollowFleet;

  beforeAll(async () => {
    // hostPort is beyond the baseline level: the test's namespace may use it.
    cp = await startControlPlane({ SWEEP_INTERVAL_MS: '500', RC_POD_SCAN_INTERVAL_MS: '1000', POD_SECURITY_LEVELS: 'default=privileged' });
    fleet = await startHollowFleet({ auth: fleetAuth(), brokers: cp.parts.brokers, topicPrefix: cp.parts.prefix, count: 2, namePrefix: `rb-${randomUUID().slice(0, 4)}-`, heartbeatIntervalMs: 500, podSecurity: { namespaceLevels: { default: 'privileged' }, defaultLevel: 'baseline' } });
    await fleet.ready;
    await eventually(async () => (await cp.stores.nodeStore.list()).filter((n) => n.ready === 'True').length === 2, 20000, 'two Ready nodes');
  }, 90000);
  afterAll(async () => {
    await fleet?.stop();
    await cp?.stop();
  });

  const podList = async () =>
    ((await cp.request('GET', `/api/v1/namespaces/${NS}/pods`)).body.items as { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string } }[])
      .map((p) => ({ name: p.metadata.name, uid: p.metadata.uid, node: p.spec.nodeName, phase: p.status.phase }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const describeEvents = async (name: string) =>
    ((await cp.request('GET', `/api/v1/namespaces/${NS}/pods/${name}/events`)).body.items as { reason: string; message: string }[]).map((e) => `${e.reason}: ${e.message}`);

  it('rebuilds pods, history, nodes, RCs, ConfigMaps and Secrets identical to the live tables, and restores them after a wipe', async () => {
    const container = { name: 'main', image: 'podflow/base:1', command: ['sleep', '3600'], resources: { requests: { cpu: '100m', memory: '64Mi' } } };
    // keep-1 and gone hold hostPorts: the node's claims are folded from the log too, and gone's is released.
    const hostPort = { 'keep-1': 18080, 'keep-2': undefined, gone: 18081 };
    for (const [name, port] of Object.entries(hostPort)) {
      const containers = [port ? { ...container, ports: [{ containerPort: 80, hostPort: port }] } : container];
      expect((await cp.request('POST', `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers } })).status).toBe(201);
    }
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rb-web' }, spec: { replicas: 2, selector: { app: 'rb-web' }, template: { metadata: { labels: { app: 'rb-web' } }, spec: { containers: [container] } } } };
    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/replicationcontrollers`, rc)).status).toBe(201);
    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'rb-config' }, data: { a: '1' } })).status).toBe(201);
    expect((await cp.request('PUT', `/api/v1/namespaces/${NS}/configmaps/rb-config`, { metadata: { name: 'rb-config' }, data: { a: '2', b: '3' } })).status).toBe(200);
    expect((await cp.request('POST', `/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'rb-secret' }, stringData: { token: 'x'.repeat(500_000) } })).status).toBe(201);
    await eventually(async () => (await podList()).filter((p) => p.phase === 'Running').length === 5, 30000, 'five Running pods');
    expect((await cp.request('DELETE', `/api/v1/namespaces/${NS}/pods/gone`)).status).toBe(200);
    await eventually(async () => (await podList()).length === 4, 30000, 'the deleted pod gone');

    // Quiet the writers, then take what a user sees.
    await fleet.stop();
    await cp.handlers.stop();
    const before = await podList();
    const history = Object.fromEntries(await Promise.all(before.map(async (p) => [p.name, await describeEvents(p.name)] as const)));
    expect(history['keep-1'].some((e) => e.startsWith('Scheduled:'))).toBe(true);

    const claims = (await cp.stores.nodeStore.list()).flatMap((n) => Object.values(n.hostPorts ?? {}).flat());
    expect(claims).toEqual([{ protocol: 'TCP', hostIP: '0.0.0.0', hostPort: 18080 }]);
    const compared = await rebuildProjections({ kafka: cp.kafka, client: cp.stores.client, live: cp.stores.tables });
    expect(compared.sections.map((s) => ({ table: s.table, differed: s.differed, missing: s.missing, extra: s.extra }))).toEqual(
      ['Pods', 'Nodes', 'ReplicationControllers', 'ConfigObjects', 'PodHistory'].map((table) => ({ table, differed: [], missing: [], extra: [] })),
    );
    expect(compared.identical).toBe(true);
    expect(compared.sections.find((s) => s.table === 'ConfigObjects')!.matched).toBe(2);
    expect(compared.sections.find((s) => s.table === 'Pods')!.matched).toBe(4);

    // Wipe the store: the comparison now fails, and --replace restores everything from the log.
    for (const table of Object.values(cp.stores.tables)) await cp.stores.client.send(new DeleteTableCommand({ TableName: table }));
    await ensureTables(cp.stores.client, cp.stores.tables);
    expect(await podList()).toEqual([]);
    const wiped = await rebuildProjections({ kafka: cp.kafka, client: cp.stores.client, live: cp.stores.tables });
    expect(wiped.identical).toBe(false);
    const replaced = await rebuildProjections({ kafka: cp.kafka, client: cp.stores.client, live: cp.stores.tables, replace: true });
    expect(replaced.replaced).toBe(true);
    expect(await podList()).toEqual(before);
    for (const p of before) expect(await describeEvents(p.name)).toEqual(history[p.name]);
    const rcAfter = await cp.request('GET', `/api/v1/namespaces/${NS}/replicationcontrollers/rb-web`);
    expect(rcAfter.body.spec.replicas).toBe(2);
    expect((await cp.request('GET', `/api/v1/namespaces/${NS}/configmaps/rb-config`)).body.data).toEqual({ a: '2', b: '3' });
    // A Secret larger than one DynamoDB item comes back whole.
    expect((await cp.request('GET', `/api/v1/namespaces/${NS}/secrets/rb-secret`)).body.data.token).toBe(Buffer.from('x'.repeat(500_000)).toString('base64'));
    const nodes = await cp.stores.nodeStore.list();
    expect(nodes.reduce((sum, n) => sum + n.allocated.pods, 0)).toBe(4);
  }, 180000);
});
