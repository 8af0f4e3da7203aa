#!/usr/bin/env node
/**
 * `npm run rebuild [-- --replace] [-- --keep]`: replays the log into fresh
 * tables and compares them with the live projections (shared/rebuild). It finds
 * the running local cluster through .podflow/cluster.json, or any cluster
 * through KAFKA_BROKERS, DYNAMODB_ENDPOINT and the TABLE_* / prefix settings.
 * Exit code 0 when identical (or replaced), 1 when they differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { makeDynamoClient } from '../shared/adapters/dynamodb';
import { kafkaSasl } from '../shared/adapters/kafka/auth';
import { makeKafka } from '../shared/adapters/kafka/client';
import { ADMIN_PRINCIPAL } from '../shared/auth/credentials';
import { baseConfigSchema, tablesFrom } from '../shared/config';
import { REPO_ROOT } from '../shared/local/paths';
import { formatReport, rebuildProjections } from '../shared/rebuild/rebuild';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

async function main(): Promise<void> {
  const program = new Command('podflow-rebuild')
    .option('--replace', 'make the live tables hold the rebuilt items (stop the handlers first)')
    .option('--keep', 'keep the rebuilt tables (rebuild-<stamp>-*) for inspection')
    .option('--state-dir <dir>', 'the local cluster whose cluster.json to use', process.env.PODFLOW_STATE_DIR ?? path.join(REPO_ROOT, '.podflow'))
    .parse();
  const opts = program.opts<{ replace?: boolean; keep?: boolean; stateDir: string }>();
  const file = path.join(opts.stateDir, 'cluster.json');
  const local: Record<string, string> = !process.env.KAFKA_BROKERS && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const config = baseConfigSchema.parse({ ...local, ...process.env });
  if (config.KAFKA_BROKERS.length === 0) throw new Error(`no cluster: start one with npm start, or set KAFKA_BROKERS and DYNAMODB_ENDPOINT`);
  const kafka = makeKafka({ brokers: config.KAFKA_BROKERS, clientId: 'podflow-rebuild', sasl: kafkaSasl(config, ADMIN_PRINCIPAL), topicPrefix: config.KAFKA_TOPIC_PREFIX });
  const client = makeDynamoClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION });
  try {
    const report = await rebuildProjections({ kafka, client, live: tablesFrom(config), replace: opts.replace, keep: opts.keep });
    console.log(formatReport(report));
    process.exitCode = report.identical || report.replaced ? 0 : 1;
  } finally {
    client.destroy();
  }
}

main().catch((err) => {
  console.error(`rebuild failed: ${(err as Error).message}`);
  process.exit(2);
});
