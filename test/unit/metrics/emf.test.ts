import { emfLines } from '../../../shared/metrics/emf';
import { HandlerTally } from '../../../shared/metrics/tally';

const AT = Date.parse('2026-03-01T12:00:00Z');

describe('CloudWatch embedded-metric lines of a Lambda batch', () => {
  it('writes one line for a one-topic batch: records by outcome per handler and topic, duration and store counts per handler', () => {
    const tally = new HandlerTally();
    tally.records('pod-controller', 'pod-events', 'ok', 3);
    tally.records('pod-controller', 'pod-events', 'dead_letter', 1);
    tally.records('pod-controller', 'pod-events', 'retried', 2);
    tally.batchDuration('pod-controller', 0.25);
    tally.storeCall('Pods', 'GetItem');
    tally.storeCall('Pods', 'GetItem');
    tally.storeCall('Pods', 'PutItem');
    tally.storeConflict('Pods');

    expect(emfLines(tally.drain('pod-controller'), AT)).toEqual([
      {
        _aws: {
          Timestamp: AT,
          CloudWatchMetrics: [
            {
              Namespace: 'podflow',
              Dimensions: [['handler', 'topic']],
              Metrics: [
                { Name: 'records_ok', Unit: 'Count' },
                { Name: 'records_retried', Unit: 'Count' },
                { Name: 'records_dead_letter', Unit: 'Count' },
                { Name: 'dead_letters', Unit: 'Count' },
              ],
            },
            {
              Namespace: 'podflow',
              Dimensions: [['handler']],
              Metrics: [
                { Name: 'batch_duration_seconds', Unit: 'Seconds' },
                { Name: 'store_calls', Unit: 'Count' },
                { Name: 'store_conflicts', Unit: 'Count' },
              ],
            },
          ],
        },
        handler: 'pod-controller',
        topic: 'pod-events',
        records_ok: 3,
        records_retried: 2,
        records_dead_letter: 1,
        dead_letters: 1,
        batch_duration_seconds: 0.25,
        store_calls: 3,
        store_conflicts: 1,
        store_calls_by_table: { 'Pods.GetItem': 2, 'Pods.PutItem': 1 },
        store_conflicts_by_table: { Pods: 1 },
      },
    ]);
  });

  it('gives every metric a root member of its name and every dimension a value, as CloudWatch requires', () => {
    const tally = new HandlerTally();
    tally.records('rc', 'rc-events', 'ok', 1);
    for (const line of emfLines(tally.drain('rc'), AT)) {
      const { CloudWatchMetrics } = (line as { _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } })._aws;
      for (const d of CloudWatchMetrics) {
        for (const dim of d.Dimensions.flat()) expect(typeof line[dim]).toBe('string');
        for (const m of d.Metrics) expect(typeof line[m.Name]).toBe('number');
      }
    }
  });

  it('writes one line per topic when a batch spans two, with the handler-wide values on the first only', () => {
    const tally = new HandlerTally();
    tally.records('rc', 'rc-events', 'ok', 2);
    tally.records('rc', 'pod-changes', 'ok', 5);
    tally.batchDuration('rc', 0.1);
    tally.storeCall('ReplicationControllers', 'Query');
    const lines = emfLines(tally.drain('rc'), AT);

    expect(lines.map((l) => [l.topic, l.records_ok, l.store_calls])).toEqual([
      ['pod-changes', 5, 1],
      ['rc-events', 2, undefined],
    ]);
    expect((lines[1]._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toHaveLength(1);
  });

  it('writes the handler-wide values alone for a sweep', () => {
    const tally = new HandlerTally();
    tally.storeCall('Nodes', 'Scan');
    const [line, ...rest] = emfLines(tally.drain('node-lifecycle'), AT);

    expect(rest).toEqual([]);
    expect(line).toMatchObject({ handler: 'node-lifecycle', store_calls: 1, store_conflicts: 0, batch_duration_seconds: 0 });
    expect(line.topic).toBeUndefined();
  });

  it('starts every drain from zero, so a warm container never reports a batch twice', () => {
    const tally = new HandlerTally();
    tally.records('h', 't', 'ok', 4);
    tally.drain('h');
    expect(emfLines(tally.drain('h'), AT)).toEqual([expect.objectContaining({ store_calls: 0 })]);
    expect(emfLines(tally.drain('h'), AT)[0].records_ok).toBeUndefined();
  });
});
