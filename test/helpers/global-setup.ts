/**
 * Starts the suite's one Apache Kafka broker and one DynamoDB Local (in
 * memory), shared by every test file; each test takes topics and tables under
 * a prefix of its own (test/helpers/parts.ts). The broker authenticates as in
 * production (SCRAM users, ACLs; shared/local/kafka.ts), its credentials in
 * the suite's directory. Their addresses reach the tests through the
 * environment; global-teardown.ts stops them.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDynamoLocal } from '../../shared/local/dynamodb';
import { startKafkaBroker } from '../../shared/local/kafka';

export default async function globalSetup(): Promise<void> {
  process.stderr.write(`\npodflow: tests run on Node.js ${process.version} (${process.execPath})\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podflow-suite-'));
  const [broker, dynamo] = await Promise.all([
    startKafkaBroker({ dataDir: path.join(dir, 'kafka'), logFile: path.join(dir, 'kafka.log'), heap: '768m', settings: { 'log.cleaner.backoff.ms': '1000' } }),
    startDynamoLocal({ logFile: path.join(dir, 'dynamodb.log') }),
  ]);
  process.env.PODFLOW_TEST_KAFKA_BROKERS = broker.brokers.join(',');
  process.env.PODFLOW_TEST_KAFKA_CREDENTIALS_DIR = broker.credentialsDir;
  process.env.PODFLOW_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.PODFLOW_TEST_PARTS_DIR = dir;
  (globalThis as { podflowSuiteParts?: unknown }).podflowSuiteParts = { broker, dynamo, dir };
}
