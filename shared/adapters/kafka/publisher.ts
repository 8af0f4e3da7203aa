/**
 * Publisher over an idempotent kafkajs producer: a retried produce request
 * never writes a record twice, and records keep their order per partition.
 * Records on node-assignments go to the partition the node name hashes to, so
 * each agent reads only its own. Consumers are idempotent too (invariant 1):
 * a handler may still publish the same event twice after a crash.
 *
 * Publishes that arrive within `lingerMs` of each other leave in one produce
 * request (as Kafka producers' linger.ms does), so one request in flight per
 * broker (what keeps an idempotent producer's sequence in order) is enough.
 */
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { physicalTopic } from './client';
import { nodePartition, TOPICS, type Envelope, type TopicName } from '../../events';
import { DependencyError } from '../../errors';
import type { Publisher } from '../../ports';
import type { RecordHeaders } from '../../auth/node-signature';

interface Pending {
  topic: TopicName;
  messages: Message[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class KafkaPublisher implements Publisher {
  private connected: Promise<void> | null = null;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly producer: Producer,
    private readonly lingerMs = 2,
    private readonly topicName: (logical: TopicName) => string = (t) => t,
    /** Extra headers per record: a node's signature over what it reports (shared/auth/node-signature.ts). */
    private readonly headers: RecordHeaders = () => ({}),
  ) {}

  static fromKafka(kafka: Kafka, opts: { lingerMs?: number; headers?: RecordHeaders } = {}): KafkaPublisher {
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Bounded, so a publish fails (and its record is retried by the batch runner) instead of hanging while the broker is down.
      retry: { retries: 8, initialRetryTime: 100 },
    });
    return new KafkaPublisher(producer, opts.lingerMs, (t) => physicalTopic(kafka, t), opts.headers);
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  async publish(topic: TopicName, events: readonly Envelope[], opts: { partition?: number } = {}): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    const messages = events.map((event) => {
      const value = JSON.stringify(event);
      return {
        key: event.key,
        value,
        partition: opts.partition ?? (topic === TOPICS.nodeAssignments ? nodePartition(event.key) : undefined),
        headers: { 'event-type': event.type, ...this.headers(topic, event, value) },
      };
    });
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, messages, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.timer = null;
    // Order holds per key: messages keep their publish order within each topic.
    const byTopic = new Map<TopicName, Message[]>();
    for (const p of batch) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), ...p.messages]);
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: this.topicName(topic), messages })) });
      batch.forEach((p) => p.resolve());
    } catch (err) {
      const error = new DependencyError(`publishing to ${[...byTopic.keys()].join(', ')} failed: ${(err as Error).message}`, { cause: err });
      batch.forEach((p) => p.reject(error));
    }
  }

  async disconnect(): Promise<void> {
    if (this.pending.length) await this.flush();
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}
