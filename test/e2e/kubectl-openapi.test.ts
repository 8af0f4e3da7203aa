/**
 * kubectl with its defaults against the API's OpenAPI documents, on a cluster
 * of real processes (one hollow agent): `kubectl apply` validates (it reads
 * /openapi/v3, sees that pods take `fieldValidation`, and sends Strict), so a
 * misspelled field is refused with Kubernetes' strict decoding error, `--validate=warn`
 * creates the pod and prints the server's warning, and `kubectl explain` prints
 * the fields and descriptions generated from the zod schemas.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../helpers/control-plane';
import { startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';

const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(120_000);

const misspelled = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: web
      image: podflow/web:1
      imagePullPolixy: IfNotPresent
`;

describe('kubectl apply validates and kubectl explain works from the OpenAPI documents', () => {
  const node = uniqueNodeName('oa');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubectl-openapi-'));
  let cluster: TestCluster;
  // A cache of its own, so what kubectl shows comes from this cluster's documents.
  const runKubectl = kubectlRunner(() => cluster.kubeconfig, { cwd: ROOT, flags: ['--cache-dir', path.join(dir, 'cache')] });
  const kubectl = (...args: string[]) => runKubectl(args);
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'hollow', env: { HEARTBEAT_INTERVAL_MS: '1000' } }], tls: true });
    await eventually(async () => (await kubectl('get', 'node', node)).out.includes('Ready'), 30_000, 'node Ready');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('applies the README examples (a pod, a replication controller) with validation on and prints what it created', async () => {
    expect(await kubectl('apply', '-f', 'examples/web-with-puller.yaml')).toEqual({ code: 0, out: 'pod/web-with-puller created\n', err: '' });
    const images = await kubectl('get', 'pod', 'web-with-puller', '-o', 'jsonpath={.spec.containers[*].image}');
    expect(images.out).toBe('podflow/puller:1 podflow/web:1');
    expect(await kubectl('apply', '-f', 'examples/rc-web.yaml')).toEqual({ code: 0, out: 'replicationcontroller/rc-web created\n', err: '' });
  });

  it('refuses a misspelled field with the strict decoding error naming it, and creates nothing', async () => {
    const refused = await kubectl('apply', '-f', file('typo.yaml', misspelled('typo')));
    expect(refused.code).not.toBe(0);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('Error from server (BadRequest): error when creating');
    expect(refused.err).toContain('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolixy"');
    expect((await kubectl('get', 'pod', 'typo')).err).toContain('Error from server (NotFound): pods "typo" not found');
  });

  it('creates the pod with a warning under --validate=warn, and silently under --validate=false, dropping the field', async () => {
    const warned = await kubectl('apply', '--validate=warn', '-f', file('warned.yaml', misspelled('warned')));
    expect(warned).toMatchObject({ code: 0, out: 'pod/warned created\n' });
    expect(warned.err).toContain('Warning: unknown field "spec.containers[0].imagePullPolixy"');
    const quiet = await kubectl('apply', '--validate=false', '-f', file('quiet.yaml', misspelled('quiet')));
    expect(quiet).toEqual({ code: 0, out: 'pod/quiet created\n', err: '' });
    const stored = JSON.parse((await kubectl('get', 'pod', 'quiet', '-o', 'json')).out);
    expect(stored.spec.containers[0]).not.toHaveProperty('imagePullPolixy');
  });

  it('explains pod.spec.containers: its description and the container fields with theirs', async () => {
    const explained = await kubectl('explain', 'pod.spec.containers');
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: containers <\[\]Container>/);
    expect(explained.out).toContain('List of containers belonging to the pod.');
    expect(explained.out).toMatch(/\n {2}image\t<string> -required-\n {4}Container image name\./);
    expect(explained.out).toMatch(/\n {2}imagePullPolicy\t<string>\n {2}enum: Always, IfNotPresent, Never\n {4}Image pull policy\./);
    expect(explained.out).toMatch(/\n {2}volumeMounts\t<\[\]VolumeMount>\n {4}Pod volumes to mount/);
  });

  it('explains pods at --api-version=v1, and a field that does not exist is an error', async () => {
    const explained = await kubectl('explain', 'pods', '--api-version=v1');
    expect(explained.code).toBe(0);
    expect(explained.out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Pod is a collection of containers/);
    expect(explained.out).toMatch(/\n {2}spec\t<PodSpec> -required-\n {4}Specification of the desired behavior of the pod\./);
    expect((await kubectl('explain', 'rc.spec.replicas')).out).toContain('Replicas is the number of desired replicas.');
    const missing = await kubectl('explain', 'pod.spec.nosuchfield');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('field "nosuchfield" does not exist');
  });
});
