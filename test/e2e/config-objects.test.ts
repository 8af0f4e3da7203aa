/**
 * ConfigMaps and Secrets on a real cluster (broker, DynamoDB Local, handlers,
 * API, one Docker agent), driven with the real kubectl: `kubectl create
 * configmap/secret` and get/describe/patch/delete; the example pod reading
 * both as env and as files; a ConfigMap change reaching the running
 * container's files; the Secret's files on a tmpfs; a missing reference
 * leaving the container in CreateContainerConfigError until the object
 * appears; immutability and the 1 MiB limit; and no Secret value in any log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';
import type { Pod } from '../../shared/pod/schema';
import { runPodctl } from '../../bin/podctl/program';

jest.setTimeout(240_000);

const EXAMPLE = path.join(__dirname, '../../examples/pod-with-config.yaml');
const SECRET_VALUE = 's3cret-from-a-Secret';
const CLI_SECRET = 'cli-pa55word';

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: waits-for-config}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: podflow/base:1
      command: [sh, -c, 'echo "level=$LEVEL"; exec sleep 3600']
      env:
        - name: LEVEL
          valueFrom: {configMapKeyRef: {name: late-config, key: level}}
        - name: MAYBE
          valueFrom: {secretKeyRef: {name: no-such-secret, key: x, optional: true}}
---
apiVersion: v1
kind: Pod
metadata: {name: projected-reader}
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: podflow/base:1
      command: [sleep, "3600"]
      volumeMounts: [{name: all, mountPath: /etc/all}]
  volumes:
    - name: all
      projected:
        sources:
          - configMap: {name: web-config, items: [{key: greeting, path: config/greeting}]}
          - secret: {name: web-credentials, items: [{key: password, path: secret/password}]}
          - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('ConfigMaps and Secrets with kubectl on a Docker node', () => {
  let cluster: TestCluster;
  const node = uniqueNodeName('cfg');
  const kubectl = kubectlRunner(() => cluster.kubeconfig);
  const getPod = async (name: string) => JSON.parse((await kubectl(['get', 'pod', name, '-o', 'json'])).out) as Pod;
  const podctl = async (args: string[]) => {
    let out = '';
    const code = await runPodctl(args, { io: { out: (t) => void (out += t), err: (t) => void (out += t), readStdin: () => '' }, writeRaw: () => undefined, env: { KUBECONFIG: cluster.kubeconfig }, cwd: cluster.stateDir });
    return { code, out };
  };
  const until = (what: string, check: () => Promise<boolean>) => eventually(check, 90_000, what);

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000', BACKOFF_INITIAL_MS: '1000', BACKOFF_MAX_MS: '2000', RESYNC_INTERVAL_MS: '1000', CONFIG_CACHE_TTL_MS: '500' } }], tls: true });
    await until('node Ready', async () => (await kubectl(['get', 'node', node])).out.includes(' Ready'));
  }, 180_000);

  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
  });

  it('creates, lists, describes and deletes ConfigMaps and Secrets as kubectl users expect, never printing a Secret value', async () => {
    expect(await kubectl(['create', 'configmap', 'cli-config', '--from-literal=color=blue', '--from-literal=size=10'])).toMatchObject({ code: 0, out: 'configmap/cli-config created\n' });
    expect(await kubectl(['create', 'secret', 'generic', 'cli-secret', `--from-literal=password=${CLI_SECRET}`])).toMatchObject({ code: 0, out: 'secret/cli-secret created\n' });
    expect((await kubectl(['get', 'configmap', 'cli-config', '--no-headers'])).out).toMatch(/^cli-config\s+2\s+\d+s\n$/);
    expect((await kubectl(['get', 'secrets', '--no-headers'])).out).toMatch(/^cli-secret\s+Opaque\s+1\s+\d+s\n$/m);
    expect((await kubectl(['get', 'configmap', 'cli-config', '-o', 'jsonpath={.data.color}'])).out).toBe('blue');
    expect((await kubectl(['get', 'secret', 'cli-secret', '-o', 'jsonpath={.data.password}'])).out).toBe(Buffer.from(CLI_SECRET).toString('base64'));
    const described = (await kubectl(['describe', 'secret', 'cli-secret'])).out;
    expect(described).toMatch(/password:\s+12 bytes/);
    expect(described).not.toContain(CLI_SECRET);
    expect((await kubectl(['get', 'configmaps', '-l', 'nothing=here'])).err).toContain('No resources found');
    // podctl reads them the same way.
    expect((await podctl(['get', 'cm'])).out).toMatch(/^NAME\s+DATA\s+AGE\ncli-config\s+2\s+\d+s\n/);
    const podctlSecret = await podctl(['describe', 'secret', 'cli-secret']);
    expect(podctlSecret).toMatchObject({ code: 0 });
    expect(podctlSecret.out).toMatch(/Type:\s+Opaque\n\nData\n====\npassword:\s+12 bytes\n/);
    expect(podctlSecret.out).not.toContain(CLI_SECRET);
    expect((await podctl(['describe', 'configmap', 'cli-config'])).out).toContain('color:\n----\nblue\n');
    const applied = await runPodctl(['apply', '-f', '-'], { io: { out: () => undefined, err: () => undefined, readStdin: () => 'apiVersion: v1\nkind: Secret\nmetadata: {name: podctl-secret}\nstringData: {token: abc}\n' }, writeRaw: () => undefined, env: { KUBECONFIG: cluster.kubeconfig }, cwd: cluster.stateDir });
    expect(applied).toBe(0);
    expect((await kubectl(['get', 'secret', 'podctl-secret', '-o', 'jsonpath={.data.token}'])).out).toBe('YWJj');
    expect((await podctl(['delete', 'secret', 'podctl-secret'])).out).toBe('secret "podctl-secret" deleted\n');
    expect(await kubectl(['delete', 'configmap', 'cli-config'])).toMatchObject({ code: 0, out: 'configmap "cli-config" deleted\n' });
    expect((await kubectl(['get', 'configmap', 'cli-config'])).err).toContain('configmaps "cli-config" not found');
    expect((await kubectl(['create', 'secret', 'generic', 'cli-secret', '--from-literal=a=b'])).err).toContain('secrets "cli-secret" already exists');
  });

  it('runs the example pod: env from a ConfigMap and a Secret, their files, the Secret on a tmpfs', async () => {
    expect(await kubectl(['apply', '-f', EXAMPLE])).toMatchObject({ code: 0 });
    expect((await kubectl(['wait', '--for=condition=Ready', 'pod/config-reader', '--timeout=90s'])).code).toBe(0);
    expect((await kubectl(['logs', 'config-reader'])).out).toBe('hello from a ConfigMap\nmode=production\nthe password has 20 characters\n');
    expect((await kubectl(['exec', 'config-reader', '--', 'cat', '/etc/web/greeting'])).out).toBe('hello from a ConfigMap');
    expect((await kubectl(['exec', 'config-reader', '--', 'cat', '/etc/credentials/password'])).out).toBe(SECRET_VALUE);
    // defaultMode 0400 on the file behind the symlink, as the kubelet writes it.
    expect((await kubectl(['exec', 'config-reader', '--', 'stat', '-L', '-c', '%a', '/etc/credentials/password'])).out.trim()).toBe('400');
    const mounts = (await kubectl(['exec', 'config-reader', '--', 'cat', '/proc/mounts'])).out.split('\n');
    expect(mounts.find((m) => m.split(' ')[1] === '/etc/credentials')?.split(' ')[2]).toBe('tmpfs');
    expect(mounts.find((m) => m.split(' ')[1] === '/etc/web')?.split(' ')[2]).not.toBe('tmpfs');
  });

  it('updates a mounted ConfigMap in the running container after the object changes', async () => {
    await until('config-reader Ready', async () => (await getPod('config-reader')).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
    const patched = await kubectl(['patch', 'configmap', 'web-config', '-p', '{"data":{"greeting":"changed while running"}}']);
    expect(patched).toMatchObject({ code: 0, out: 'configmap/web-config patched\n' });
    await until('file follows the ConfigMap', async () => (await kubectl(['exec', 'config-reader', '--', 'cat', '/etc/web/greeting'])).out === 'changed while running');
    // Env is read once, when the container starts, as in Kubernetes.
    expect((await kubectl(['exec', 'config-reader', '--', 'sh', '-c', 'echo $GREETING'])).out).toBe('hello from a ConfigMap\n');
  });

  it('projects a ConfigMap key, a Secret key and the pod name into one volume', async () => {
    expect(await kubectl(['apply', '-f', '-'], pods)).toMatchObject({ code: 0 });
    expect((await kubectl(['wait', '--for=condition=Ready', 'pod/projected-reader', '--timeout=90s'])).code).toBe(0);
    const shown = await kubectl(['exec', 'projected-reader', '--', 'sh', '-c', 'cat /etc/all/secret/password; echo; cat /etc/all/name; echo; ls /etc/all']);
    expect(shown.out).toBe(`${SECRET_VALUE}\nprojected-reader\nconfig\nname\nsecret\n`);
  });

  it('leaves a container that names a missing ConfigMap in CreateContainerConfigError, and starts it once the ConfigMap exists', async () => {
    await until('CreateContainerConfigError', async () => (await getPod('waits-for-config')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    const waiting = (await getPod('waits-for-config')).status?.containerStatuses?.[0]?.state?.waiting;
    expect(waiting?.message).toBe('configmap "late-config" not found');
    expect((await kubectl(['get', 'pod', 'waits-for-config', '--no-headers'])).out).toMatch(/^waits-for-config\s+0\/1\s+CreateContainerConfigError\s/);
    expect((await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=waits-for-config'])).out).toContain('Error: configmap "late-config" not found');

    expect(await kubectl(['create', 'configmap', 'late-config', '--from-literal=other=1'])).toMatchObject({ code: 0 });
    await until('missing key reported', async () => (await getPod('waits-for-config')).status?.containerStatuses?.[0]?.state?.waiting?.message === "couldn't find key level in ConfigMap default/late-config");

    expect(await kubectl(['patch', 'configmap', 'late-config', '-p', '{"data":{"level":"debug"}}'])).toMatchObject({ code: 0 });
    expect((await kubectl(['wait', '--for=condition=Ready', 'pod/waits-for-config', '--timeout=60s'])).code).toBe(0);
    expect((await kubectl(['logs', 'waits-for-config'])).out).toBe('level=debug\n');
    // The optional reference to a missing Secret leaves its variable unset, not empty.
    expect((await kubectl(['exec', 'waits-for-config', '--', 'sh', '-c', 'echo ${MAYBE-unset}'])).out).toBe('unset\n');
  });

  it('refuses to change an immutable ConfigMap, a Secret type, or a payload over 1 MiB, and stores a large one whole', async () => {
    const immutable = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen}\nimmutable: true\ndata: {a: "1"}\n';
    expect(await kubectl(['apply', '-f', '-'], immutable)).toMatchObject({ code: 0 });
    const refused = await kubectl(['patch', 'configmap', 'frozen', '-p', '{"data":{"a":"2"}}']);
    expect(refused.err).toContain('The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    const retyped = await kubectl(['patch', 'secret', 'web-credentials', '-p', '{"type":"kubernetes.io/basic-auth"}']);
    expect(retyped.err).toContain('type: Invalid value: "kubernetes.io/basic-auth": field is immutable');

    const big = 'x'.repeat(900 * 1024);
    const created = await cluster.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'large' }, data: { big } });
    expect(created.status).toBe(201);
    const read = await cluster.request('GET', '/api/v1/namespaces/default/configmaps/large');
    expect((read.body as { data: { big: string } }).data.big).toBe(big);
    const tooBig = await cluster.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'too-large' }, data: { a: big, b: big } });
    expect(tooBig.status).toBe(422);
    expect((tooBig.body as { message: string }).message).toContain('Too long: must have at most 1048576 bytes');
    const badKey = await kubectl(['create', 'configmap', 'bad-key', '--from-literal=no/slash=1']);
    expect(badKey.err).toMatch(/a valid config key must consist of alphanumeric characters|is not a valid key name/);
  });

  it('writes no Secret value into any log of the cluster', () => {
    const logs = filesUnder(path.join(cluster.stateDir, 'logs'));
    expect(logs.length).toBeGreaterThan(3);
    for (const file of logs) {
      const text = readFileSync(file, 'utf8');
      expect({ file, leaks: text.includes(SECRET_VALUE) || text.includes(CLI_SECRET) }).toEqual({ file, leaks: false });
    }
  });
});
