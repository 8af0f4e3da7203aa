/** Wires node-lifecycle: heartbeats from Kafka, sweeps on a timer (EventBridge in the cloud). */
import { nodeHeartbeatEvent, TOPICS } from '../../shared/events';
import { buildHandlerRuntime } from '../../shared/runtime/handler-builder';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { lifecycleConfig, retryIntervalMs } from './config';
import { requireNodeSignature } from '../../shared/auth/verify-node-records';
import { makeHeartbeatRecorder, makeSweeper } from './handler';

export const build: BuildHandler = (env, opts) =>
  buildHandlerRuntime(
    'node-lifecycle',
    env,
    TOPICS.nodeHeartbeats,
    nodeHeartbeatEvent,
    (w) => {
      const deps = { ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger, config: lifecycleConfig(env), retryIntervalMs: retryIntervalMs(env) };
      // Only a node may beat for itself (its signature; shared/auth/node-signature.ts).
      return { handle: requireNodeSignature(w.nodeKeys, makeHeartbeatRecorder(deps)), sweep: makeSweeper(deps) };
    },
    opts,
  );
