#!/usr/bin/env node
/** Runs the control-plane handlers under the local runner (one process, one consumer group each). */
import { z } from 'zod';
import { makeKafka } from '../shared/adapters/kafka/client';
import { baseConfigSchema } from '../shared/config';
import { makeLogger } from '../shared/runtime/logger';
import { runHandlers } from '../shared/runtime/local-runner';
import type { BuildHandler } from '../shared/runtime/handler-module';
import { build as podController } from '../functions/pod-controller';
import { build as scheduler } from '../functions/scheduler';
import { build as statusRecorder } from '../functions/status-recorder';
import { build as nodeLifecycle } from '../functions/node-lifecycle';
import { build as replicationController } from '../functions/replication-controller';

export const HANDLERS: Record<string, BuildHandler> = {
  'pod-controller': podController,
  scheduler,
  'status-recorder': statusRecorder,
  'node-lifecycle': nodeLifecycle,
  'replication-controller': replicationController,
};

async function main(): Promise<void> {
  const env = z.object({ HANDLERS: z.string().default(Object.keys(HANDLERS).join(',')), SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5000) }).parse(process.env);
  const config = baseConfigSchema.parse(process.env);
  const logger = makeLogger('handlers', config.LOG_LEVEL);
  const names = env.HANDLERS.split(',').filter(Boolean);
  const runtimes = await Promise.all(
    names.map((n) => {
      const build = HANDLERS[n];
      if (!build) throw new Error(`unknown handler ${n}; known: ${Object.keys(HANDLERS).join(', ')}`);
      return build(process.env);
    }),
  );
  const kafka = makeKafka({ brokers: config.KAFKA_BROKERS, clientId: 'podflow-handlers', topicPrefix: config.KAFKA_TOPIC_PREFIX }, logger);
  const running = await runHandlers(kafka, runtimes, { logger, sweepIntervalMs: env.SWEEP_INTERVAL_MS });
  logger.info({ handlers: names }, 'handlers running');
  const stop = async () => {
    logger.info('stopping handlers');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
