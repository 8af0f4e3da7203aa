import { makeLambdaHandler } from '../../../shared/adapters/lambda';
import { RecordingPublisher } from '../../../shared/adapters/memory';
import { DependencyError } from '../../../shared/errors';
import { TOPIC_SCHEMAS, TOPICS, type Envelope } from '../../../shared/events';
import { makeBatchRunner } from '../../../shared/runtime/batch-runner';
import type { BuildHandler } from '../../../shared/runtime/handler-module';
import { silentLogger } from '../../../shared/runtime/logger';
import { fixture } from './fixtures';

const AT = Date.parse('2026-03-01T12:00:00Z');

/** A pod-events handler on the real batch runner, counting into whatever metrics the adapter hands its build. */
function buildWith(handle: (e: Envelope) => Promise<void>, sweep?: () => Promise<void>): BuildHandler {
  return async (_env, opts) => ({
    name: 'pod-controller',
    topics: [TOPICS.podEvents],
    run: makeBatchRunner({
      handlerName: 'pod-controller',
      schema: TOPIC_SCHEMAS[TOPICS.podEvents],
      handle: async (e) => {
        opts?.metrics?.storeCall('Pods', 'GetItem');
        await handle(e as Envelope);
      },
      publisher: new RecordingPublisher(),
      clock: { now: () => new Date(AT) },
      logger: silentLogger,
      retryDelayMs: 1,
      metrics: opts?.metrics,
    }),
    sweep: sweep
      ? async () => {
          opts?.metrics?.storeCall('Nodes', 'Scan');
          await sweep();
        }
      : undefined,
    close: async () => undefined,
  });
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, metricLines: () => lines.filter((l) => '_aws' in l), log: (l: Record<string, unknown>) => void lines.push(l) };
}

describe('Lambda handler metrics as CloudWatch embedded-metric lines', () => {
  it('writes one metric line per batch with its records by outcome and its store calls', async () => {
    const out = capture();
    const handler = makeLambdaHandler(buildWith(async () => undefined), { log: out.log, now: () => AT });

    await handler(fixture('pod-events-poison.json'));

    expect(out.metricLines()).toEqual([
      expect.objectContaining({ handler: 'pod-controller', topic: 'pod-events', records_ok: 1, records_dead_letter: 3, dead_letters: 3, records_retried: 0, store_calls: 1 }),
    ]);
    expect((out.metricLines()[0]._aws as { Timestamp: number }).Timestamp).toBe(AT);
  });

  it('counts records handed back for redelivery as retried, and each batch on its own line', async () => {
    const out = capture();
    const handler = makeLambdaHandler(
      buildWith(async (e) => {
        if (e.id === 'evt-7f39') throw new DependencyError('DynamoDB throttled');
      }),
      { log: out.log, now: () => AT },
    );

    await handler(fixture('pod-events-batch.json'));
    await handler(fixture('pod-events-batch.json'));

    const lines = out.metricLines();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatchObject({ records_ok: 2, records_retried: 2, records_dead_letter: 0 });
  });

  it('writes the store calls of a scheduled sweep', async () => {
    const out = capture();
    const handler = makeLambdaHandler(buildWith(async () => undefined, async () => undefined), { log: out.log, now: () => AT });

    await handler(fixture('scheduled-event.json'));

    expect(out.metricLines()).toEqual([expect.objectContaining({ handler: 'pod-controller', store_calls: 1, store_calls_by_table: { 'Nodes.Scan': 1 } })]);
  });
});
