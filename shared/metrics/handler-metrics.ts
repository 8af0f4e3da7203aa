/**
 * What the handler edges report (the batch runner, the Kafka consumer, the
 * DynamoDB client), as a port: Prometheus counters in the local handler
 * processes, a per-invocation tally turned into CloudWatch embedded-metric
 * lines in Lambda. Decisions never see it. Labels are bounded: handler and
 * topic names, logical table names, DynamoDB operation names. This module
 * stays free of prom-client, so Lambda bundles do not carry it.
 */
/** How a record left a batch: applied, handed back for redelivery, or dead-lettered. */
export type RecordOutcome = 'ok' | 'retried' | 'dead_letter';

export interface StoreMetrics {
  /** One DynamoDB request touching `table` (logical name: Pods, Nodes ...). */
  storeCall(table: string, op: string): void;
  /** A conditional check on `table` failed (a lost race or a replayed write). */
  storeConflict(table: string): void;
}

export interface HandlerMetrics extends StoreMetrics {
  records(handler: string, topic: string, outcome: RecordOutcome, count: number): void;
  batchDuration(handler: string, seconds: number): void;
  /** Records left in `partition` after the batch (high watermark minus the next offset). */
  consumerLag(handler: string, topic: string, partition: number, lag: number): void;
}

export const noHandlerMetrics: HandlerMetrics = {
  records: () => undefined,
  batchDuration: () => undefined,
  consumerLag: () => undefined,
  storeCall: () => undefined,
  storeConflict: () => undefined,
};
