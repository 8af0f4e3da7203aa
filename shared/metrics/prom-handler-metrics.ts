/** The handler and store metrics of a local handler process as Prometheus counters, gauges and histograms. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { HandlerMetrics, RecordOutcome } from './handler-metrics';
import { DURATION_BUCKETS } from './registry';

/** The handler and store metrics of one process, on its registry. */
export class PromHandlerMetrics implements HandlerMetrics {
  private readonly recordsTotal: Counter<'handler' | 'topic' | 'outcome'>;
  private readonly deadLetters: Counter<'handler' | 'topic'>;
  private readonly batchSeconds: Histogram<'handler'>;
  private readonly lag: Gauge<'handler' | 'topic'>;
  private readonly storeCalls: Counter<'table' | 'op'>;
  private readonly storeConflicts: Counter<'table'>;
  /** Lag per partition; the gauge shows the sum per handler and topic. */
  private readonly lags = new Map<string, Map<number, number>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsTotal = new Counter({ name: 'podflow_handler_records_total', help: 'Records a handler finished, by outcome (ok, retried, dead_letter).', labelNames: ['handler', 'topic', 'outcome'], registers });
    this.deadLetters = new Counter({ name: 'podflow_handler_dead_letters_total', help: 'Records a handler sent to the dead-letter topic.', labelNames: ['handler', 'topic'], registers });
    this.batchSeconds = new Histogram({ name: 'podflow_handler_batch_duration_seconds', help: 'Time a handler took for one batch.', labelNames: ['handler'], buckets: DURATION_BUCKETS, registers });
    this.lag = new Gauge({ name: 'podflow_handler_consumer_lag', help: 'Records not yet consumed after the last batch, summed over the partitions.', labelNames: ['handler', 'topic'], registers });
    this.storeCalls = new Counter({ name: 'podflow_store_calls_total', help: 'DynamoDB requests, by logical table and operation.', labelNames: ['table', 'op'], registers });
    this.storeConflicts = new Counter({ name: 'podflow_store_conflicts_total', help: 'DynamoDB conditional checks that failed, by logical table.', labelNames: ['table'], registers });
  }

  records(handler: string, topic: string, outcome: RecordOutcome, count: number): void {
    if (count <= 0) return;
    this.recordsTotal.inc({ handler, topic, outcome }, count);
    if (outcome === 'dead_letter') this.deadLetters.inc({ handler, topic }, count);
  }

  batchDuration(handler: string, seconds: number): void {
    this.batchSeconds.observe({ handler }, seconds);
  }

  consumerLag(handler: string, topic: string, partition: number, lag: number): void {
    const key = `${handler}\u0000${topic}`;
    const partitions = this.lags.get(key) ?? new Map<number, number>();
    partitions.set(partition, Math.max(0, lag));
    this.lags.set(key, partitions);
    let sum = 0;
    for (const v of partitions.values()) sum += v;
    this.lag.set({ handler, topic }, sum);
  }

  storeCall(table: string, op: string): void {
    this.storeCalls.inc({ table, op });
  }

  storeConflict(table: string): void {
    this.storeConflicts.inc({ table });
  }
}
