/**
 * The agent process is SIGKILLed at each step of a pod start (through a Docker
 * API proxy that fires at an exact request) and started again: the pod
 * converges with exactly one copy of every container. A drained agent leaves
 * its pods running; a returning agent fences uids it must no longer run.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { TOPICS, type NodeHeartbeat, type PodStatusReported } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import { KafkaPublisher } from '../../../shared/adapters/kafka/publisher';
import type { Pod } from '../../../shared/pod/schema';
import { LABELS } from '../../../agent/runtime/labels';
import { aPod, assign, isStatusOf, isStoppedOf, TopicRecorder, unassign, type AgentOutput } from '../../helpers/agent-kafka';
import { cleanupNode, nodeContainers, testNodeName } from '../../helpers/agent-docker';
import { ensureAgentBuilt, spawnAgent, startDockerProxy, type AgentProcess, type DockerProxy, type Verdict } from '../../helpers/agent-process';

const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];
const CREATE_SANDBOX = /^(\/v[\d.]+)?\/containers\/create\?name=pf_[^&]*_POD_/;
const START = /^(\/v[\d.]+)?\/containers\/[0-9a-f]+\/start/;

jest.setTimeout(120_000);

describe('agent crash and restart (real process, real Docker)', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let publisher: KafkaPublisher;
  let proxy: DockerProxy;
  const nodes: string[] = [];
  const children: AgentProcess[] = [];
  const namespace = `ns-${randomUUID().slice(0, 6)}`;

  const env = (node: string, dockerSocket?: string): Record<string, string> => ({
    NODE_NAME: node,
    ...broker.env,
    RUNTIME: 'docker',
    AGENT_PORT: '0',
    AGENT_TOKEN: 'test-token',
    HEARTBEAT_INTERVAL_MS: '500',
    RESYNC_INTERVAL_MS: '2000',
    BACKOFF_INITIAL_MS: '300',
    BACKOFF_MAX_MS: '1000',
    LOG_LEVEL: 'warn',
    ...(dockerSocket ? { DOCKER_HOST: `unix://${dockerSocket}` } : {}),
  });
  const start = (node: string, dockerSocket?: string) => {
    const p = spawnAgent(env(node, dockerSocket));
    children.push(p);
    return p;
  };
  const readyAfter = (node: string, mark: number) => (e: AgentOutput): e is NodeHeartbeat =>
    e.type === 'NodeHeartbeat' && e.data.node.name === node && e.data.ready && recorder.events.indexOf(e) >= mark;
  const twoContainers = (name: string): Pod =>
    aPod({ name, namespace, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'a', image: 'podflow/base:1', command: SLEEPER }, { name: 'b', image: 'podflow/web:1' }] } });
  const withTimeout = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };

  beforeAll(async () => {
    ensureAgentBuilt();
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus, TOPICS.nodeHeartbeats]);
    publisher = KafkaPublisher.fromKafka(kafka);
    proxy = await startDockerProxy(path.join(os.tmpdir(), `podflow-docker-proxy-${process.pid}.sock`));
  }, 300_000);

  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all(nodes.map(cleanupNode));
    await proxy?.close();
    await publisher?.disconnect();
    await recorder?.stop();
    await broker?.stop();
  });

  /** Converges with the new boot and returns its Running status and the pod's containers. */
  async function restartAndConverge(node: string, pod: Pod) {
    const mark = recorder.events.length;
    const second = start(node);
    const ready = await recorder.waitFor(readyAfter(node, mark), 30_000, `${node} ready again`);
    const status = await recorder.waitFor(
      isStatusOf(pod.metadata.uid, (e: PodStatusReported) => e.data.bootId === ready.data.bootId && e.data.status.phase === 'Running'),
      30_000,
      'Running after the restart',
    );
    return { second, status, containers: await nodeContainers(node, pod.metadata.uid) };
  }

  it.each<[string, (method: string, url: string, starts: number) => Verdict]>([
    ['after the sandbox is created, before it starts', (m, url) => (m === 'POST' && CREATE_SANDBOX.test(url) ? 'kill-after' : 'pass')],
    ['after an app container is created, before it starts', (m, url, starts) => (m === 'POST' && START.test(url) && starts === 2 ? 'kill-before' : 'pass')],
    ['after an app container started, before the status is reported', (m, url, starts) => (m === 'POST' && START.test(url) && starts === 2 ? 'kill-after' : 'pass')],
    ['after every container started, before the status is reported', (m, url, starts) => (m === 'POST' && START.test(url) && starts === 3 ? 'kill-after' : 'pass')],
  ])('killed %s, the pod converges with exactly one copy of every container', async (_step, rule) => {
    const node = testNodeName('crash');
    nodes.push(node);
    await broker.joinNodes([node]);
    const pod = twoContainers('crashy');
    let starts = 0;
    let fired = false;
    const first = start(node, proxy.socket);
    proxy.setFault(
      (method, url) => {
        if (fired) return 'kill-before';
        if (method === 'POST' && START.test(url)) starts++;
        return rule(method, url, starts);
      },
      () => {
        fired = true;
        first.child.kill('SIGKILL');
      },
    );
    await assign(publisher, node, pod);
    await withTimeout(first.exited, 30_000, `the fault to fire; agent output:\n${first.output()}`);
    expect(fired).toBe(true);
    proxy.setFault(null);
    const adopted = (await nodeContainers(node, pod.metadata.uid)).filter((c) => c.State === 'running' && c.Labels[LABELS.role] === 'app').map((c) => c.Id);

    const { second, status, containers } = await restartAndConverge(node, pod);
    expect(containers.map((c) => c.State)).toEqual(['running', 'running', 'running']);
    const byRole = containers.map((c) => c.Labels[LABELS.container] ?? c.Labels[LABELS.role]).sort();
    expect(byRole).toEqual(['a', 'b', 'sandbox']);
    expect(status.data.status.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount])).toEqual([['a', true, 0], ['b', true, 0]]);
    for (const id of adopted) expect(containers.map((c) => c.Id)).toContain(id);

    second.child.kill('SIGTERM');
    expect(await withTimeout(second.exited, 15_000, 'drain')).toBe(0);
    expect((await nodeContainers(node, pod.metadata.uid)).map((c) => c.State)).toEqual(['running', 'running', 'running']);
  });

  it('fences on return: a uid unassigned while the agent was down is gone before the node reports ready', async () => {
    const node = testNodeName('fence');
    nodes.push(node);
    await broker.joinNodes([node]);
    const stale = twoContainers('stale');
    const first = start(node);
    await assign(publisher, node, stale);
    await recorder.waitFor(isStatusOf(stale.metadata.uid, (e) => e.data.status.phase === 'Running'), 30_000, 'stale Running');
    first.child.kill('SIGKILL');
    await first.exited;

    const replacement = twoContainers('stale');
    await unassign(publisher, node, stale, 0, 'NodeLost');
    await assign(publisher, node, replacement);
    const mark = recorder.events.length;
    const bootsBefore = new Set(recorder.events.filter((e): e is PodStatusReported => e.type === 'PodStatusReported').map((e) => e.data.bootId));
    start(node);
    const ready = await recorder.waitFor(readyAfter(node, mark), 30_000, 'ready after fencing');
    expect(await nodeContainers(node, stale.metadata.uid)).toEqual([]);
    await recorder.waitFor(isStoppedOf(stale.metadata.uid), 5_000, 'PodStopped for the stale uid');
    const running = await recorder.waitFor(isStatusOf(replacement.metadata.uid, (e) => e.data.status.phase === 'Running'), 30_000, 'replacement Running');
    expect(running.data.bootId).toBe(ready.data.bootId);
    const staleReportsFromNewBoot = recorder.statuses(stale.metadata.uid).filter((e) => !bootsBefore.has(e.data.bootId));
    expect(staleReportsFromNewBoot).toEqual([]);
  });
});
