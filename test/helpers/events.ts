/** Builders for the events an agent publishes, and a reader for what lands on a topic. */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { physicalGroup, physicalTopic } from '../../shared/adapters/kafka/client';
import { makeEvent, TOPICS, type Envelope, type NodeHeartbeat, type PodStatusReported, type PodStopped } from '../../shared/events';
import type { Pod } from '../../shared/pod/schema';
import { aNodeDescription } from './factories';

export function heartbeat(name: string, o: { cpu?: string; memory?: string; pods?: number; bootId?: string; ready?: boolean; time?: Date; labels?: Record<string, string> } = {}): NodeHeartbeat {
  return makeEvent<NodeHeartbeat>('NodeHeartbeat', name, { node: aNodeDescription({ name, ...o }), bootId: o.bootId ?? 'boot-1', ready: o.ready ?? true, pods: 0 }, { source: name, time: o.time ?? new Date() });
}

export function running(pod: Pod, nodeName: string, sequence: number, bootId = 'boot-1'): PodStatusReported {
  const now = new Date().toISOString();
  return makeEvent<PodStatusReported>(
    'PodStatusReported',
    `${pod.metadata.namespace}/${pod.metadata.name}`,
    {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      nodeName,
      bootId,
      sequence,
      status: {
        phase: 'Running',
        podIP: '10.0.0.9',
        startTime: now,
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image, ready: true, restartCount: 0, state: { running: { startedAt: now } } })),
      },
      events: [{ type: 'Normal', reason: 'Started', message: 'Started container', time: now }],
    },
    { source: nodeName, time: new Date() },
  );
}

export function stopped(pod: Pod, nodeName: string): PodStopped {
  return makeEvent<PodStopped>('PodStopped', `${pod.metadata.namespace}/${pod.metadata.name}`, { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, nodeName, events: [] }, { source: nodeName, time: new Date() });
}

/** Collects every event on a topic from the beginning, until stopped. */
export async function collect(kafka: Kafka, topic: string) {
  const events: Envelope[] = [];
  const raw: { key: string | null; value: string | null }[] = [];
  const consumer = kafka.consumer({ groupId: physicalGroup(kafka, `test-${randomUUID()}`), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: physicalTopic(kafka, topic), fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString() ?? null;
      raw.push({ key: message.key?.toString() ?? null, value });
      try {
        events.push(JSON.parse(value ?? 'null'));
      } catch {
        // raw only
      }
    },
  });
  await joined;
  return { events, raw, stop: () => consumer.disconnect() };
}

export { TOPICS };
