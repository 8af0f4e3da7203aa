/**
 * Taints and tolerations as a kubectl user meets them, on a cluster with one
 * Docker agent: `kubectl taint` adds a NoSchedule taint (kept in the log and
 * the Nodes table), a pod without a toleration stays Pending with
 * kube-scheduler's reason while one that tolerates the taint runs, a NoExecute
 * taint evicts the running pod that does not tolerate it, and removing the
 * taints (`key:Effect-`) lets the Pending pod run.
 */
import { eventually } from '../helpers/control-plane';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { kubectlRunner } from '../helpers/kubectl';

jest.setTimeout(180_000);

const pod = (name: string, tolerations = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1${tolerations}
  containers:
    - name: main
      image: podflow/base:1
      command: ["sleep", "3600"]
`;

describe('kubectl taint', () => {
  const node = uniqueNodeName('taint');
  let cluster: TestCluster;
  const kubectl = kubectlRunner(() => cluster.kubeconfig);
  const jsonpath = async (what: string, path: string) => (await kubectl(['get', ...what.split(' '), '-o', `jsonpath=${path}`])).out;
  const phase = (name: string) => jsonpath(`pod ${name}`, '{.status.phase}');

  beforeAll(async () => {
    cluster = await startTestCluster({
      agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000' } }],
      tls: true,
      env: { SWEEP_INTERVAL_MS: '1000', UNSCHEDULABLE_RETRY_MS: '2000' },
    });
    await eventually(async () => (await jsonpath(`node ${node}`, '{.status.conditions[?(@.type=="Ready")].status}')) === 'True', 30_000, 'node Ready');
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
  });

  it('keeps an untolerating pod Pending with the reason and runs a tolerating one', async () => {
    expect(await kubectl(['taint', 'nodes', node, 'dedicated=gpu:NoSchedule'])).toMatchObject({ code: 0, out: `node/${node} tainted\n` });
    expect(JSON.parse(await jsonpath(`node ${node}`, '{.spec.taints}'))).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);

    expect((await kubectl(['apply', '-f', '-'], pod('plain'))).code).toBe(0);
    const toleration = '\n  tolerations:\n    - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}';
    const applied = await kubectl(['apply', '-f', '-'], pod('tolerant', toleration));
    expect(applied).toMatchObject({ code: 0, err: '' }); // tolerations are honoured: no Warning
    await eventually(async () => (await phase('tolerant')) === 'Running', 60_000, 'tolerant Running');

    const reason = await eventually(async () => {
      const message = await jsonpath('pod plain', '{.status.conditions[?(@.type=="PodScheduled")].message}');
      return message.includes('untolerated') && message;
    }, 30_000, 'plain unschedulable');
    expect(reason).toBe('0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}.');
    expect(await phase('plain')).toBe('Pending');
    expect((await kubectl(['describe', 'pod', 'plain'])).out).toMatch(/FailedScheduling\s+.*node\(s\) had untolerated taint \{dedicated: gpu\}/);
  });

  it('evicts a running pod that does not tolerate a NoExecute taint', async () => {
    expect(await kubectl(['taint', 'nodes', node, 'maint=now:NoExecute'])).toMatchObject({ code: 0, out: `node/${node} tainted\n` });
    const taints = JSON.parse(await jsonpath(`node ${node}`, '{.spec.taints}')) as { key: string; timeAdded?: string }[];
    expect(taints.map((t) => t.key).sort()).toEqual(['dedicated', 'maint']);
    expect(taints.find((t) => t.key === 'maint')?.timeAdded).toEqual(expect.any(String));
    await eventually(async () => (await kubectl(['get', 'pod', 'tolerant'])).err.includes('NotFound'), 30_000, 'tolerant evicted');
    expect(await phase('plain')).toBe('Pending');
  });

  it('removes the taints with key:Effect- and the Pending pod runs', async () => {
    expect(await kubectl(['taint', 'nodes', node, 'maint:NoExecute-'])).toMatchObject({ code: 0, out: `node/${node} untainted\n` });
    expect(await kubectl(['taint', 'nodes', node, 'dedicated:NoSchedule-'])).toMatchObject({ code: 0, out: `node/${node} untainted\n` });
    expect(await jsonpath(`node ${node}`, '{.spec.taints}')).toBe('');
    await eventually(async () => (await phase('plain')) === 'Running', 60_000, 'plain Running after the taints are gone');
  });
});
