/**
 * A test's share of the suite's broker and store: topics and tables under a
 * prefix no other test uses, created at start and deleted at stop, so tests
 * never read each other's records. `env` is what a podflow process needs to
 * use them (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DYNAMODB_ENDPOINT, TABLE_PREFIX).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { Kafka } from 'kafkajs';
import { ensureTables, makeDynamoStores } from '../../shared/adapters/dynamodb';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { deletePrefixedTopics, ensureTopics } from '../../shared/adapters/kafka/topics';
import { baseConfigSchema } from '../../shared/config';
import { TOPIC_SPECS } from '../../shared/events/topics';

export interface TestParts {
  brokers: string[];
  dynamoEndpoint: string;
  prefix: string;
  env: Record<string, string>;
  /** A kafkajs client that names this test's topics. */
  kafka(clientId?: string): Kafka;
  /** Deletes the test's topics and tables. */
  stop(): Promise<void>;
}

export function suiteParts(): { brokers: string[]; dynamoEndpoint: string } {
  const brokers = process.env.PODFLOW_TEST_KAFKA_BROKERS;
  const dynamoEndpoint = process.env.PODFLOW_TEST_DYNAMODB_ENDPOINT;
  if (!brokers || !dynamoEndpoint) throw new Error('the suite broker and store are not running: run tests through jest (test/helpers/global-setup.ts)');
  return { brokers: brokers.split(','), dynamoEndpoint };
}

export async function startTestParts(o: { tables?: boolean } = {}): Promise<TestParts> {
  const { brokers, dynamoEndpoint } = suiteParts();
  const prefix = `t${randomBytes(4).toString('hex')}-`;
  const env = { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, DYNAMODB_ENDPOINT: dynamoEndpoint, TABLE_PREFIX: prefix };
  const kafka = (clientId = `test-${randomUUID().slice(0, 8)}`) => makeKafka({ brokers, clientId, topicPrefix: prefix });
  await ensureTopics(kafka('test-topics'), TOPIC_SPECS);
  const stores = makeDynamoStores(baseConfigSchema.parse(env));
  if (o.tables !== false) await ensureTables(stores.client, stores.tables);
  return {
    brokers,
    dynamoEndpoint,
    prefix,
    env,
    kafka,
    async stop() {
      await deletePrefixedTopics(kafka('test-topics'), TOPIC_SPECS).catch(() => undefined);
      for (const table of Object.values(stores.tables)) await stores.client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      stores.client.destroy();
    },
  };
}
