/**
 * Reads the node-assignments partitions of one agent (or of a hollow fleet)
 * from the beginning, with a consumer group per boot, so every start replays
 * the node's whole history: the log is the desired state. It notes each
 * partition's high watermark at start and says when a partition has been read
 * up to it (caught up), which is when an agent may act and fence.
 */
import type { Kafka } from 'kafkajs';
import { nodeAssignmentEvent, TOPICS, type NodeAssignmentEvent } from '../../shared/events';
import type { Logger } from '../../shared/ports';
import { startConsumer } from '../../shared/adapters/kafka/consumer';
import { parseRecord } from '../../shared/runtime/batch-runner';

export interface AssignmentFeedOptions {
  kafka: Kafka;
  groupId: string;
  partitions: number[];
  logger: Logger;
  /** Called in partition order for every valid record; `key` is the node name. */
  onEvent: (key: string, event: NodeAssignmentEvent) => void;
  onCaughtUp: (partition: number) => void;
}

export interface AssignmentFeed {
  stop(): Promise<void>;
}

/** The high watermark of each partition now: reading up to it means having seen every assignment made so far. */
export async function highWatermarks(kafka: Kafka, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPICS.nodeAssignments);
    const marks = new Map<number, bigint>();
    for (const p of partitions) {
      const o = offsets.find((x) => x.partition === p);
      if (!o) throw new Error(`topic ${TOPICS.nodeAssignments} has no partition ${p}`);
      marks.set(p, BigInt(o.high) > BigInt(o.low) ? BigInt(o.high) : 0n);
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
}

export async function startAssignmentFeed(opts: AssignmentFeedOptions): Promise<AssignmentFeed> {
  const marks = await highWatermarks(opts.kafka, opts.partitions);
  const pending = new Set(opts.partitions);
  const caughtUp = (p: number) => {
    if (!pending.delete(p)) return;
    opts.logger.info({ partition: p, highWatermark: String(marks.get(p)) }, 'assignments replayed up to the high watermark');
    opts.onCaughtUp(p);
  };
  const consumer = await startConsumer(opts.kafka, {
    groupId: opts.groupId,
    topics: [TOPICS.nodeAssignments],
    partitions: opts.partitions,
    fromBeginning: true,
    logger: opts.logger,
    maxWaitTimeInMs: 20,
    run: async (records) => {
      for (const record of records) {
        const parsed = parseRecord(nodeAssignmentEvent, record);
        if (!parsed.ok) opts.logger.warn({ partition: record.partition, offset: record.offset, reason: parsed.reason }, 'skipping an invalid assignment record');
        else if (record.key) opts.onEvent(record.key, parsed.event);
        if (BigInt(record.offset) + 1n >= (marks.get(record.partition) ?? 0n)) caughtUp(record.partition);
      }
      return { failures: [], processed: records.length, deadLettered: 0 };
    },
  });
  for (const [p, mark] of marks) if (mark === 0n) caughtUp(p);
  return { stop: () => consumer.disconnect() };
}
