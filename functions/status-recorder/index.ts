/** Wires the status-recorder to Kafka and DynamoDB. */
import { podStatusEvent, TOPICS } from '../../shared/events';
import { buildHandlerRuntime } from '../../shared/runtime/handler-builder';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { makeStatusRecorder } from './handler';

export const build: BuildHandler = (env, opts) =>
  buildHandlerRuntime(
    'status-recorder',
    env,
    TOPICS.podStatus,
    podStatusEvent,
    (w) => ({ handle: makeStatusRecorder({ ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger }) }),
    opts,
  );
