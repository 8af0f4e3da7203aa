/**
 * A test's share of the suite's broker and store: topics and tables under a
 * prefix no other test uses, created at start and deleted at stop, so tests
 * never read each other's records. `env` is what a podflow process needs to
 * use them (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DYNAMODB_ENDPOINT, TABLE_PREFIX,
 * and KAFKA_AUTH=scram with the suite's KAFKA_CREDENTIALS_DIR: each process
 * authenticates as its own principal). The test itself acts as the admin; the
 * roles' ACLs are created with the topics, a node's when it joins.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { Kafka } from 'kafkajs';
import { ensureTables, makeDynamoStores } from '../../shared/adapters/dynamodb';
import { deletePrefixedAcls, ensureAcls } from '../../shared/adapters/kafka/acls';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { ADMIN_PRINCIPAL, nodePrincipal, readCredential } from '../../shared/auth/credentials';
import { ensureNodeCredentials } from '../../shared/local/kafka-users';
import { deletePrefixedTopics, ensureTopics } from '../../shared/adapters/kafka/topics';
import { baseConfigSchema } from '../../shared/config';
import { TOPIC_SPECS } from '../../shared/events/topics';

export interface TestParts {
  brokers: string[];
  dynamoEndpoint: string;
  prefix: string;
  env: Record<string, string>;
  /** A kafkajs client that names this test's topics, authenticated as the admin. */
  kafka(clientId?: string): Kafka;
  /** Nodes join as the launcher joins them: a Kafka user, a signing key and ACLs each. */
  joinNodes(names: string[]): Promise<void>;
  /** A client authenticated as a node's own principal (after joinNodes). */
  nodeKafka(nodeName: string): Kafka;
  /** Deletes the test's topics and tables. */
  stop(): Promise<void>;
}

export function suiteParts(): { brokers: string[]; dynamoEndpoint: string; credentialsDir: string } {
  const brokers = process.env.PODFLOW_TEST_KAFKA_BROKERS;
  const dynamoEndpoint = process.env.PODFLOW_TEST_DYNAMODB_ENDPOINT;
  const credentialsDir = process.env.PODFLOW_TEST_KAFKA_CREDENTIALS_DIR;
  if (!brokers || !dynamoEndpoint || !credentialsDir) throw new Error('the suite broker and store are not running: run tests through jest (test/helpers/global-setup.ts)');
  return { brokers: brokers.split(','), dynamoEndpoint, credentialsDir };
}

/** What a hollow fleet needs on the suite's broker: the admin's SASL and where its nodes' keys go. */
export function fleetAuth(): { sasl: ReturnType<typeof suiteSasl>; credentialsDir: string } {
  return { sasl: suiteSasl(ADMIN_PRINCIPAL), credentialsDir: suiteParts().credentialsDir };
}

/** SCRAM settings of a principal of the suite's broker. */
export function suiteSasl(principal: string): { mechanism: 'scram-sha-512'; username: string; password: string } {
  const { username, password } = readCredential(suiteParts().credentialsDir, principal);
  return { mechanism: 'scram-sha-512', username, password };
}

export async function startTestParts(o: { tables?: boolean } = {}): Promise<TestParts> {
  const { brokers, dynamoEndpoint, credentialsDir } = suiteParts();
  const prefix = `t${randomBytes(4).toString('hex')}-`;
  const env = { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, DYNAMODB_ENDPOINT: dynamoEndpoint, TABLE_PREFIX: prefix, KAFKA_AUTH: 'scram', KAFKA_CREDENTIALS_DIR: credentialsDir };
  const admin = suiteSasl(ADMIN_PRINCIPAL);
  const kafka = (clientId = `test-${randomUUID().slice(0, 8)}`) => makeKafka({ brokers, clientId, sasl: admin, topicPrefix: prefix });
  await ensureTopics(kafka('test-topics'), TOPIC_SPECS);
  await ensureAcls(kafka('test-acls'), { roles: true });
  const stores = makeDynamoStores(baseConfigSchema.parse(env));
  if (o.tables !== false) await ensureTables(stores.client, stores.tables);
  return {
    brokers,
    dynamoEndpoint,
    prefix,
    env,
    kafka,
    async joinNodes(names) {
      await ensureNodeCredentials({ credentialsDir, brokers, nodes: names, logFile: `${credentialsDir}/../kafka-users.log` });
      await ensureAcls(kafka('test-acls'), { roles: false, nodes: names });
    },
    nodeKafka: (nodeName) => makeKafka({ brokers, clientId: `test-${nodeName}`, sasl: suiteSasl(nodePrincipal(nodeName)), topicPrefix: prefix }),
    async stop() {
      await deletePrefixedTopics(kafka('test-topics'), TOPIC_SPECS).catch(() => undefined);
      await deletePrefixedAcls(kafka('test-acls')).catch(() => undefined);
      for (const table of Object.values(stores.tables)) await stores.client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      stores.client.destroy();
    },
  };
}
