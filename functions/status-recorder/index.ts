/** Wires the status-recorder to Kafka and DynamoDB. */
import { podStatusEvent, TOPICS } from '../../shared/events';
import { buildHandlerRuntime } from '../../shared/runtime/handler-builder';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { requireNodeSignature } from '../../shared/auth/verify-node-records';
import { makeStatusRecorder } from './handler';

export const build: BuildHandler = (env, opts) =>
  buildHandlerRuntime(
    'status-recorder',
    env,
    TOPICS.podStatus,
    podStatusEvent,
    // Only the node a status names may report it (its signature; shared/auth/node-signature.ts).
    (w) => ({ handle: requireNodeSignature(w.nodeKeys, makeStatusRecorder({ ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger })) }),
    opts,
  );
