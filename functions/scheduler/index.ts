/** Wires the scheduler to Kafka and DynamoDB. */
import { podEvent, TOPICS } from '../../shared/events';
import { buildHandlerRuntime } from '../../shared/runtime/handler-builder';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { makeScheduler } from './handler';

export const build: BuildHandler = (env, opts) =>
  buildHandlerRuntime(
    'scheduler',
    env,
    TOPICS.podEvents,
    podEvent,
    (w) => ({ handle: makeScheduler({ ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger }) }),
    opts,
  );
