/**
 * Wires node-lifecycle: heartbeats (node-heartbeats) and API-made spec changes
 * (node-events) from Kafka, sweeps on a timer (EventBridge in the cloud).
 * Each event is taken only from its own topic: nodes may write
 * node-heartbeats, so a spec change found there is refused, never applied.
 */
import { z } from 'zod';
import { nodeHeartbeatEvent, nodeSpecEvent, TOPICS } from '../../shared/events';
import { ValidationError } from '../../shared/errors';
import { makeBatchRunner, type InboundRecord } from '../../shared/runtime/batch-runner';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { wire } from '../../shared/runtime/wiring';
import { lifecycleConfig, retryIntervalMs } from './config';
import { podCidrConfig } from './pod-cidr';
import { requireNodeSignature } from '../../shared/auth/verify-node-records';
import { makeHeartbeatRecorder, makeNodeSpecRecorder, makeSweeper } from './handler';

const NAME = 'node-lifecycle';

/** Both topics' events in one union: their type names never collide. */
export const nodeLifecycleInput = z.union([nodeHeartbeatEvent, nodeSpecEvent]);

export const build: BuildHandler = async (env, opts = {}) => {
  const w = await wire(NAME, env, { storeMetrics: opts.metrics });
  const deps = { ...w.stores, publisher: w.publisher, clock: w.clock, logger: w.logger, config: lifecycleConfig(env), retryIntervalMs: retryIntervalMs(env), podCidrs: podCidrConfig(env) };
  // Only a node may beat for itself (its signature; shared/auth/node-signature.ts).
  const heartbeat = requireNodeSignature(w.nodeKeys, makeHeartbeatRecorder(deps));
  const spec = makeNodeSpecRecorder(deps);
  const handle = async (event: z.infer<typeof nodeLifecycleInput>, record: InboundRecord): Promise<void> => {
    if (event.type === 'NodeHeartbeat' && record.topic === TOPICS.nodeHeartbeats) return heartbeat(event, record);
    if (event.type === 'NodeSpecUpdated' && record.topic === TOPICS.nodeEvents) return spec(event);
    throw new ValidationError(`${event.type} is not accepted from topic ${record.topic}`);
  };
  const run = makeBatchRunner({ handlerName: NAME, schema: nodeLifecycleInput, handle, publisher: w.publisher, clock: w.clock, logger: w.logger, metrics: opts.metrics, maxDeliveries: w.config.HANDLER_MAX_DELIVERIES });
  const sweep = makeSweeper(deps);
  return { name: NAME, topics: [TOPICS.nodeHeartbeats, TOPICS.nodeEvents], run, sweep: async () => void (await sweep()), kafka: w.kafka, close: w.close };
};
