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
import { mskIamSasl } from '../adapters/kafka/msk-iam';
import type { StoreMetrics } from '../metrics/handler-metrics';

export interface Wiring {
  config: BaseConfig;
  logger: Logger;
  clock: Clock;
  kafka: Kafka;
  publisher: KafkaPublisher;
  stores: Omit<ReturnType<typeof makeDynamoStores>, 'historyStore'> & { historyStore: LoggedHistoryStore };
  close(): Promise<void>;
}

export async function wire(name: string, env: NodeJS.ProcessEnv, opts: { storeMetrics?: StoreMetrics } = {}): Promise<Wiring> {
  const config = baseConfigSchema.parse(env);
  const logger = makeLogger(name, config.LOG_LEVEL);
  const kafka = makeKafka(
    { brokers: config.KAFKA_BROKERS, clientId: name, ssl: config.KAFKA_SSL === 'true', sasl: await saslFor(config), topicPrefix: config.KAFKA_TOPIC_PREFIX },
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
    stores,
    close: async () => {
      await publisher.disconnect();
      stores.client.destroy();
    },
  };
}

/** MSK IAM auth in the cloud: kafkajs' OAUTHBEARER with tokens from the MSK IAM signer. */
async function saslFor(config: BaseConfig) {
  if (config.KAFKA_AUTH !== 'iam') return undefined;
  return mskIamSasl(config.AWS_REGION);
}
