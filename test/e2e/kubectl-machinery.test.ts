/**
 * The API machinery kubectl and the official client rely on, driven by the
 * real tools against a cluster with one Docker agent: `kubectl wait` for a
 * condition that already holds and for deletion, watches that answer their
 * headers before any event (the official client's Watch from an empty
 * selection), DELETE with a JSON content type and no body, bad query
 * parameters as 400 Status, pagination, server-side dry run, events as a
 * table across namespaces and watched, and replication controllers' columns.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(120_000);

describe('API machinery through kubectl and the official client', () => {
  const node = uniqueNodeName('km');
  let cluster: TestCluster;
  const runKubectl = kubectlRunner(() => cluster.kubeconfig);
  const kubectl = (...args: string[]) => runKubectl(args);
  const api = (method: string, p: string, init: { body?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) =>
    fetch(`${cluster.apiUrl}${p}`, { method, body: init.body, signal: init.signal, headers: { authorization: `Bearer ${cluster.token}`, ...init.headers } });
  const podManifest = (name: string, labels: Record<string, string> = {}) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'web', image: 'podflow/web:1' }] } });

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000' } }], tls: true });
    await eventually(async () => (await kubectl('get', 'node', node)).out.includes('Ready'), 30_000, 'node Ready');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
  });

  it('kubectl wait returns for a condition that already holds, and for deletion', async () => {
    expect((await kubectl('run', 'waited', '--image=podflow/web:1')).out).toBe('pod/waited created\n');
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/waited', '--timeout=60s')).toMatchObject({ code: 0, out: 'pod/waited condition met\n' });
    // Again, now that Ready is already True: the watch must open (headers at once) for kubectl to decide.
    expect(await kubectl('wait', '--for=condition=Ready', 'pod/waited', '--timeout=30s')).toMatchObject({ code: 0, out: 'pod/waited condition met\n' });
    expect((await kubectl('delete', 'pod', 'waited', '--wait=false')).code).toBe(0);
    expect(await kubectl('wait', '--for=delete', 'pod/waited', '--timeout=60s')).toMatchObject({ code: 0 });
    expect((await kubectl('get', 'pod', 'waited')).err).toContain('pods "waited" not found');
  });

  it('opens a watch at once even when nothing matches, and the official client watches from empty, creates and deletes', async () => {
    const controller = new AbortController();
    const res = await api('GET', '/api/v1/namespaces/default/pods?watch=true&labelSelector=app%3Dnothing-yet', { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    controller.abort();

    const script = `import * as k8s from '@kubernetes/client-node';
      const kc = new k8s.KubeConfig(); kc.loadFromFile(process.argv[1]);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const seen = [];
      let added;
      const arrived = new Promise((resolve) => (added = resolve));
      const req = await new k8s.Watch(kc).watch('/api/v1/namespaces/default/pods', { labelSelector: 'app=from-client' },
        (type, pod) => { seen.push(type + ' ' + pod.metadata.name); if (type === 'ADDED') added(); }, () => undefined);
      seen.push('watching');
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'from-client', labels: { app: 'from-client' } }, spec: { containers: [{ name: 'web', image: 'podflow/web:1' }] } } });
      await arrived;
      const read = await core.readNamespacedPod({ namespace: 'default', name: 'from-client' });
      const listed = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=from-client' });
      const patched = await core.patchNamespacedPod({ namespace: 'default', name: 'from-client', body: { metadata: { labels: { tier: 'front' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      const deleted = await core.deleteNamespacedPod({ namespace: 'default', name: 'from-client' });
      req.abort();
      console.log(JSON.stringify({ seen, read: read.metadata.uid, listed: listed.items.map((p) => p.metadata.name), labels: patched.metadata.labels, deleted: deleted.metadata.name }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, cluster.kubeconfig], { cwd: ROOT, timeout: 60_000 });
    const result = JSON.parse(stdout) as { seen: string[]; read: string; listed: string[]; labels: Record<string, string>; deleted: string };
    expect(result.seen.slice(0, 2)).toEqual(['watching', 'ADDED from-client']);
    expect(result.read).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.listed).toEqual(['from-client']);
    expect(result.labels).toEqual({ app: 'from-client', tier: 'front' });
    expect(result.deleted).toBe('from-client');
  });

  it('accepts a DELETE with a JSON content type and no body, and DeleteOptions in the body', async () => {
    for (const name of ['del-empty', 'del-options']) expect((await api('POST', '/api/v1/namespaces/default/pods', { body: podManifest(name), headers: { 'content-type': 'application/json' } })).status).toBe(201);
    const empty = await api('DELETE', '/api/v1/namespaces/default/pods/del-empty', { headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(200);
    const stale = await api('DELETE', '/api/v1/namespaces/default/pods/del-options', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { resourceVersion: '1' } }),
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { message: string }).message).toContain('Precondition failed: ResourceVersion in precondition: 1');
    const ok = await api('DELETE', '/api/v1/namespaces/default/pods/del-options', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gracePeriodSeconds: 0, propagationPolicy: 'Background' }) });
    expect(ok.status).toBe(200);
  });

  it('answers bad query parameters with a 400 Status naming them', async () => {
    const maybe = await api('GET', '/api/v1/namespaces/default/pods?watch=maybe');
    expect(maybe.status).toBe(400);
    expect(await maybe.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringContaining('"watch"') });
    const field = await kubectl('get', 'pods', '--field-selector', 'spec.nonsense=1');
    expect(field.code).toBe(1);
    expect(field.err).toContain('field label not supported: spec.nonsense');
    expect((await api('GET', '/api/v1/pods?limit=-1')).status).toBe(400);
  });

  it('pages a list with limit and continue, as kubectl --chunk-size does', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      expect((await api('POST', '/api/v1/namespaces/default/pods?dryRun=All', { body: podManifest(name), headers: { 'content-type': 'application/json' } })).status).toBe(201);
      expect((await api('POST', '/api/v1/namespaces/default/pods', { body: podManifest(name, { app: 'paged' }), headers: { 'content-type': 'application/json' } })).status).toBe(201);
    }
    const first = (await (await api('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged&limit=2')).json()) as { items: { metadata: { name: string } }[]; metadata: { continue?: string; remainingItemCount?: number } };
    expect(first.items.map((p) => p.metadata.name)).toEqual(['page-a', 'page-b']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = (await (await api('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dpaged&limit=2&continue=${first.metadata.continue}`)).json()) as { items: { metadata: { name: string } }[]; metadata: { continue?: string } };
    expect(second.items.map((p) => p.metadata.name)).toEqual(['page-c']);
    expect(second.metadata.continue).toBeUndefined();
    const chunked = await kubectl('get', 'pods', '-l', 'app=paged', '--chunk-size=1', '-o', 'name');
    expect(chunked.out).toBe('pod/page-a\npod/page-b\npod/page-c\n');
  });

  it('honours --dry-run=server on create and delete: nothing is created or deleted', async () => {
    const created = await kubectl('run', 'dry-only', '--image=podflow/web:1', '--dry-run=server', '-o', 'jsonpath={.metadata.name} {.metadata.uid}');
    expect(created.out).toMatch(/^dry-only [0-9a-f-]{36}$/);
    expect((await kubectl('get', 'pod', 'dry-only')).err).toContain('pods "dry-only" not found');
    expect((await kubectl('delete', 'pod', 'page-a', '--dry-run=server')).out).toBe('pod "page-a" deleted (server dry run)\n');
    expect((await kubectl('get', 'pod', 'page-a', '-o', 'name')).out).toBe('pod/page-a\n');
    const refused = await kubectl('run', 'page-b', '--image=podflow/web:1', '--dry-run=server');
    expect(refused.err).toContain('pods "page-b" already exists');
  });

  it('serves events as a table, across namespaces, and as a watch (kubectl get events -w, kubectl events)', async () => {
    const table = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=page-a');
    expect(table.out.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(table.out).toMatch(/Normal\s+Accepted\s+pod\/page-a\s+Pod default\/page-a accepted with uid/);
    const all = await kubectl('get', 'events', '-A', '-o', 'wide');
    expect(all.out.split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    expect(all.out).toMatch(/default\s+\S+\s+Normal\s+Scheduled\s+pod\/page-a\s+default-scheduler\s+Successfully assigned default\/page-a to /);
    expect((await kubectl('events', '--for', 'pod/page-a')).out).toMatch(/Normal\s+Scheduled\s+Pod\/page-a\s+Successfully assigned/);

    const watch = (args: string[]) => {
      const child = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return { child, out: () => out };
    };
    const getWatch = watch(['get', 'events', '-w', '--watch-only']);
    const eventsWatch = watch(['events', '-w']);
    try {
      await new Promise((r) => setTimeout(r, 2000)); // both watches open before the pod exists
      expect((await kubectl('run', 'watched', '--image=podflow/web:1')).code).toBe(0);
      await eventually(async () => /Normal\s+Started\s+pod\/watched\s+Started container watched/.test(getWatch.out()), 60_000, 'get events -w shows the new pod starting');
      await eventually(async () => /Normal\s+Scheduled\s+Pod\/watched\s+Successfully assigned default\/watched/.test(eventsWatch.out()), 30_000, 'kubectl events -w shows it too');
      expect(getWatch.out()).not.toContain('pod/page-a');
    } finally {
      getWatch.child.kill();
      eventsWatch.child.kill();
    }
  });

  it('prints replication controllers in their columns, also -o wide', async () => {
    const file = path.join(cluster.stateDir, 'rc.yaml');
    writeFileSync(file, `apiVersion: v1
kind: ReplicationController
metadata: { name: rc-cols }
spec:
  replicas: 1
  selector: { app: rc-cols }
  template:
    metadata: { labels: { app: rc-cols } }
    spec:
      containers: [{ name: web, image: 'podflow/web:1' }]
`);
    expect((await kubectl('apply', '-f', file, '--dry-run=server')).out).toBe('replicationcontroller/rc-cols created (server dry run)\n');
    expect((await kubectl('get', 'rc', 'rc-cols')).err).toContain('replicationcontrollers "rc-cols" not found');
    expect((await kubectl('apply', '-f', file)).out).toBe('replicationcontroller/rc-cols created\n');
    const table = await eventually(async () => {
      const r = await kubectl('get', 'rc', 'rc-cols');
      return /rc-cols\s+1\s+1\s+1\s+\d+s/.test(r.out) && r.out;
    }, 60_000, 'the rc with one ready replica');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const wide = await kubectl('get', 'rc', '-o', 'wide');
    expect(wide.out.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide.out).toMatch(/rc-cols\s+1\s+1\s+1\s+\S+\s+web\s+podflow\/web:1\s+app=rc-cols/);
    expect((await kubectl('scale', 'rc', 'rc-cols', '--replicas=3', '--dry-run=server')).out).toBe('replicationcontroller/rc-cols scaled (server dry run)\n');
    expect((await kubectl('delete', 'rc', 'rc-cols', '--dry-run=server')).out).toBe('replicationcontroller "rc-cols" deleted (server dry run)\n');
    expect((await kubectl('get', 'rc', 'rc-cols', '-o', 'jsonpath={.spec.replicas}')).out).toBe('1');
    expect((await kubectl('delete', 'rc', 'rc-cols')).code).toBe(0);
  });
});
