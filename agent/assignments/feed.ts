/**
 * Reads the node-assignments partitions of one agent (or of a hollow fleet)
 * from the beginning, with a consumer group per boot, so every start replays
 * the node's whole history: the log is the desired state. It notes each
 * partition's high watermark at start and says when a partition has been read
 * up to it (caught up), which is when an agent may act and fence. `catchUp()`
 * does the same later (after a pause): it resolves once every record written
 * before the call has been handed to `onEvent`.
 */
import type { Kafka } from 'kafkajs';
import { nodeAssignmentEvent, TOPICS, type NodeAssignmentEvent } from '../../shared/events';
import type { Logger } from '../../shared/ports';
import { physicalTopic } from '../../shared/adapters/kafka/client';
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
  /** Resolves once the partitions are read up to their high watermark of now. */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

/** The high watermark of each partition now: reading up to it means having seen every assignment made so far. */
export async function highWatermarks(kafka: Kafka, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(physicalTopic(kafka, TOPICS.nodeAssignments));
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
  /** Per partition, the offset after the furthest record handed on (a re-delivery never lowers it). */
  const read = new Map<number, bigint>();
  const waiters: (() => void)[] = [];
  let stopped = false;
  const readUpTo = (targets: Map<number, bigint>) => [...targets].every(([p, mark]) => (read.get(p) ?? 0n) >= mark);
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
    run: async (records) => {
      for (const record of records) {
        const parsed = parseRecord(nodeAssignmentEvent, record);
        if (!parsed.ok) opts.logger.warn({ partition: record.partition, offset: record.offset, reason: parsed.reason }, 'skipping an invalid assignment record');
        else if (record.key) opts.onEvent(record.key, parsed.event);
        const next = BigInt(record.offset) + 1n;
        if (next > (read.get(record.partition) ?? 0n)) read.set(record.partition, next);
        if (next >= (marks.get(record.partition) ?? 0n)) caughtUp(record.partition);
      }
      for (const w of waiters.splice(0)) w();
      return { failures: [], processed: records.length, deadLettered: 0 };
    },
  });
  for (const [p, mark] of marks) if (mark === 0n) caughtUp(p);
  return {
    async catchUp() {
      const targets = await highWatermarks(opts.kafka, opts.partitions);
      while (!stopped && !readUpTo(targets)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 500);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    stop: () => {
      stopped = true;
      for (const w of waiters.splice(0)) w();
      return consumer.disconnect();
    },
  };
}
