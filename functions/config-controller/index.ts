/** Wires the config-controller to Kafka (config-events) and DynamoDB (ConfigObjects). */
import { configEvent, TOPICS } from '../../shared/events';
import { makeBatchRunner } from '../../shared/runtime/batch-runner';
import type { BuildHandler } from '../../shared/runtime/handler-module';
import { wire } from '../../shared/runtime/wiring';
import { makeConfigController } from './handler';
import { redactSecretValues } from '../../shared/config-objects/schema';

export const NAME = 'config-controller';

export const build: BuildHandler = async (env, opts = {}) => {
  const w = await wire(NAME, env, { storeMetrics: opts.metrics });
  const controller = makeConfigController({ configStore: w.stores.configStore, historyStore: w.stores.historyStore, publisher: w.publisher, clock: w.clock, logger: w.logger });
  const run = makeBatchRunner({ handlerName: NAME, schema: configEvent, handle: controller.handle, publisher: w.publisher, clock: w.clock, logger: w.logger, metrics: opts.metrics, redact: redactSecretValues });
  return { name: NAME, topics: [TOPICS.configEvents], run, kafka: w.kafka, close: w.close };
};
