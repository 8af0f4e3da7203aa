/**
 * The embedded log: Apache Kafka (scripts/kafka/pom.xml) as one KRaft node that
 * is both broker and controller, listening on 127.0.0.1 only, its data under
 * `dataDir`. The storage is formatted once; a later start resumes the same log.
 * Single-node settings: the internal topics (consumer offsets, transaction
 * state) have one replica, or consumer groups never find a coordinator.
 *
 * Every client authenticates: the client listener speaks SASL_PLAINTEXT with
 * SCRAM-SHA-512 only (plain text is acceptable on 127.0.0.1; SCRAM never sends
 * the password), the controller and the internal (broker-to-broker) listeners
 * PLAIN with the admin's password from server.properties (0600), so the
 * broker never depends on its own SCRAM users to start, and the StandardAuthorizer denies what no ACL
 * allows (`allow.everyone.if.no.acl.found=false`; the admin is the one super
 * user). The roles' credentials live in `credentialsDir` (0700, files 0600),
 * created with the storage (shared/local/kafka-users.ts); the ACLs are created
 * with the topics (shared/adapters/kafka/acls.ts).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { ADMIN_PRINCIPAL, ensurePrivateDir, hasCredential, newCredential, readCredential, ROLE_PRINCIPALS, writeCredential, writePrivate, type Credential } from '../auth/credentials';
import { KAFKA_LIBS } from './paths';
import { freePort, runJava, spawnJava, waitUntil } from './java-process';
import { alterScramUsers, formatScramArgs } from './kafka-users';

export interface LocalBroker {
  brokers: string[];
  /** The roles' and nodes' credentials (KAFKA_CREDENTIALS_DIR of the processes). */
  credentialsDir: string;
  /** The admin's SASL settings (topic and ACL set-up). */
  adminSasl: SASLOptions;
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
  /** Where the credentials live; `kafka-auth` beside `dataDir` by default. */
  credentialsDir?: string;
}

function serverProperties(o: { dataDir: string; port: number; controllerPort: number; internalPort: number; admin: Credential; extra: Record<string, string> }): string {
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${o.admin.username}" password="${o.admin.password}" user_${o.admin.username}="${o.admin.password}";`;
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `SASL_PLAINTEXT://127.0.0.1:${o.port},INTERNAL://127.0.0.1:${o.internalPort},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${o.port},INTERNAL://127.0.0.1:${o.internalPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    // SCRAM users live in the metadata log: the controller and internal listeners take a static PLAIN admin instead.
    'listener.name.internal.sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'listener.name.internal.plain.sasl.jaas.config': plain,
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': plain,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    'super.users': `User:${o.admin.username}`,
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
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const credentialsDir = opts.credentialsDir ?? path.join(path.dirname(opts.dataDir), 'kafka-auth');
  ensurePrivateDir(credentialsDir);
  // The admin exists before anything else: server.properties names it.
  const adminIsNew = !hasCredential(credentialsDir, ADMIN_PRINCIPAL);
  if (adminIsNew) writeCredential(credentialsDir, newCredential(ADMIN_PRINCIPAL));
  const admin = readCredential(credentialsDir, ADMIN_PRINCIPAL);
  const port = opts.port || (await freePort());
  const controllerPort = await freePort();
  const internalPort = await freePort();
  const config = path.join(opts.dataDir, 'server.properties');
  writePrivate(config, serverProperties({ dataDir: opts.dataDir, port, controllerPort, internalPort, admin, extra: opts.settings ?? {} }));
  const log4j = path.join(opts.dataDir, 'log4j2.properties');
  writePrivate(log4j, LOG4J);
  const classpath = ['-cp', path.join(KAFKA_LIBS, '*')];
  const jvm = [`-Dlog4j2.configurationFile=${log4j}`, `-Xmx${opts.heap ?? '512m'}`, `-Xms${opts.heap ?? '512m'}`, '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

  const missingRoles = ROLE_PRINCIPALS.filter((p) => p !== ADMIN_PRINCIPAL && !hasCredential(credentialsDir, p)).map(newCredential);
  let lateUsers: Credential[] = missingRoles;
  if (!existsSync(path.join(opts.dataDir, 'data', 'meta.properties'))) {
    const existing = ROLE_PRINCIPALS.filter((p) => hasCredential(credentialsDir, p)).map((p) => readCredential(credentialsDir, p));
    await runJava([...classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId()}`, '-c', config, ...formatScramArgs([...existing, ...missingRoles])], {
      logFile: opts.logFile,
      what: 'formatting the Kafka storage',
    });
    lateUsers = [];
  } else if (adminIsNew) {
    // Storage from before authentication (or credentials lost): the admin's SCRAM user comes over the controller listener too.
    lateUsers = [admin, ...missingRoles];
  }
  const proc = spawnJava([...jvm, ...classpath, 'kafka.Kafka', config], { logFile: opts.logFile });
  const brokers = [`127.0.0.1:${port}`];
  const adminSasl: SASLOptions = { mechanism: 'scram-sha-512', username: admin.username, password: admin.password };
  if (lateUsers.length > 0) {
    await waitUntil('the Kafka broker', proc, () => listening(internalPort), 90000, opts.logFile);
    await alterScramUsers({ credentialsDir, endpoint: { bootstrapServer: `127.0.0.1:${internalPort}`, plainPassword: admin.password }, users: lateUsers, logFile: opts.logFile });
  }
  await waitUntil('the Kafka broker', proc, () => answers(brokers, adminSasl), 90000, opts.logFile);
  for (const c of missingRoles) writeCredential(credentialsDir, c);
  return { brokers, credentialsDir, adminSasl, pid: () => proc.jvmPid(), stop: () => proc.stop() };
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

/** True once something accepts connections on the port (the controller starts before the broker). */
async function listening(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function answers(brokers: string[], sasl: SASLOptions): Promise<boolean> {
  const admin = new Kafka({ brokers, clientId: 'podflow-probe', sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
