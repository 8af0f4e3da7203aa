/** Builds a HandlerRuntime from a per-event handler: the wiring every functions/<name>/index.ts shares. */
import type { z } from 'zod';
import type { TopicName } from '../events/topics';
import { makeBatchRunner, type InboundRecord } from './batch-runner';
import type { BuildOptions, HandlerRuntime } from './handler-module';
import { wire, type Wiring } from './wiring';

export async function buildHandlerRuntime<S extends z.ZodTypeAny>(
  name: string,
  env: NodeJS.ProcessEnv,
  topic: TopicName,
  schema: S,
  make: (w: Wiring) => { handle: (event: z.infer<S>, record: InboundRecord) => Promise<void>; sweep?: () => Promise<unknown> },
  opts: BuildOptions = {},
): Promise<HandlerRuntime> {
  const w = await wire(name, env, { storeMetrics: opts.metrics });
  const { handle, sweep } = make(w);
  const run = makeBatchRunner({ handlerName: name, schema, handle, publisher: w.publisher, clock: w.clock, logger: w.logger, metrics: opts.metrics, maxDeliveries: w.config.HANDLER_MAX_DELIVERIES });
  return { name, topics: [topic], run, sweep: sweep ? async () => void (await sweep()) : undefined, kafka: w.kafka, close: w.close };
}
