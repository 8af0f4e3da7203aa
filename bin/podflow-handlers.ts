#!/usr/bin/env node
/**
 * Runs the control-plane handlers under the local runner (one process, one
 * consumer group each); with METRICS_PORT set, serves their Prometheus metrics
 * on 127.0.0.1:METRICS_PORT/metrics.
 */
import { z } from 'zod';
import { makeKafka } from '../shared/adapters/kafka/client';
import { baseConfigSchema } from '../shared/config';
import { makeLogger } from '../shared/runtime/logger';
import { runHandlers } from '../shared/runtime/local-runner';
import { PromHandlerMetrics } from '../shared/metrics/prom-handler-metrics';
import { newRegistry } from '../shared/metrics/registry';
import { serveMetrics } from '../shared/metrics/server';
import type { BuildHandler } from '../shared/runtime/handler-module';
import { build as podController } from '../functions/pod-controller';
import { build as scheduler } from '../functions/scheduler';
import { build as statusRecorder } from '../functions/status-recorder';
import { build as nodeLifecycle } from '../functions/node-lifecycle';
import { build as replicationController } from '../functions/replication-controller';
import { build as configController } from '../functions/config-controller';

export const HANDLERS: Record<string, BuildHandler> = {
  'pod-controller': podController,
  scheduler,
  'status-recorder': statusRecorder,
  'node-lifecycle': nodeLifecycle,
  'replication-controller': replicationController,
  'config-controller': configController,
};

async function main(): Promise<void> {
  const env = z
    .object({
      HANDLERS: z.string().default(Object.keys(HANDLERS).join(',')),
      SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
      /** Loopback port of /metrics; 0 serves none. */
      METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    })
    .parse(process.env);
  const config = baseConfigSchema.parse(process.env);
  const logger = makeLogger('handlers', config.LOG_LEVEL);
  const names = env.HANDLERS.split(',').filter(Boolean);
  const registry = newRegistry({ defaultMetrics: true });
  const metrics = new PromHandlerMetrics(registry);
  const runtimes = await Promise.all(
    names.map((n) => {
      const build = HANDLERS[n];
      if (!build) throw new Error(`unknown handler ${n}; known: ${Object.keys(HANDLERS).join(', ')}`);
      return build(process.env, { metrics });
    }),
  );
  const kafka = makeKafka({ brokers: config.KAFKA_BROKERS, clientId: 'podflow-handlers', topicPrefix: config.KAFKA_TOPIC_PREFIX }, logger);
  const running = await runHandlers(kafka, runtimes, { logger, sweepIntervalMs: env.SWEEP_INTERVAL_MS, metrics });
  const metricsServer = env.METRICS_PORT ? await serveMetrics(registry, env.METRICS_PORT) : null;
  logger.info({ handlers: names, metrics: metricsServer?.url }, 'handlers running');
  const stop = async () => {
    logger.info('stopping handlers');
    await metricsServer?.close();
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
