/**
 * CloudWatch Embedded Metric Format: the handler counters of one Lambda batch
 * as a JSON log line that CloudWatch Logs turns into metrics in the namespace
 * `podflow` (no agent, no API call). Pure: a snapshot and a time in, lines out.
 *
 * A line holds one value per dimension, so the counters that Prometheus labels
 * by topic and outcome become one line per topic of the batch (an MSK event
 * source mapping delivers one topic, so normally one line) with one metric per
 * outcome; the handler-wide values (batch duration, store calls and conflicts)
 * ride on the first line only, so nothing is counted twice. The per-table
 * store counts stay in the line as plain properties, for Logs Insights.
 */
import type { RecordOutcome } from './handler-metrics';
import type { TallySnapshot } from './tally';

export const EMF_NAMESPACE = 'podflow';

const OUTCOMES: RecordOutcome[] = ['ok', 'retried', 'dead_letter'];

type Metric = { Name: string; Unit: 'Count' | 'Seconds' };
const metric = (Name: string, Unit: Metric['Unit'] = 'Count'): Metric => ({ Name, Unit });

export function emfLines(snapshot: TallySnapshot, timestampMs: number, namespace = EMF_NAMESPACE): Record<string, unknown>[] {
  const topics = [...new Set(snapshot.records.map((r) => r.topic))].sort();
  const count = (topic: string, outcome: RecordOutcome) => snapshot.records.filter((r) => r.topic === topic && r.outcome === outcome).reduce((n, r) => n + r.count, 0);
  const handlerWide = {
    directive: {
      Namespace: namespace,
      Dimensions: [['handler']],
      Metrics: [metric('batch_duration_seconds', 'Seconds'), metric('store_calls'), metric('store_conflicts')],
    },
    values: {
      batch_duration_seconds: snapshot.batchSeconds,
      store_calls: snapshot.storeCalls.reduce((n, c) => n + c.count, 0),
      store_conflicts: snapshot.storeConflicts.reduce((n, c) => n + c.count, 0),
      store_calls_by_table: Object.fromEntries(snapshot.storeCalls.map((c) => [`${c.table}.${c.op}`, c.count])),
      store_conflicts_by_table: Object.fromEntries(snapshot.storeConflicts.map((c) => [c.table, c.count])),
    },
  };
  const line = (directives: object[], values: Record<string, unknown>) => ({
    _aws: { Timestamp: timestampMs, CloudWatchMetrics: directives },
    handler: snapshot.handler,
    ...values,
  });
  // A sweep (or an empty batch): the handler-wide values alone.
  if (topics.length === 0) return [line([handlerWide.directive], handlerWide.values)];
  return topics.map((topic, i) => {
    const perTopic = {
      Namespace: namespace,
      Dimensions: [['handler', 'topic']],
      Metrics: [...OUTCOMES.map((o) => metric(`records_${o}`)), metric('dead_letters')],
    };
    const values: Record<string, unknown> = { topic, ...Object.fromEntries(OUTCOMES.map((o) => [`records_${o}`, count(topic, o)])), dead_letters: count(topic, 'dead_letter') };
    return i === 0 ? line([perTopic, handlerWide.directive], { ...values, ...handlerWide.values }) : line([perTopic], values);
  });
}
