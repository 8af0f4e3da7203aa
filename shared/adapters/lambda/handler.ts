/**
 * The Lambda entry behind every `functions/<name>/lambda.ts`: the same handler
 * module the local runner uses, built once per warm container, fed either an
 * MSK event (decoded, handed to the handler's batch runner, retryable failures
 * returned as batchItemFailures) or an EventBridge schedule tick (one sweep).
 *
 * Invariants: a record is never reported done unless the runner applied or
 * dead-lettered it; poison records are dead-lettered by the runner and not
 * reported, so they are not retried; an event of an unknown shape, or records
 * from a topic the handler does not consume, fail the whole invocation loudly
 * instead of being dead-lettered under the wrong schema.
 * After each batch or sweep the handler's counters (records by outcome, batch
 * duration, store calls and conflicts) are written as CloudWatch embedded-metric
 * lines (shared/metrics/emf.ts).
 */
import type { BuildHandler, HandlerRuntime } from '../../runtime/handler-module';
import { decodeMskEvent, mskEventSchema, toBatchItemFailures, type BatchItemFailuresResponse } from './msk-event';
import { scheduledEventSchema } from './scheduled-event';
import { emfLines } from '../../metrics/emf';
import { HandlerTally } from '../../metrics/tally';

export type LambdaHandler = (event: unknown) => Promise<BatchItemFailuresResponse | void>;

export interface LambdaAdapterOptions {
  /** Environment handed to `build`; the process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** One structured line per invocation outcome. */
  log?: (line: Record<string, unknown>) => void;
  /** Where the embedded-metric lines go: `log` when given, else straight to stdout, which CloudWatch parses in both Lambda log formats (console.log lines are wrapped in the JSON one). */
  metricLog?: (line: Record<string, unknown>) => void;
  /** Epoch ms stamped on the metric lines; the system clock by default. */
  now?: () => number;
}

const jsonLine = (line: Record<string, unknown>) => console.log(JSON.stringify(line));
const stdoutLine = (line: Record<string, unknown>) => void process.stdout.write(JSON.stringify(line) + '\n');

export function makeLambdaHandler(build: BuildHandler, opts: LambdaAdapterOptions = {}): LambdaHandler {
  const log = opts.log ?? jsonLine;
  const metricLog = opts.metricLog ?? opts.log ?? stdoutLine;
  const now = opts.now ?? Date.now;
  const tally = new HandlerTally();
  let runtime: Promise<HandlerRuntime> | null = null;
  const writeMetrics = (name: string) => {
    for (const line of emfLines(tally.drain(name), now())) metricLog(line);
  };

  function getRuntime(): Promise<HandlerRuntime> {
    if (!runtime) {
      runtime = build(opts.env ?? process.env, { metrics: tally });
      // A failed cold start must not poison the container: the next invocation builds again.
      runtime.catch(() => {
        runtime = null;
      });
    }
    return runtime;
  }

  return async function handler(event: unknown) {
    const msk = mskEventSchema.safeParse(event);
    if (msk.success) {
      const rt = await getRuntime();
      const records = decodeMskEvent(msk.data);
      const foreign = [...new Set(records.map((r) => r.topic))].filter((t) => !(rt.topics as string[]).includes(t));
      if (foreign.length > 0) {
        throw new Error(`${rt.name} does not consume ${foreign.join(', ')}: check the event source mapping`);
      }
      let result: Awaited<ReturnType<HandlerRuntime['run']>>;
      try {
        result = await rt.run(records);
      } finally {
        writeMetrics(rt.name);
      }
      const response = toBatchItemFailures(result.failures);
      log({
        handler: rt.name,
        records: records.length,
        processed: result.processed,
        deadLettered: result.deadLettered,
        failed: response.batchItemFailures.length,
      });
      return response;
    }
    if (scheduledEventSchema.safeParse(event).success) {
      const rt = await getRuntime();
      if (!rt.sweep) throw new Error(`${rt.name} has no sweep to run on a schedule`);
      try {
        await rt.sweep();
      } finally {
        writeMetrics(rt.name);
      }
      log({ handler: rt.name, sweep: 'done' });
      return;
    }
    throw new Error('unrecognised event: expected an MSK event (aws:kafka) or an EventBridge scheduled event');
  };
}
