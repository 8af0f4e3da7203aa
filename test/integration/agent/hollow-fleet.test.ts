/** A hollow fleet on the real broker behaves like Docker nodes on the wire. */
import { randomUUID } from 'node:crypto';
import { KafkaPublisher } from '../../../shared/adapters/kafka/publisher';
import { TOPICS } from '../../../shared/events';
import { startTestParts, type TestParts, fleetAuth } from '../../helpers/parts';
import { startHollowFleet, type HollowFleet } from '../../../agent/hollow-fleet';
import { aPod, assign, isReadyHeartbeat, isStatusOf, isStoppedOf, TopicRecorder, unassign } from '../../helpers/agent-kafka';

describe('hollow fleet', () => {
  let broker: TestParts;
  let fleet: HollowFleet;
  let recorder: TopicRecorder;
  let publisher: KafkaPublisher;
  const prefix = `hollow-${randomUUID().slice(0, 6)}-`;

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus, TOPICS.nodeHeartbeats]);
    publisher = KafkaPublisher.fromKafka(kafka);
    fleet = await startHollowFleet({ auth: fleetAuth(), brokers: broker.brokers, topicPrefix: broker.prefix, count: 5, namePrefix: prefix, heartbeatIntervalMs: 500, capacity: { cpu: '2', memory: '4Gi', pods: 20 } });
    await fleet.ready;
  });

  afterAll(async () => {
    await fleet?.stop();
    await recorder?.stop();
    await publisher?.disconnect();
    await broker?.stop();
  });

  it('announces every node with its capacity and ready once replayed', async () => {
    expect(fleet.nodeNames).toHaveLength(5);
    for (const name of fleet.nodeNames) {
      const hb = await recorder.waitFor(isReadyHeartbeat(name), 10_000, `ready heartbeat of ${name}`);
      expect(hb.data.node).toMatchObject({ runtime: 'hollow', capacity: { cpu: '2', memory: '4Gi', pods: '20' } });
      expect(hb.data.node.labels['kubernetes.io/hostname']).toBe(name);
    }
  });

  it('runs an assigned pod (Running, pod IP) and stops it on PodUnassigned (PodStopped)', async () => {
    const node = fleet.nodeNames[3];
    const pod = aPod({ name: 'web', namespace: `ns-${randomUUID().slice(0, 6)}`, spec: { containers: [{ name: 'a', image: 'podflow/web:1' }, { name: 'b', image: 'podflow/base:1', command: ['sh', '-c', 'exit 3'] }] } });
    await assign(publisher, node, pod);
    const running = await recorder.waitFor(isStatusOf(pod.metadata.uid, (e) => e.data.status.phase === 'Running'), 10_000, 'Running');
    expect(running.data.nodeName).toBe(node);
    expect(running.data.status.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(running.data.status.containerStatuses?.map((c) => c.ready)).toEqual([true, true]);
    expect(running.data.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Created', 'Started']));

    await unassign(publisher, node, pod, 30);
    const stopped = await recorder.waitFor(isStoppedOf(pod.metadata.uid), 10_000, 'PodStopped');
    expect(stopped.data).toMatchObject({ nodeName: node, namespace: pod.metadata.namespace, name: 'web' });
    const afterStop = recorder.statuses(pod.metadata.uid).filter((e) => recorder.events.indexOf(e) > recorder.events.indexOf(stopped));
    expect(afterStop).toEqual([]);
  });

  it('ignores an assignment keyed for a node outside the fleet and never reports for it', async () => {
    const pod = aPod({ name: 'elsewhere', namespace: 'default', spec: { containers: [{ name: 'a', image: 'podflow/base:1' }] } });
    await assign(publisher, `${prefix}not-in-fleet`, pod);
    const control = aPod({ name: 'control', namespace: 'default', spec: { containers: [{ name: 'a', image: 'podflow/base:1' }] } });
    await assign(publisher, fleet.nodeNames[0], control);
    await recorder.waitFor(isStatusOf(control.metadata.uid, (e) => e.data.status.phase === 'Running'), 10_000, 'control pod Running');
    expect(recorder.statuses(pod.metadata.uid)).toEqual([]);
  });
});
