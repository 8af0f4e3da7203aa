/**
 * Publisher over a kafkajs producer. Records on node-assignments go to the
 * partition the node name hashes to, so each agent reads only its own. The
 * producer is not idempotent (the local mock broker cannot do it); consumers
 * are idempotent instead (invariant 1).
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { nodePartition, TOPICS, type Envelope, type TopicName } from '../../events';
import { DependencyError } from '../../errors';
import type { Publisher } from '../../ports';

export class KafkaPublisher implements Publisher {
  private connected: Promise<void> | null = null;

  constructor(private readonly producer: Producer) {}

  static fromKafka(kafka: Kafka): KafkaPublisher {
    return new KafkaPublisher(kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: false, allowAutoTopicCreation: false, maxInFlightRequests: 5 }));
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect();
    return this.connected;
  }

  async publish(topic: TopicName, events: readonly Envelope[], opts: { partition?: number } = {}): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    try {
      await this.producer.send({
        topic,
        acks: -1,
        messages: events.map((event) => ({
          key: event.key,
          value: JSON.stringify(event),
          partition: opts.partition ?? (topic === TOPICS.nodeAssignments ? nodePartition(event.key) : undefined),
          headers: { 'event-type': event.type },
        })),
      });
    } catch (err) {
      throw new DependencyError(`publishing to ${topic} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}
