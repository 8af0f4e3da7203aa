/**
 * The event Lambda hands a function from an MSK event source mapping
 * (eventSource "aws:kafka"): records grouped under "topic-partition", keys and
 * values base64. Decoding turns it into the batch runner's records, ordered by
 * topic, partition and offset, so the order per key that Kafka kept is kept.
 */
import { z } from 'zod';
import type { InboundRecord, RecordFailure } from '../../runtime/batch-runner';

const mskRecord = z.object({
  topic: z.string().min(1),
  partition: z.number().int().min(0),
  offset: z.number().int().min(0),
  timestamp: z.number().optional(),
  timestampType: z.string().optional(),
  /** Absent (or null) when the producer sent no key. */
  key: z.string().nullish(),
  /** Absent (or null) for a tombstone. */
  value: z.string().nullish(),
  headers: z.array(z.record(z.string(), z.array(z.number().int()))).optional(),
});

export const mskEventSchema = z.object({
  eventSource: z.enum(['aws:kafka', 'SelfManagedKafka']),
  eventSourceArn: z.string().optional(),
  bootstrapServers: z.string().optional(),
  records: z.record(z.string(), z.array(mskRecord)),
});

export type MskEvent = z.infer<typeof mskEventSchema>;
export type MskRecord = z.infer<typeof mskRecord>;

/** The response Lambda reads when ReportBatchItemFailures is on. */
export interface BatchItemFailuresResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const decode = (b64: string | null | undefined): string | null =>
  b64 === null || b64 === undefined ? null : Buffer.from(b64, 'base64').toString('utf8');

export function decodeMskEvent(event: MskEvent): InboundRecord[] {
  const records = Object.values(event.records).flat();
  records.sort((a, b) =>
    a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.partition !== b.partition ? a.partition - b.partition : a.offset - b.offset,
  );
  return records.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    offset: String(r.offset),
    key: decode(r.key),
    value: decode(r.value),
    ...(r.headers?.length ? { headers: decodeHeaders(r.headers) } : {}),
  }));
}

/** MSK hands headers as [{ name: [bytes] }]; the first value of a name wins, as locally. */
function decodeHeaders(headers: NonNullable<MskRecord['headers']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of headers.flatMap((h) => Object.entries(h))) out[name] ??= Buffer.from(bytes).toString('utf8');
  return out;
}

/** Kafka event sources name a record `topic-partition-offset` in batchItemFailures. */
export function batchItemIdentifier(failure: Pick<RecordFailure, 'topic' | 'partition' | 'offset'>): string {
  return `${failure.topic}-${failure.partition}-${failure.offset}`;
}

export function toBatchItemFailures(failures: readonly RecordFailure[]): BatchItemFailuresResponse {
  const ids = [...new Set(failures.map(batchItemIdentifier))];
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}
