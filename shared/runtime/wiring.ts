/**
 * Builds the real clients a handler needs from configuration: the edge where
 * Kafka and DynamoDB meet the pure code. Used by every functions/<name>/index.ts.
 */
import { baseConfigSchema, type BaseConfig } from '../config';
import { makeDynamoStores } from '../adapters/dynamodb';
import { makeKafka } from '../adapters/kafka/client';
import { KafkaPublisher } from '../adapters/kafka/publisher';
import { systemClock, type Clock, type Logger } from '../ports';
import { LoggedHistoryStore } from './logged-history';
import { makeLogger } from './logger';
import type { Kafka } from 'kafkajs';
import { kafkaSasl, nodeKeysFor } from '../adapters/kafka/auth';
import type { NodeKeys } from '../auth/node-keys';
import type { StoreMetrics } from '../metrics/handler-metrics';

export interface Wiring {
  config: BaseConfig;
  logger: Logger;
  clock: Clock;
  /** Authenticated as this process' principal (its handler name, or 'api'). */
  kafka: Kafka;
  publisher: KafkaPublisher;
  /** Keys to check node-signed records with; null on a broker without authentication. */
  nodeKeys: NodeKeys | null;
  stores: Omit<ReturnType<typeof makeDynamoStores>, 'historyStore'> & { historyStore: LoggedHistoryStore };
  close(): Promise<void>;
}

export async function wire(name: string, env: NodeJS.ProcessEnv, opts: { storeMetrics?: StoreMetrics } = {}): Promise<Wiring> {
  const config = baseConfigSchema.parse(env);
  const logger = makeLogger(name, config.LOG_LEVEL);
  const kafka = makeKafka(
    { brokers: config.KAFKA_BROKERS, clientId: name, ssl: config.KAFKA_SSL === 'true', sasl: kafkaSasl(config, name), topicPrefix: config.KAFKA_TOPIC_PREFIX },
    logger,
  );
  const publisher = KafkaPublisher.fromKafka(kafka);
  await publisher.connect();
  const tables = makeDynamoStores(config, opts.storeMetrics);
  // The history table is a projection of the pod-history topic: every append goes to the log first.
  const stores = { ...tables, historyStore: new LoggedHistoryStore(tables.historyStore, publisher, systemClock, name) };
  return {
    config,
    logger,
    clock: systemClock,
    kafka,
    publisher,
    nodeKeys: nodeKeysFor(config),
    stores,
    close: async () => {
      await publisher.disconnect();
      stores.client.destroy();
    },
  };
}
