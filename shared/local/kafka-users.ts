/**
 * SCRAM users of the embedded broker. The roles' users are written into the
 * storage when it is formatted (`kafka-storage format --add-scram`); a node
 * that joins later gets its user from Kafka's own `kafka-configs` tool
 * (kafka.admin.ConfigCommand, on the jars set-up already fetched), since
 * kafkajs has no AlterUserScramCredentials. The tool runs as the admin: over
 * the client listener with SCRAM, or, before the admin's SCRAM user exists
 * (storage formatted before authentication was added), over the broker's
 * internal listener with the PLAIN password that only server.properties holds
 * (the controller's own listener does not serve this API).
 */
import { existsSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_PRINCIPAL, hasCredential, newCredential, nodePrincipal, readCredential, writeCredential, writePrivate, type Credential } from '../auth/credentials';
import { mintNodeKey } from '../auth/node-keys';
import { KAFKA_LIBS } from './paths';
import { runJava } from './java-process';

export const SCRAM_MECHANISM = 'SCRAM-SHA-512';
const ITERATIONS = 4096;

/** `--add-scram` arguments for `kafka-storage format`. */
export function formatScramArgs(users: readonly Credential[]): string[] {
  return users.flatMap((u) => ['--add-scram', `${SCRAM_MECHANISM}=[name=${u.username},iterations=${ITERATIONS},password=${u.password}]`]);
}

/** A broker address; with `plainPassword`, the internal listener's PLAIN admin instead of the admin's SCRAM credential. */
export interface AdminEndpoint {
  bootstrapServer: string;
  plainPassword?: string;
}

/** Creates (or resets) SCRAM users on a running broker, one tool run per user, side by side. */
export async function alterScramUsers(o: { credentialsDir: string; endpoint: AdminEndpoint; users: readonly Credential[]; logFile: string }): Promise<void> {
  if (o.users.length === 0) return;
  const clientConfig = path.join(o.credentialsDir, `admin-client-${process.pid}-${Date.now()}.properties`);
  const plain = o.endpoint.plainPassword;
  const admin = plain ? null : readCredential(o.credentialsDir, ADMIN_PRINCIPAL);
  writePrivate(
    clientConfig,
    plain
      ? clientProperties('PLAIN', `org.apache.kafka.common.security.plain.PlainLoginModule required username="${ADMIN_PRINCIPAL}" password="${plain}";`)
      : clientProperties('SCRAM-SHA-512', `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin!.username}" password="${admin!.password}";`),
  );
  const target = ['--bootstrap-server', o.endpoint.bootstrapServer];
  try {
    await Promise.all(
      o.users.map((u) =>
        runJava(
          [
            '-Xmx128m',
            '-XX:+UseSerialGC',
            '-XX:TieredStopAtLevel=1',
            '-cp',
            path.join(KAFKA_LIBS, '*'),
            'kafka.admin.ConfigCommand',
            ...target,
            '--command-config',
            clientConfig,
            '--alter',
            '--entity-type',
            'users',
            '--entity-name',
            u.username,
            '--add-config',
            `${SCRAM_MECHANISM}=[iterations=${ITERATIONS},password=${u.password}]`,
          ],
          { logFile: o.logFile, what: `creating the Kafka user ${u.username}` },
        ),
      ),
    );
  } finally {
    if (existsSync(clientConfig)) unlinkSync(clientConfig);
  }
}

function clientProperties(mechanism: string, jaas: string): string {
  return `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=${mechanism}\nsasl.jaas.config=${jaas}\n`;
}

/**
 * A node joins: its own SCRAM user (created once, then reused) and its signing
 * key. Idempotent, so the launcher and the tests call it on every start.
 */
export async function ensureNodeCredentials(o: { credentialsDir: string; brokers: string[]; nodes: readonly string[]; logFile: string }): Promise<void> {
  const missing = o.nodes.filter((n) => !hasCredential(o.credentialsDir, nodePrincipal(n)));
  const users = missing.map((n) => newCredential(nodePrincipal(n)));
  await alterScramUsers({ credentialsDir: o.credentialsDir, endpoint: { bootstrapServer: o.brokers[0] }, users, logFile: o.logFile });
  for (const u of users) if (!hasCredential(o.credentialsDir, u.username)) writeCredential(o.credentialsDir, u);
  for (const n of o.nodes) mintNodeKey(o.credentialsDir, n);
}
