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
 */
import type { BuildHandler, HandlerRuntime } from '../../runtime/handler-module';
import { decodeMskEvent, mskEventSchema, toBatchItemFailures, type BatchItemFailuresResponse } from './msk-event';
import { scheduledEventSchema } from './scheduled-event';

export type LambdaHandler = (event: unknown) => Promise<BatchItemFailuresResponse | void>;

export interface LambdaAdapterOptions {
  /** Environment handed to `build`; the process environment by default. */
  env?: NodeJS.ProcessEnv;
  /** One structured line per invocation outcome. */
  log?: (line: Record<string, unknown>) => void;
}

const jsonLine = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

export function makeLambdaHandler(build: BuildHandler, opts: LambdaAdapterOptions = {}): LambdaHandler {
  const log = opts.log ?? jsonLine;
  let runtime: Promise<HandlerRuntime> | null = null;

  function getRuntime(): Promise<HandlerRuntime> {
    if (!runtime) {
      runtime = build(opts.env ?? process.env);
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
      const result = await rt.run(records);
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
      await rt.sweep();
      log({ handler: rt.name, sweep: 'done' });
      return;
    }
    throw new Error('unrecognised event: expected an MSK event (aws:kafka) or an EventBridge scheduled event');
  };
}
