/**
 * Image pull secrets against a real registry (Debian's docker-registry with
 * htpasswd auth on 127.0.0.1), as a kubectl user meets them on a cluster with
 * one Docker agent: `kubectl create secret docker-registry` and a pod with
 * `imagePullPolicy: Always` and `imagePullSecrets` runs; the same image
 * without the secret waits in ErrImagePull / ImagePullBackOff with the
 * kubelet's events; a pod whose secret appears later recovers on its next
 * pull.
 */
import Docker from 'dockerode';
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';
import { startRegistry, type TestRegistry } from '../helpers/registry';

jest.setTimeout(180_000);

const pod = (name: string, image: string, secret?: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1${secret ? `\n  imagePullSecrets: [{name: ${secret}}]` : ''}
  containers:
    - name: main
      image: ${image}
      imagePullPolicy: Always
      command: ["sleep", "3600"]
`;

describe('image pull secrets', () => {
  const node = uniqueNodeName('pull');
  let cluster: TestCluster;
  let registry: TestRegistry;
  let image: string;
  const kubectl = kubectlRunner(() => cluster.kubeconfig);
  const waiting = async (name: string) => (await kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}'])).out;
  const phase = async (name: string) => (await kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).out;
  const createSecret = (name: string) =>
    kubectl(['create', 'secret', 'docker-registry', name, `--docker-server=${registry.host}`, `--docker-username=${registry.username}`, `--docker-password=${registry.password}`]);

  beforeAll(async () => {
    registry = await startRegistry();
    image = await registry.push('podflow/base:1', 'pf-e2e/base:1');
    cluster = await startTestCluster({
      agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000', BACKOFF_INITIAL_MS: '1000', BACKOFF_MAX_MS: '4000' } }],
      tls: true,
    });
    await eventually(async () => (await kubectl(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).out === 'True', 30_000, 'node Ready');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
    await new Docker().getImage(image).remove({ noprune: true }).catch(() => undefined);
    await registry?.stop();
  });

  it('runs a pod whose imagePullSecrets hold the registry credentials', async () => {
    expect(await createSecret('regcred')).toMatchObject({ code: 0, out: 'secret/regcred created\n' });
    const applied = await kubectl(['apply', '-f', '-'], pod('with-secret', image, 'regcred'));
    expect(applied).toMatchObject({ code: 0, err: '' }); // imagePullSecrets are honoured: no Warning
    await eventually(async () => (await phase('with-secret')) === 'Running', 60_000, 'with-secret Running');
    expect((await kubectl(['describe', 'pod', 'with-secret'])).out).toContain(`Successfully pulled image "${image}"`);
  });

  it('leaves a pod without the secret in ErrImagePull, then ImagePullBackOff', async () => {
    expect((await kubectl(['apply', '-f', '-'], pod('without-secret', image))).code).toBe(0);
    await eventually(async () => (await waiting('without-secret')) === 'ImagePullBackOff', 60_000, 'without-secret in ImagePullBackOff');
    expect((await kubectl(['get', 'pod', 'without-secret'])).out).toMatch(/^without-secret\s+0\/1\s+(ImagePullBackOff|ErrImagePull)\s/m);
    const described = (await kubectl(['describe', 'pod', 'without-secret'])).out;
    expect(described).toMatch(new RegExp(`Failed to pull image "${image}": Error response from daemon: Head "[^"]+": no basic auth credentials`));
    expect(described).toContain('Error: ErrImagePull');
    const message = (await kubectl(['get', 'pod', 'without-secret', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}'])).out;
    expect(message).toBe(`Back-off pulling image "${image}"`);
    expect(await phase('without-secret')).toBe('Pending');
  });

  it('pulls once the named secret exists', async () => {
    expect((await kubectl(['apply', '-f', '-'], pod('late', image, 'late-cred'))).code).toBe(0);
    await eventually(async () => ['ErrImagePull', 'ImagePullBackOff'].includes(await waiting('late')), 60_000, 'late failing to pull');
    expect((await kubectl(['describe', 'pod', 'late'])).out).toContain('Unable to retrieve some image pull secrets (late-cred); attempting to pull the image may not succeed.');
    expect((await createSecret('late-cred')).code).toBe(0);
    await eventually(async () => (await phase('late')) === 'Running', 60_000, 'late Running once its secret exists');
  });
});
