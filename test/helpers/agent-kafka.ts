/** Test helpers for the agent: publish assignments to the real broker and read what agents publish. */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { physicalGroup, physicalTopic } from '../../shared/adapters/kafka/client';
import type { KafkaPublisher } from '../../shared/adapters/kafka/publisher';
import {
  makeEvent,
  TOPICS,
  type NodeHeartbeat,
  type PodAssigned,
  type PodStatusReported,
  type PodStopped,
  type PodUnassigned,
  type TopicName,
} from '../../shared/events';
import type { Pod, PodSpec } from '../../shared/pod/schema';

export type AgentOutput = PodStatusReported | PodStopped | NodeHeartbeat;

/** Records every event of some topics from the beginning, with a wait that fails with what it saw. */
export class TopicRecorder {
  readonly events: AgentOutput[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topics: TopicName[]): Promise<TopicRecorder> {
    const consumer = kafka.consumer({ groupId: physicalGroup(kafka, `test-recorder-${randomUUID()}`), maxWaitTimeInMs: 200, sessionTimeout: 10000, heartbeatInterval: 1000 });
    const recorder = new TopicRecorder(consumer);
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic: physicalTopic(kafka, topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        recorder.events.push(JSON.parse(message.value.toString()) as AgentOutput);
        for (const w of recorder.waiters.splice(0)) w();
      },
    });
    return recorder;
  }

  async waitFor<T extends AgentOutput>(predicate: (e: AgentOutput) => e is T, timeoutMs: number, what: string): Promise<T>;
  async waitFor(predicate: (e: AgentOutput) => boolean, timeoutMs: number, what: string): Promise<AgentOutput>;
  async waitFor(predicate: (e: AgentOutput) => boolean, timeoutMs: number, what: string): Promise<AgentOutput> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const tail = this.events.slice(-5).map((e) => JSON.stringify(e).slice(0, 600));
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n${tail.join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  statuses(uid: string): PodStatusReported[] {
    return this.events.filter((e): e is PodStatusReported => e.type === 'PodStatusReported' && e.data.uid === uid);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

export const isStatusOf = (uid: string, test: (e: PodStatusReported) => boolean = () => true) => (e: AgentOutput): e is PodStatusReported =>
  e.type === 'PodStatusReported' && e.data.uid === uid && test(e);

export const isStoppedOf = (uid: string) => (e: AgentOutput): e is PodStopped => e.type === 'PodStopped' && e.data.uid === uid;

export const isReadyHeartbeat = (node: string, bootId?: string) => (e: AgentOutput): e is NodeHeartbeat =>
  e.type === 'NodeHeartbeat' && e.data.node.name === node && e.data.ready && (!bootId || e.data.bootId === bootId);

export function aPod(o: { name: string; namespace: string; spec: PodSpec; uid?: string }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, uid: o.uid ?? randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() },
    spec: o.spec,
    status: { phase: 'Pending' },
  };
}

export async function assign(publisher: KafkaPublisher, nodeName: string, pod: Pod): Promise<void> {
  await publisher.publish(TOPICS.nodeAssignments, [
    makeEvent<PodAssigned>('PodAssigned', nodeName, { nodeName, pod: { ...pod, spec: { ...pod.spec, nodeName } } }, { source: 'test', time: new Date() }),
  ]);
}

export async function unassign(publisher: KafkaPublisher, nodeName: string, pod: Pod, gracePeriodSeconds = 0, reason = 'Deleted'): Promise<void> {
  await publisher.publish(TOPICS.nodeAssignments, [
    makeEvent<PodUnassigned>(
      'PodUnassigned',
      nodeName,
      { nodeName, namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, gracePeriodSeconds, reason },
      { source: 'test', time: new Date() },
    ),
  ]);
}

export function phaseOf(e: PodStatusReported): string | undefined {
  return e.data.status.phase;
}
