/**
 * The one batch runner behind every handler, locally (kafkajs eachBatch) and in
 * the cloud (Lambda MSK event). It parses each record once with the topic's zod
 * schema, keeps order per key, runs different keys concurrently, retries
 * retryable errors a few times in place, and sends what can never succeed
 * (bad JSON, schema errors, non-retryable errors) to the dead-letter topic with
 * its reason, so one poison record never blocks a partition. A record that
 * keeps failing retryably is redelivered at most `maxDeliveries` times (counted
 * in this process, shared/runtime/delivery-count.ts), then dead-lettered with
 * its last error so the records behind it on its key proceed.
 */
import type { z } from 'zod';
import { makeEvent, TOPICS, type DeadLetter } from '../events';
import { isRetryable } from '../errors';
import type { Clock, Logger, Publisher } from '../ports';
import { noHandlerMetrics, type HandlerMetrics, type RecordOutcome } from '../metrics/handler-metrics';
import { stopwatch } from '../metrics/stopwatch';
import { DEFAULT_MAX_DELIVERIES, deliveryId, exhausted, makeDeliveryCounter } from './delivery-count';

export interface InboundRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  /** Record headers as text (a node's signature: shared/auth/node-signature.ts). */
  headers?: Readonly<Record<string, string>>;
}

export interface RecordFailure {
  topic: string;
  partition: number;
  offset: string;
  error: unknown;
}

/** Records that failed retryably; everything else in the batch is done (applied or dead-lettered). */
export interface BatchResult {
  failures: RecordFailure[];
  processed: number;
  deadLettered: number;
}

export type BatchFunction = (records: readonly InboundRecord[]) => Promise<BatchResult>;

export interface BatchRunnerOptions<S extends z.ZodTypeAny> {
  handlerName: string;
  schema: S;
  handle: (event: z.infer<S>, record: InboundRecord) => Promise<void>;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
  /** Keys processed at the same time. */
  concurrency?: number;
  /** Tries per record for retryable errors before the batch reports it failed. */
  attempts?: number;
  retryDelayMs?: number;
  /** Deliveries of a record that fail retryably (each after `attempts` tries) before it is dead-lettered. */
  /** Rewrites a record's value before it is copied into a dead letter (a Secret's values never go there). */
  redact?: (value: string) => string;
  maxDeliveries?: number;
  /** Records by outcome and batch durations (Prometheus locally, embedded-metric lines in Lambda). */
  metrics?: HandlerMetrics;
}

const MAX_DEAD_LETTER_VALUE = 64 * 1024;

export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'issues' in err && Array.isArray((err as z.ZodError).issues)) {
    return (err as z.ZodError).issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

type Parsed<T> = { ok: true; event: T } | { ok: false; reason: string };

export function parseRecord<S extends z.ZodTypeAny>(schema: S, record: InboundRecord): Parsed<z.infer<S>> {
  if (record.value === null) return { ok: false, reason: 'record has no value' };
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${describeError(err)}` };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, reason: `schema: ${describeError(result.error)}` };
  return { ok: true, event: result.data };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function makeBatchRunner<S extends z.ZodTypeAny>(opts: BatchRunnerOptions<S>): BatchFunction {
  const concurrency = opts.concurrency ?? 16;
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 50;
  const metrics = opts.metrics ?? noHandlerMetrics;
  const maxDeliveries = opts.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  const deliveries = makeDeliveryCounter();

  async function deadLetter(record: InboundRecord, reason: string): Promise<void> {
    const value = record.value === null ? null : (opts.redact ? opts.redact(record.value) : record.value).slice(0, MAX_DEAD_LETTER_VALUE);
    const letter = makeEvent<DeadLetter>(
      'DeadLetter',
      record.topic,
      {
        sourceTopic: record.topic,
        partition: record.partition,
        offset: record.offset,
        recordKey: record.key,
        value,
        reason,
        handler: opts.handlerName,
      },
      // One dead letter per record and handler, however often it is redelivered.
      { source: opts.handlerName, time: opts.clock.now(), id: `dl:${opts.handlerName}:${record.topic}:${record.partition}:${record.offset}` },
    );
    await opts.publisher.publish(TOPICS.deadLetter, [letter]);
    opts.logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason }, 'record dead-lettered');
  }

  /** 'done' | 'dead' | failure: a record is applied, dead-lettered, or must be retried later. */
  async function processRecord(record: InboundRecord): Promise<'done' | 'dead' | RecordFailure> {
    const parsed = parseRecord(opts.schema, record);
    if (!parsed.ok) {
      await deadLetter(record, parsed.reason);
      return 'dead';
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.handle(parsed.event, record);
        deliveries.settled(deliveryId(record));
        return 'done';
      } catch (err) {
        if (!isRetryable(err)) {
          await deadLetter(record, `${opts.handlerName}: ${describeError(err)}`);
          deliveries.settled(deliveryId(record));
          return 'dead';
        }
        if (attempt >= attempts) {
          const delivered = deliveries.failed(deliveryId(record));
          if (exhausted(delivered, maxDeliveries)) {
            await deadLetter(record, `${opts.handlerName}: still failing after ${delivered} deliveries: ${describeError(err)}`);
            deliveries.settled(deliveryId(record));
            return 'dead';
          }
          opts.logger.warn({ err: describeError(err), offset: record.offset, partition: record.partition }, 'record failed, will be retried');
          return { topic: record.topic, partition: record.partition, offset: record.offset, error: err };
        }
        await sleep(retryDelayMs * attempt);
      }
    }
  }

  return async function runBatch(records) {
    const elapsed = stopwatch();
    const outcomes = new Map<string, number>();
    const count = (topic: string, outcome: RecordOutcome) => outcomes.set(`${topic}\u0000${outcome}`, (outcomes.get(`${topic}\u0000${outcome}`) ?? 0) + 1);
    const groups = new Map<string, InboundRecord[]>();
    for (const record of records) {
      const groupKey = `${record.topic}\u0000${record.partition}\u0000${record.key ?? ''}`;
      const group = groups.get(groupKey);
      if (group) group.push(record);
      else groups.set(groupKey, [record]);
    }
    const result: BatchResult = { failures: [], processed: 0, deadLettered: 0 };
    const queue = [...groups.values()];

    async function worker(): Promise<void> {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (let i = 0; i < group.length; i++) {
          let outcome: Awaited<ReturnType<typeof processRecord>>;
          try {
            outcome = await processRecord(group[i]);
          } catch (err) {
            // Only the dead-letter send can throw here: the record stays unprocessed.
            outcome = { topic: group[i].topic, partition: group[i].partition, offset: group[i].offset, error: err };
          }
          if (outcome === 'done') {
            result.processed++;
            count(group[i].topic, 'ok');
          } else if (outcome === 'dead') {
            result.deadLettered++;
            count(group[i].topic, 'dead_letter');
          } else {
            // Order per key: everything after a failed record waits for its retry.
            for (const rest of group.slice(i)) {
              result.failures.push(rest === group[i] ? outcome : { ...outcome, offset: rest.offset });
              count(rest.topic, 'retried');
            }
            break;
          }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    for (const [key, n] of outcomes) {
      const [topic, outcome] = key.split('\u0000');
      metrics.records(opts.handlerName, topic, outcome as RecordOutcome, n);
    }
    metrics.batchDuration(opts.handlerName, elapsed());
    return result;
  };
}
