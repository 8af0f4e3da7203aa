/** Pod sandbox on real Docker: shared localhost, IPC and hostname inside a pod; separate IPs and IPC across pods. */
import { randomUUID } from 'node:crypto';
import type { PodStatusReported } from '../../../shared/events';
import { TOPICS } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import type { Pod } from '../../../shared/pod/schema';
import { LABELS } from '../../../agent/runtime/labels';
import { aPod, assign, isStatusOf, TopicRecorder } from '../../helpers/agent-kafka';
import { agentSettings, cleanupNode, execIn, nodeContainers, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';

export const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];

describe('pod sandbox on Docker', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let running: RunningAgent;
  const node = testNodeName('sandbox');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;
  let podA: Pod;
  let podB: Pod;
  let statusA: PodStatusReported;
  let statusB: PodStatusReported;

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus, TOPICS.nodeHeartbeats]);
    running = await startDockerAgent(kafka, agentSettings(node));
    const spec = { terminationGracePeriodSeconds: 1, containers: [{ name: 'shell', image: 'podflow/base:1', command: SLEEPER }, { name: 'web', image: 'podflow/web:1' }] };
    podA = aPod({ name: 'pod-a', namespace, spec });
    podB = aPod({ name: 'pod-b', namespace, spec });
    await Promise.all([assign(running.publisher, node, podA), assign(running.publisher, node, podB)]);
    const isRunning = (e: PodStatusReported) => e.data.status.phase === 'Running';
    [statusA, statusB] = await Promise.all([
      recorder.waitFor(isStatusOf(podA.metadata.uid, isRunning), 30_000, 'pod-a Running'),
      recorder.waitFor(isStatusOf(podB.metadata.uid, isRunning), 30_000, 'pod-b Running'),
    ]);
  });

  afterAll(async () => {
    await running?.stop();
    await cleanupNode(node);
    await recorder?.stop();
    await broker?.stop();
  });

  it('reports Running with a pod IP, the host IP and every container ready', () => {
    expect(statusA.data.status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(statusA.data.status.podIPs).toEqual([{ ip: statusA.data.status.podIP }]);
    expect(statusA.data.status.hostIP).toBeTruthy();
    expect(statusA.data.status.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount])).toEqual([['shell', true, 0], ['web', true, 0]]);
    expect(statusA.data.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(statusA.data.bootId).toBe(running.agent.bootId);
  });

  it('labels every container with node, pod identity, container name and spec hash', async () => {
    const containers = await nodeContainers(node, podA.metadata.uid);
    expect(containers).toHaveLength(3);
    for (const c of containers) {
      expect(c.Labels).toMatchObject({ [LABELS.node]: node, [LABELS.uid]: podA.metadata.uid, [LABELS.namespace]: namespace, [LABELS.name]: 'pod-a' });
    }
    const apps = containers.filter((c) => c.Labels[LABELS.role] === 'app');
    expect(apps.map((c) => c.Labels[LABELS.container]).sort()).toEqual(['shell', 'web']);
    for (const c of apps) expect(c.Labels[LABELS.specHash]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('sets the hostname of every container to the pod name', async () => {
    expect((await execIn(node, podA.metadata.uid, 'shell', ['hostname'])).output.trim()).toBe('pod-a');
    expect((await execIn(node, podA.metadata.uid, 'web', ['hostname'])).output.trim()).toBe('pod-a');
  });

  it('lets containers of one pod talk over localhost', async () => {
    const res = await execIn(node, podA.metadata.uid, 'shell', ['wget', '-q', '-O', '-', 'http://127.0.0.1:80/']);
    expect(res.output).toContain('podflow web');
  });

  it('shares IPC (namespace and /dev/shm) inside a pod and not across pods', async () => {
    const ns = async (pod: Pod, c: string) => (await execIn(node, pod.metadata.uid, c, ['readlink', '/proc/self/ns/ipc'])).output.trim();
    expect(await ns(podA, 'shell')).toBe(await ns(podA, 'web'));
    expect(await ns(podA, 'shell')).not.toBe(await ns(podB, 'shell'));
    await execIn(node, podA.metadata.uid, 'shell', ['sh', '-c', 'echo shared-by-a > /dev/shm/marker']);
    expect((await execIn(node, podA.metadata.uid, 'web', ['cat', '/dev/shm/marker'])).output.trim()).toBe('shared-by-a');
    expect((await execIn(node, podB.metadata.uid, 'web', ['cat', '/dev/shm/marker'])).exitCode).not.toBe(0);
  });

  it('gives pods distinct IPs that other pods can reach', async () => {
    const ipA = statusA.data.status.podIP!;
    const ipB = statusB.data.status.podIP!;
    expect(ipA).not.toBe(ipB);
    const res = await execIn(node, podB.metadata.uid, 'shell', ['wget', '-q', '-O', '-', `http://${ipA}:80/`]);
    expect(res.output).toContain('podflow web');
    const own = await execIn(node, podB.metadata.uid, 'shell', ['sh', '-c', "ip -4 addr show eth0 | grep -o 'inet [0-9.]*'"]);
    expect(own.output.trim()).toBe(`inet ${ipB}`);
  });
});
