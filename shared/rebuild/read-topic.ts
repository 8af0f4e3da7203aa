/**
 * Reads every record a topic retains, from each partition's start up to its
 * high watermark as it was when the read began, in partition order. A fresh
 * consumer group per read; nothing is committed that a handler would see.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { physicalGroup, physicalTopic } from '../adapters/kafka/client';

export interface TopicRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
}

export async function readTopic(kafka: Kafka, topic: string, opts: { idleMs?: number; timeoutMs?: number } = {}): Promise<TopicRecord[]> {
  const name = physicalTopic(kafka, topic);
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(name).finally(() => admin.disconnect());
  const pending = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  const records: TopicRecord[] = [];
  if (pending.size === 0) return records;

  const consumer = kafka.consumer({ groupId: physicalGroup(kafka, `rebuild-${randomUUID()}`), maxWaitTimeInMs: 500 });
  let lastProgress = Date.now();
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const mark = pending.get(batch.partition);
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        if (mark === undefined || offset >= mark) continue; // written after the read began
        records.push({ partition: batch.partition, offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
        lastProgress = Date.now();
        if (offset + 1n >= mark) pending.delete(batch.partition);
      }
      if (pending.size === 0) resolveDone();
    },
  });
  // Compaction can leave a partition's last offsets empty: stop once nothing new arrives for a while.
  const deadline = Date.now() + (opts.timeoutMs ?? 120000);
  const idleMs = opts.idleMs ?? 5000;
  await Promise.race([
    done,
    new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (Date.now() - lastProgress > idleMs || Date.now() > deadline) {
          clearInterval(timer);
          resolve();
        }
      }, 250);
      void done.then(() => clearInterval(timer));
    }),
  ]);
  await consumer.disconnect();
  return records.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}
