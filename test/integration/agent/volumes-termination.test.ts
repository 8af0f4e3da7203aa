/** emptyDir lifetime and grace-period termination on real Docker (node-side refusals: security.test.ts). */
import { randomUUID } from 'node:crypto';
import { TOPICS, type PodStatusReported } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import type { Pod } from '../../../shared/pod/schema';
import { aPod, assign, isStatusOf, isStoppedOf, TopicRecorder, unassign } from '../../helpers/agent-kafka';
import { agentSettings, cleanupNode, execIn, nodeContainers, nodeVolumes, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';

const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];
const STUBBORN = ['sh', '-c', "trap 'echo ignoring TERM' TERM; while :; do sleep 1; done"];

describe('volumes and termination on Docker', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let running: RunningAgent;
  const node = testNodeName('volumes');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;
  const isRunning = (e: PodStatusReported) => e.data.status.phase === 'Running';

  const volumePod = (mark: string): Pod =>
    aPod({
      name: 'shared',
      namespace,
      spec: {
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [
          { name: 'writer', image: 'podflow/base:1', env: [{ name: 'MARK', value: mark }], command: ['sh', '-c', 'echo "$MARK" >> /data/log; sleep 1; exit 1'], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          { name: 'reader', image: 'podflow/base:1', command: SLEEPER, volumeMounts: [{ name: 'data', mountPath: '/shared', readOnly: true }] },
        ],
      },
    });

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus]);
    running = await startDockerAgent(kafka, agentSettings(node, { backoff: { initialMs: 200, maxMs: 400, resetMs: 60_000 } }));
  });

  afterAll(async () => {
    await running?.stop();
    await cleanupNode(node);
    await recorder?.stop();
    await broker?.stop();
  });

  it('shares an emptyDir between containers, keeps it across a restart, removes it on stop and gives a same-name replacement a fresh one', async () => {
    const first = volumePod('first');
    await assign(running.publisher, node, first);
    await recorder.waitFor(isStatusOf(first.metadata.uid, (e) => e.data.status.containerStatuses![0].restartCount >= 2), 20_000, 'writer restarted twice');
    const seen = await execIn(node, first.metadata.uid, 'reader', ['cat', '/shared/log']);
    expect(seen.output.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen.output.trim().split('\n'))).toEqual(new Set(['first']));
    expect(await nodeVolumes(node, first.metadata.uid)).toEqual([`pf_${first.metadata.uid}_data`]);

    await unassign(running.publisher, node, first, 1);
    await recorder.waitFor(isStoppedOf(first.metadata.uid), 15_000, 'first stopped');
    expect(await nodeVolumes(node, first.metadata.uid)).toEqual([]);
    expect(await nodeContainers(node, first.metadata.uid)).toEqual([]);

    const second = volumePod('second');
    await assign(running.publisher, node, second);
    await recorder.waitFor(isStatusOf(second.metadata.uid, isRunning), 15_000, 'second running');
    const fresh = await execIn(node, second.metadata.uid, 'reader', ['cat', '/shared/log']);
    expect(fresh.output).not.toContain('first');
    expect(fresh.output).toContain('second');
  });

  it('kills a container that ignores SIGTERM at the grace period, then removes everything and reports PodStopped', async () => {
    const pod = aPod({ name: 'stubborn', namespace, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'stubborn', image: 'podflow/base:1', command: STUBBORN }, { name: 'polite', image: 'podflow/base:1', command: SLEEPER }] } });
    await assign(running.publisher, node, pod);
    await recorder.waitFor(isStatusOf(pod.metadata.uid, isRunning), 15_000, 'stubborn running');
    const started = Date.now();
    await unassign(running.publisher, node, pod, 2);
    const stopped = await recorder.waitFor(isStoppedOf(pod.metadata.uid), 15_000, 'stubborn stopped');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(took).toBeLessThan(8_000);
    expect(stopped.data.events.filter((e) => e.reason === 'Killing').map((e) => e.message).sort()).toEqual(['Stopping container polite', 'Stopping container stubborn']);
    expect(await nodeContainers(node, pod.metadata.uid)).toEqual([]);
  });

  it('stops a container that honours SIGTERM without waiting for the grace period', async () => {
    const pod = aPod({ name: 'polite', namespace, spec: { containers: [{ name: 'polite', image: 'podflow/base:1', command: SLEEPER }] } });
    await assign(running.publisher, node, pod);
    await recorder.waitFor(isStatusOf(pod.metadata.uid, isRunning), 15_000, 'polite running');
    const started = Date.now();
    await unassign(running.publisher, node, pod, 30);
    await recorder.waitFor(isStoppedOf(pod.metadata.uid), 15_000, 'polite stopped');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
