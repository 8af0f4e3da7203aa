/**
 * Runs a batch function over a kafkajs consumer group: the local twin of a
 * Lambda MSK event source. Offsets are committed only up to the first record
 * that failed retryably; the consumer then seeks back to it, so the record is
 * tried again after a pause while other partitions keep flowing.
 */
import { AssignerProtocol, type Consumer, type IHeaders, type Kafka, type PartitionAssigner } from 'kafkajs';
import type { Logger } from '../../ports';
import type { BatchFunction } from '../../runtime/batch-runner';
import { logicalTopic, physicalGroup, physicalTopic } from './client';

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  run: BatchFunction;
  logger: Logger;
  fromBeginning?: boolean;
  /** Take only these partitions of each topic (an agent's own node partition). */
  partitions?: number[];
  retryPauseMs?: number;
  sessionTimeoutMs?: number;
  /** How long a fetch waits for records when there are none (the broker answers at once when there are). */
  maxWaitTimeInMs?: number;
  /** Partitions processed at the same time (kafkajs' default of 1 makes a handler serial). */
  partitionsConsumedConcurrently?: number;
  /** Told the records left in a partition after each batch (high watermark minus the next offset). */
  onLag?: (topic: string, partition: number, lag: number) => void;
}

/** An assigner that gives every member exactly the listed partitions (one member per group). */
export function fixedPartitionAssigner(partitions: number[]): PartitionAssigner {
  const name = `fixed-${partitions.join('-')}`;
  return () => ({
    name,
    version: 1,
    async assign({ members, topics }) {
      return members.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: index === 0 ? Object.fromEntries(topics.map((t) => [t, partitions])) : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

/** kafkajs header values (Buffer, string or arrays of them) as text; a repeated header keeps its first value. */
export function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

export async function startConsumer(kafka: Kafka, opts: ConsumerOptions): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: physicalGroup(kafka, opts.groupId),
    sessionTimeout: opts.sessionTimeoutMs ?? 10000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 5000,
    maxWaitTimeInMs: opts.maxWaitTimeInMs ?? 1000,
    partitionAssigners: opts.partitions ? [fixedPartitionAssigner(opts.partitions)] : undefined,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  await consumer.connect();
  for (const topic of opts.topics) await consumer.subscribe({ topic: physicalTopic(kafka, topic), fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 16,
    eachBatchAutoResolve: false,
    autoCommit: true,
    autoCommitInterval: 500,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const result = await opts.run(
        batch.messages.map((m) => ({
          topic: logicalTopic(kafka, batch.topic),
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          value: m.value ? m.value.toString() : null,
          headers: textHeaders(m.headers),
        })),
      );
      const firstFailed = result.failures.reduce<bigint | null>((min, f) => {
        const o = BigInt(f.offset);
        return min === null || o < min ? o : min;
      }, null);
      for (const m of batch.messages) {
        if (firstFailed !== null && BigInt(m.offset) >= firstFailed) break;
        resolveOffset(m.offset);
      }
      await commitOffsetsIfNecessary();
      const next = firstFailed ?? BigInt(batch.lastOffset()) + 1n;
      opts.onLag?.(logicalTopic(kafka, batch.topic), batch.partition, Number(BigInt(batch.highWatermark) - next));
      await heartbeat();
      if (firstFailed !== null) {
        opts.logger.warn({ topic: batch.topic, partition: batch.partition, offset: String(firstFailed) }, 'pausing partition to retry');
        await new Promise((r) => setTimeout(r, opts.retryPauseMs ?? 500));
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(firstFailed) });
      }
    },
  });
  return consumer;
}
