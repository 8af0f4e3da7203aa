/**
 * Fencing after a pause, the partition case of a node failure: the agent
 * process is frozen (SIGSTOP) past its pause threshold while the control plane
 * unassigns one of its pods (as after an eviction). On SIGCONT it must not act
 * on what it believed: it reports not ready, reads its partition up to now,
 * removes the unassigned pod's containers and volumes, and only then reports
 * ready again and resumes status reports, never for the superseded uid.
 */
import { randomUUID } from 'node:crypto';
import { TOPICS, type NodeHeartbeat, type PodStatusReported } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import { KafkaPublisher } from '../../../shared/adapters/kafka/publisher';
import type { Pod } from '../../../shared/pod/schema';
import { aPod, assign, isReadyHeartbeat, isStatusOf, isStoppedOf, TopicRecorder, unassign, type AgentOutput } from '../../helpers/agent-kafka';
import { cleanupNode, nodeContainers, nodeVolumes, testNodeName } from '../../helpers/agent-docker';
import { ensureAgentBuilt, spawnAgent, type AgentProcess } from '../../helpers/agent-process';

const SLEEPER = ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];
const HEARTBEAT_MS = 500;
const PAUSE_THRESHOLD_MS = 1500;

jest.setTimeout(90_000);

describe('agent frozen past its heartbeat grace (SIGSTOP/SIGCONT)', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let publisher: KafkaPublisher;
  let agent: AgentProcess | undefined;
  const node = testNodeName('pause');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;
  const pod = (name: string): Pod =>
    aPod({
      name,
      namespace,
      spec: {
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [{ name: 'main', image: 'podflow/base:1', command: SLEEPER, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      },
    });
  const running = (e: PodStatusReported) => e.data.status.phase === 'Running' && e.data.status.containerStatuses!.every((c) => c.ready);
  // Made after a moment, by the agent's own clock (same machine). A record the
  // agent made before the freeze can still reach the recorder after it, so
  // order of arrival is not enough.
  const madeAfter = <T extends AgentOutput>(at: number, test: (e: AgentOutput) => e is T) => (e: AgentOutput): e is T => Date.parse(e.time) > at && test(e);

  const isHeartbeat = (e: AgentOutput): e is NodeHeartbeat => e.type === 'NodeHeartbeat';

  beforeAll(async () => {
    ensureAgentBuilt();
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus, TOPICS.nodeHeartbeats]);
    publisher = KafkaPublisher.fromKafka(kafka);
    await publisher.connect();
    await broker.joinNodes([node]);
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGCONT');
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
    await cleanupNode(node);
    await publisher?.disconnect();
    await recorder?.stop();
    await broker?.stop();
  });

  it('removes an unassigned pod before its first ready heartbeat after the pause, and never reports it again', async () => {
    agent = spawnAgent({
      NODE_NAME: node,
      ...broker.env,
      RUNTIME: 'docker',
      AGENT_PORT: '0',
      AGENT_TOKEN: 'test-token',
      HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
      PAUSE_THRESHOLD_MS: String(PAUSE_THRESHOLD_MS),
      RESYNC_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    });
    await recorder.waitFor(isReadyHeartbeat(node), 30_000, 'agent ready');
    const evicted = pod('evicted');
    const kept = pod('kept');
    await Promise.all([assign(publisher, node, evicted), assign(publisher, node, kept)]);
    await recorder.waitFor(isStatusOf(evicted.metadata.uid, running), 20_000, 'evicted running');
    await recorder.waitFor(isStatusOf(kept.metadata.uid, running), 20_000, 'kept running');
    const keptContainers = (await nodeContainers(node, kept.metadata.uid)).map((c) => c.Id).sort();
    expect(await nodeVolumes(node, evicted.metadata.uid)).toEqual([`pf_${evicted.metadata.uid}_data`]);
    await new Promise((r) => setTimeout(r, 500)); // let the last reports of the start leave

    agent.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 50)); // the stop has landed on every thread
    const frozenAt = Date.now();
    await unassign(publisher, node, evicted, 0, 'NodeLost');
    await new Promise((r) => setTimeout(r, PAUSE_THRESHOLD_MS * 2));
    expect(recorder.events.filter(madeAfter(frozenAt, isHeartbeat))).toEqual([]); // frozen: silent
    agent.child.kill('SIGCONT');

    const readyAgain = await recorder.waitFor(madeAfter(frozenAt, isReadyHeartbeat(node)), 30_000, 'ready heartbeat after the pause');
    const stopped = await recorder.waitFor(madeAfter(frozenAt, isStoppedOf(evicted.metadata.uid)), 10_000, 'evicted PodStopped');
    // The containers and the volume were gone before the node said ready again.
    expect(Date.parse(stopped.time)).toBeLessThanOrEqual(Date.parse(readyAgain.time));
    expect(await nodeContainers(node, evicted.metadata.uid)).toEqual([]);
    expect(await nodeVolumes(node, evicted.metadata.uid)).toEqual([]);
    // It said not ready first.
    const beats = recorder.events.filter(madeAfter(frozenAt, isHeartbeat)).filter((e) => e.data.node.name === node);
    expect(beats[0].data.ready).toBe(false);
    expect(agent.output()).toMatch(/frozen/);

    // Status reports resume, for the kept pod only; its containers were left alone.
    const keptAgain = await recorder.waitFor(madeAfter(frozenAt, isStatusOf(kept.metadata.uid, running)), 15_000, 'kept status after the pause');
    expect(Date.parse(keptAgain.time)).toBeGreaterThanOrEqual(Date.parse(readyAgain.time));
    expect((await nodeContainers(node, kept.metadata.uid)).map((c) => c.Id).sort()).toEqual(keptContainers);
    await new Promise((r) => setTimeout(r, 1500)); // a resync or two later
    const late = recorder.events.filter(madeAfter(frozenAt, (e): e is PodStatusReported => e.type === 'PodStatusReported' && e.data.uid === evicted.metadata.uid));
    expect(late).toEqual([]);
  });
});
