/**
 * How the API follows a topic for its in-memory views (the pod change feed,
 * the event feed): a consumer group of its own per API process (so every
 * instance sees every record), each record parsed with its schema, an
 * unreadable one, or one the view cannot apply (a change with a non-numeric
 * resourceVersion), logged and skipped: a bad record never stalls the view.
 * Resolves once the group has joined.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { z } from 'zod';
import { physicalGroup, physicalTopic } from '../shared/adapters/kafka/client';
import type { TopicName } from '../shared/events';
import { parseRecord } from '../shared/runtime/batch-runner';
import type { Logger } from '../shared/ports';

export interface FollowOptions<S extends z.ZodType> {
  topic: TopicName;
  schema: S;
  /** From the start of the log (a replayable buffer), or only what arrives from now on. */
  fromBeginning: boolean;
  /** Group name stem; a random suffix makes it this process's own. */
  group: string;
  maxWaitTimeInMs: number;
}

export async function followTopic<S extends z.ZodType>(kafka: Kafka, logger: Logger, opts: FollowOptions<S>, onEvent: (event: z.infer<S>) => void): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: physicalGroup(kafka, `${opts.group}-${randomUUID()}`), maxWaitTimeInMs: opts.maxWaitTimeInMs, sessionTimeout: 10000, heartbeatInterval: 3000, rebalanceTimeout: 5000 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: physicalTopic(kafka, opts.topic), fromBeginning: opts.fromBeginning });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const parsed = parseRecord(opts.schema, { topic: opts.topic, partition: batch.partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
        if (!parsed.ok) {
          logger.warn({ topic: opts.topic, offset: m.offset, reason: parsed.reason }, 'unreadable record skipped');
          continue;
        }
        try {
          onEvent(parsed.event);
        } catch (err) {
          // Throwing here would make kafkajs redeliver the batch forever.
          logger.warn({ topic: opts.topic, offset: m.offset, reason: err instanceof Error ? err.message : String(err) }, 'record the view cannot apply skipped');
        }
      }
    },
  });
  await joined;
  return consumer;
}
