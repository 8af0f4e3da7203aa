/**
 * The embedded log: Apache Kafka (scripts/kafka/pom.xml) as one KRaft node that
 * is both broker and controller, listening on 127.0.0.1 only, its data under
 * `dataDir`. The storage is formatted once; a later start resumes the same log.
 * Single-node settings: the internal topics (consumer offsets, transaction
 * state) have one replica, or consumer groups never find a coordinator.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_LIBS } from './paths';
import { freePort, runJava, spawnJava, waitUntil } from './java-process';

export interface LocalBroker {
  brokers: string[];
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  dataDir: string;
  /** Client port (0: any free one). */
  port?: number;
  /** JVM heap, e.g. '512m'. */
  heap?: string;
  logFile: string;
  /** Extra broker settings (tests shorten the log cleaner's back-off). */
  settings?: Record<string, string>;
}

function serverProperties(o: { dataDir: string; port: number; controllerPort: number; extra: Record<string, string> }): string {
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': path.join(o.dataDir, 'data'),
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '8',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    'num.partitions': '1',
    // An idle single-node controller need not write a no-op to its metadata log twice a second.
    'metadata.max.idle.interval.ms': '5000',
    // podflow's topics are small; 1 MiB index files instead of 10 MiB keep thousands of test partitions cheap.
    'segment.index.bytes': String(1024 * 1024),
    ...o.extra,
  };
  return Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

export async function startKafkaBroker(opts: BrokerOptions): Promise<LocalBroker> {
  if (!existsSync(KAFKA_LIBS) || readdirSync(KAFKA_LIBS).length === 0) {
    throw new Error(`${KAFKA_LIBS} is missing: run 'bash scripts/setup.sh' (npm start and npm test do)`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const port = opts.port || (await freePort());
  const controllerPort = await freePort();
  const config = path.join(opts.dataDir, 'server.properties');
  writeFileSync(config, serverProperties({ dataDir: opts.dataDir, port, controllerPort, extra: opts.settings ?? {} }));
  const log4j = path.join(opts.dataDir, 'log4j2.properties');
  writeFileSync(log4j, LOG4J);
  const classpath = ['-cp', path.join(KAFKA_LIBS, '*')];
  const jvm = [`-Dlog4j2.configurationFile=${log4j}`, `-Xmx${opts.heap ?? '512m'}`, `-Xms${opts.heap ?? '512m'}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

  if (!existsSync(path.join(opts.dataDir, 'data', 'meta.properties'))) {
    await runJava([...classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId()}`, '-c', config], { logFile: opts.logFile, what: 'formatting the Kafka storage' });
  }
  const proc = spawnJava([...jvm, ...classpath, 'kafka.Kafka', config], { logFile: opts.logFile });
  const brokers = [`127.0.0.1:${port}`];
  await waitUntil('the Kafka broker', proc, () => answers(brokers), 90000, opts.logFile);
  return { brokers, pid: () => proc.jvmPid(), stop: () => proc.stop() };
}

/** The broker's own log: warnings, and the lines that say it started or stopped. */
const LOG4J = `status = error
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = OUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`;

/** A KRaft cluster id: 16 random bytes, base64url without padding (it may start with "-", so it is passed as --cluster-id=ID). */
function clusterId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

async function answers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ brokers, clientId: 'podflow-probe', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
