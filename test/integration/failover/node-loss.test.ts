/**
 * Node failure on the real parts: Docker agents as processes, the handlers and
 * the API as processes, short timers (grace 3 s, eviction 3 s). A killed node's
 * replication-controller pods come back on the other node with new uids; the
 * returning node removes its stale copies; a short silence evicts nothing; and
 * when every node falls silent at once, nothing is evicted.
 */
import type { ChildProcess } from 'node:child_process';
import { eventually } from '../../helpers/control-plane';
import { cleanupNode, runningAppContainers, startTestCluster, uniqueNodeName, type TestCluster } from '../../helpers/cluster';

const GRACE_MS = 3000;
const EVICTION_MS = 3000;
const agentEnv = { HEARTBEAT_INTERVAL_MS: '500', RESYNC_INTERVAL_MS: '1000', BACKOFF_INITIAL_MS: '500' };

interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string };
}

describe('node loss, replacement and fencing on Docker', () => {
  const nodeA = uniqueNodeName('fo-a');
  const nodeB = uniqueNodeName('fo-b');
  let cluster: TestCluster;
  const rcName = 'fo-web';

  const agent = (name: string): ChildProcess => cluster.processes.get(`agent-${name}`)!;
  const pods = async (): Promise<PodView[]> => (await cluster.request('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${rcName}`)).body.items;
  const running = (list: PodView[]) => list.filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
  const nodeReady = async (name: string) => (await cluster.request('GET', `/api/v1/nodes/${name}`)).body.status?.conditions?.[0]?.status;

  beforeAll(async () => {
    cluster = await startTestCluster({
      agents: [{ name: nodeA, runtime: 'docker', env: agentEnv }],
      env: { NODE_GRACE_PERIOD_MS: String(GRACE_MS), POD_EVICTION_TIMEOUT_MS: String(EVICTION_MS), SWEEP_INTERVAL_MS: '500' },
    });
    await eventually(async () => (await nodeReady(nodeA)) === 'True', 30000, 'node A ready');
    const created = await cluster.request('POST', '/api/v1/namespaces/default/replicationcontrollers', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: rcName },
      spec: {
        replicas: 2,
        selector: { app: rcName },
        template: {
          metadata: { labels: { app: rcName } },
          spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'podflow/base:1', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }] },
        },
      },
    });
    expect(created.status).toBe(201);
    await eventually(async () => running(await pods()).length === 2, 60000, 'two replicas Running on node A');
    await cluster.startAgent({ name: nodeB, runtime: 'docker', env: agentEnv });
    await eventually(async () => (await nodeReady(nodeB)) === 'True', 30000, 'node B ready');
  }, 150000);

  afterAll(async () => {
    await cluster?.destroy();
    await Promise.all([cleanupNode(nodeA), cleanupNode(nodeB)]);
  });

  it('evicts nothing when a node is silent for less than the grace period', async () => {
    const before = (await pods()).map((p) => p.metadata.uid).sort();
    agent(nodeA).kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    agent(nodeA).kill('SIGCONT');
    await new Promise((r) => setTimeout(r, GRACE_MS + EVICTION_MS));
    expect((await pods()).map((p) => p.metadata.uid).sort()).toEqual(before);
    expect(await nodeReady(nodeA)).toBe('True');
  }, 30000);

  it('evicts nothing when every node falls silent at once (the control plane is the likelier culprit)', async () => {
    const before = (await pods()).map((p) => p.metadata.uid).sort();
    agent(nodeA).kill('SIGSTOP');
    agent(nodeB).kill('SIGSTOP');
    try {
      await eventually(async () => (await nodeReady(nodeA)) === 'Unknown' && (await nodeReady(nodeB)) === 'Unknown', 20000, 'both nodes Unknown');
      await new Promise((r) => setTimeout(r, EVICTION_MS + 2000));
      expect((await pods()).map((p) => p.metadata.uid).sort()).toEqual(before);
    } finally {
      agent(nodeA).kill('SIGCONT');
      agent(nodeB).kill('SIGCONT');
    }
    await eventually(async () => (await nodeReady(nodeA)) === 'True' && (await nodeReady(nodeB)) === 'True', 20000, 'both nodes Ready again');
  }, 60000);

  it('replaces a killed node’s pods on the other node with new uids, and the returning node removes its stale copies', async () => {
    const original = running(await pods());
    const lost = original.filter((p) => p.spec.nodeName === nodeA).map((p) => p.metadata.uid);
    expect(lost.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    agent(nodeA).kill('SIGKILL');

    const replaced = await eventually(async () => {
      const now = running(await pods());
      return now.length === 2 && now.every((p) => p.spec.nodeName === nodeB) ? now : null;
    }, GRACE_MS + EVICTION_MS + 30000, 'both replicas Running on node B');
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeGreaterThanOrEqual(GRACE_MS); // never before the grace period
    expect(replaced.map((p) => p.metadata.uid)).toEqual(expect.not.arrayContaining(lost));

    // The killed agent's containers kept running (Docker did not die): stale copies.
    expect((await runningAppContainers(nodeA)).map((c) => c.uid)).toEqual(expect.arrayContaining(lost));
    const history = (await cluster.request('GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3D${lost[0]}`)).body.items;
    expect(history.map((e: { reason: string }) => e.reason)).toContain('NodeLost');

    await cluster.startAgent({ name: nodeA, runtime: 'docker', env: agentEnv });
    await eventually(async () => (await runningAppContainers(nodeA)).length === 0, 30000, 'stale copies removed on node A');
    await eventually(async () => (await nodeReady(nodeA)) === 'True', 30000, 'node A Ready again');
    // Exactly one copy of every replica, across both nodes.
    const copies = [...(await runningAppContainers(nodeA)), ...(await runningAppContainers(nodeB))];
    expect(copies.map((c) => c.uid).sort()).toEqual(replaced.map((p) => p.metadata.uid).sort());
  }, 90000);

  it('treats a paused node (SIGSTOP) past the timeouts like a lost one, and on SIGCONT it removes its stale copies', async () => {
    const onB = running(await pods()).filter((p) => p.spec.nodeName === nodeB).map((p) => p.metadata.uid);
    expect(onB.length).toBeGreaterThan(0);
    agent(nodeB).kill('SIGSTOP');
    let replaced: PodView[];
    try {
      replaced = await eventually(async () => {
        const now = running(await pods());
        return now.length === 2 && now.every((p) => p.spec.nodeName === nodeA) ? now : null;
      }, GRACE_MS + EVICTION_MS + 30000, 'both replicas Running on node A');
      expect(replaced.map((p) => p.metadata.uid)).toEqual(expect.not.arrayContaining(onB));
      // The paused agent's containers still run: Docker was not paused.
      expect((await runningAppContainers(nodeB)).map((c) => c.uid)).toEqual(expect.arrayContaining(onB));
    } finally {
      agent(nodeB).kill('SIGCONT');
    }
    await eventually(async () => (await runningAppContainers(nodeB)).length === 0, 30000, 'stale copies removed on node B');
    await eventually(async () => (await nodeReady(nodeB)) === 'True', 30000, 'node B Ready again');
    const copies = [...(await runningAppContainers(nodeA)), ...(await runningAppContainers(nodeB))];
    expect(copies.map((c) => c.uid).sort()).toEqual(replaced!.map((p) => p.metadata.uid).sort());
    // The superseded pods stay gone: nothing the paused node reported brought them back.
    expect((await pods()).map((p) => p.metadata.uid)).toEqual(expect.not.arrayContaining(onB));
  }, 90000);
});

