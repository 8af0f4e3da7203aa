/** Wires the replication-controller to Kafka (rc-events and pod-changes) and DynamoDB. */
import { z } from 'zod';
import { podChangeEvent, rcEvent, TOPICS } from '../../shared/events';
import { makeBatchRunner } from '../../shared/runtime/batch-runner';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { wire } from '../../shared/runtime/wiring';
import { makeReplicationController } from './handler';
import { admissionPolicyFromEnv, admitPod } from '../../shared/pod/admission';

export const NAME = 'replication-controller';

/** Both topics' events in one union: their type names never collide. */
export const replicationControllerInput = z.union([rcEvent, podChangeEvent]);

const timingsSchema = z.object({
  RC_RESEND_AFTER_MS: z.coerce.number().int().positive().optional(),
  RC_PENDING_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  RC_POD_SCAN_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
});

export const build: BuildHandler = async (env, opts = {}) => {
  const w = await wire(NAME, env, { storeMetrics: opts.metrics });
  const t = timingsSchema.parse(env);
  const policy = admissionPolicyFromEnv(env);
  const controller = makeReplicationController({
    rcStore: w.stores.rcStore,
    podStore: w.stores.podStore,
    historyStore: w.stores.historyStore,
    publisher: w.publisher,
    clock: w.clock,
    logger: w.logger,
    podScanIntervalMs: t.RC_POD_SCAN_INTERVAL_MS,
    admit: (pod) => admitPod(pod, policy),
    timings: { ...(t.RC_RESEND_AFTER_MS ? { resendAfterMs: t.RC_RESEND_AFTER_MS } : {}), ...(t.RC_PENDING_TIMEOUT_MS ? { pendingTimeoutMs: t.RC_PENDING_TIMEOUT_MS } : {}) },
  });
  const run = makeBatchRunner({ handlerName: NAME, schema: replicationControllerInput, handle: controller.handle, publisher: w.publisher, clock: w.clock, logger: w.logger, metrics: opts.metrics });
  return { name: NAME, topics: [TOPICS.rcEvents, TOPICS.podChanges], run, sweep: async () => void (await controller.sweep()), kafka: w.kafka, close: w.close };
};
