/**
 * The handler metrics of one Lambda invocation: counts kept in memory and
 * drained after each batch (or sweep) into embedded-metric log lines. A warm
 * container handles one invocation at a time, so a drain holds exactly one
 * batch's counts.
 */
import type { HandlerMetrics, RecordOutcome } from './handler-metrics';

export interface TallySnapshot {
  handler: string;
  /** Record counts per topic and outcome. */
  records: { topic: string; outcome: RecordOutcome; count: number }[];
  /** Seconds spent in batches (summed when a drain spans several). */
  batchSeconds: number;
  storeCalls: { table: string; op: string; count: number }[];
  storeConflicts: { table: string; count: number }[];
}

const SEP = '\u0000';

export class HandlerTally implements HandlerMetrics {
  private recordCounts = new Map<string, number>();
  private seconds = 0;
  private calls = new Map<string, number>();
  private conflicts = new Map<string, number>();

  records(_handler: string, topic: string, outcome: RecordOutcome, count: number): void {
    if (count > 0) bump(this.recordCounts, `${topic}${SEP}${outcome}`, count);
  }

  batchDuration(_handler: string, seconds: number): void {
    this.seconds += seconds;
  }

  /** Lambda's MSK event carries no high watermark: lag is CloudWatch's OffsetLag metric there. */
  consumerLag(): void {}

  storeCall(table: string, op: string): void {
    bump(this.calls, `${table}${SEP}${op}`, 1);
  }

  storeConflict(table: string): void {
    bump(this.conflicts, table, 1);
  }

  /** Everything counted since the last drain, and a fresh start. */
  drain(handler: string): TallySnapshot {
    const snapshot: TallySnapshot = {
      handler,
      records: [...this.recordCounts].map(([k, count]) => {
        const [topic, outcome] = k.split(SEP);
        return { topic, outcome: outcome as RecordOutcome, count };
      }),
      batchSeconds: this.seconds,
      storeCalls: [...this.calls].map(([k, count]) => {
        const [table, op] = k.split(SEP);
        return { table, op, count };
      }),
      storeConflicts: [...this.conflicts].map(([table, count]) => ({ table, count })),
    };
    this.recordCounts = new Map();
    this.seconds = 0;
    this.calls = new Map();
    this.conflicts = new Map();
    return snapshot;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
