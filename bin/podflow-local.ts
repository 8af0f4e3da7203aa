#!/usr/bin/env node
/**
 * `npm start`: the whole local cluster in the foreground (Apache Kafka on
 * 127.0.0.1:9092, DynamoDB Local on port 8000, the handlers, the API on
 * 127.0.0.1:8001, agents node-1 and node-2, each a host of its own: a network
 * namespace with its own Docker engine, the pod network across them). Ctrl-C
 * stops every process of the cluster; the log and the tables under .podflow/
 * stay for the next start, and the hosts keep running with their pods, as
 * machines do, until `npm run down` (`podflow-local down`). A child that
 * dies is restarted with back-off (noted in its log), the children die with
 * the launcher even when it is killed, logs rotate by size, and a second
 * launcher on the same state directory refuses to start (launcher.pid).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../shared/local/paths';
import { startCluster } from '../shared/local/cluster';
import { takePidFile, AlreadyRunningError } from '../shared/local/pid-file';
import { checkStateDir, UnsafeStateDirError } from '../shared/local/state-dir';
import { stopHostsOf } from '../shared/local/hosts';

// Node 20 is this project's target; the SDK's notice about its future releases is noise at every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const env = z
  .object({
    PODFLOW_API_PORT: z.coerce.number().int().default(8001),
    PODFLOW_API_TLS_PORT: z.coerce.number().int().default(8443),
    PODFLOW_AGENTS: z.string().default('node-1,node-2'),
    PODFLOW_RUNTIME: z.enum(['docker', 'hollow']).default('docker'),
    /** 'separate': each Docker agent is a host of its own (network namespace, dockerd, VXLAN pod network; shared/local/hosts.ts). */
    PODFLOW_HOSTS: z.enum(['shared', 'separate']).optional(),
    PODFLOW_STATE_DIR: z.string().default(path.join(REPO_ROOT, '.podflow')),
    PODFLOW_KAFKA_PORT: z.coerce.number().int().min(0).default(9092),
    PODFLOW_DYNAMODB_PORT: z.coerce.number().int().min(0).default(8000),
  })
  .parse(process.env);

/**
 * Separate hosts need root (network namespaces, an engine per host); the default is them when the
 * launcher runs as root, as the README's set-up does, and the machine's one engine otherwise.
 */
const isRoot = process.getuid?.() === 0;

/** A wrong command line or setting: said as a sentence, not a stack trace. */
class UsageError extends Error {}
const hostsMode = env.PODFLOW_HOSTS ?? (isRoot ? 'separate' : 'shared');

/** `podflow-local down`: stop the hosts a cluster of this state directory left running. */
async function down(stateDir: string): Promise<void> {
  if (!existsSync(stateDir)) return console.log(`no hosts of ${stateDir} were running`);
  const releasePidFile = takePidFile(path.join(stateDir, 'launcher.pid'));
  try {
    const removed = await stopHostsOf(stateDir);
    console.log(removed.length ? `stopped the hosts of ${stateDir}: ${removed.join(' ')}` : `no hosts of ${stateDir} were running`);
  } finally {
    releasePidFile();
  }
}

async function main(): Promise<void> {
  const stateDir = env.PODFLOW_STATE_DIR;
  if (process.argv[2] === 'down') return down(stateDir);
  if (process.argv[2]) throw new UsageError(`unknown command ${JSON.stringify(process.argv[2])}: podflow-local [down]`);
  if (hostsMode === 'separate' && !isRoot && env.PODFLOW_RUNTIME === 'docker') {
    throw new UsageError('PODFLOW_HOSTS=separate needs root (a network namespace and a Docker engine per host); run as root, or set PODFLOW_HOSTS=shared');
  }
  // The state directory holds every secret of the cluster: 0700, secrets 0600, or no start (shared/local/state-dir.ts).
  for (const warning of checkStateDir(stateDir)) console.warn(`warning: ${warning}`);
  const releasePidFile = takePidFile(path.join(stateDir, 'launcher.pid'));
  process.on('exit', releasePidFile);
  const cluster = await startCluster({
    supervise: { restart: true, onRestart: (name, line) => console.error(`${line}; see ${path.join(stateDir, 'logs', name + '.log')}`) },
    stateDir,
    apiPort: env.PODFLOW_API_PORT,
    apiTlsPort: env.PODFLOW_API_TLS_PORT,
    agents: env.PODFLOW_AGENTS.split(',').filter(Boolean).map((name) => ({ name, runtime: env.PODFLOW_RUNTIME })),
    separateHosts: hostsMode === 'separate',
    logs: path.join(stateDir, 'logs'),
    kafkaPort: env.PODFLOW_KAFKA_PORT,
    dynamoPort: env.PODFLOW_DYNAMODB_PORT,
  });
  console.log(`podflow is running.
  API:        ${cluster.apiUrl}${cluster.apiTlsUrl ? ` and ${cluster.apiTlsUrl} (TLS, for kubectl)` : ''}
  kubeconfig: ${cluster.kubeconfig}
  broker:     ${cluster.brokers.join(',')}
  dynamodb:   ${cluster.dynamoEndpoint}
  logs:       ${path.join(stateDir, 'logs')}
  metrics:    ${Object.values(cluster.metrics).join(' ')} (handlers; API and agents: docs/metrics.md)
  node:       ${process.version} (${process.execPath})
  hosts:      ${hostsMode === 'separate' ? 'one network namespace and Docker engine per node (PODFLOW_HOSTS=separate); they keep running after Ctrl-C, `npm run down` stops them' : 'every node on the machine\'s Docker engine (PODFLOW_HOSTS=shared)'}
Try: npx podctl get nodes   (Ctrl-C stops the cluster; data stays in ${stateDir})`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping podflow ...');
    await cluster.stop({ keepHosts: true });
    console.log(hostsMode === 'separate' ? 'stopped; the hosts and their pods keep running (npm run down stops them).' : 'stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  // A refusal is a sentence for the user, not a stack trace.
  console.error(err instanceof AlreadyRunningError || err instanceof UnsafeStateDirError || err instanceof UsageError ? err.message : err);
  process.exit(1);
});
