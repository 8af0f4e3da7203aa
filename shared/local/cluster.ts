/**
 * The whole local cluster on one machine: Apache Kafka, DynamoDB Local, the
 * handlers, the API and the agents, each a real process. `npm start` and the
 * end-to-end tests both start it from here (tests hand in a shared broker and
 * store with KAFKA_BROKERS / DYNAMODB_ENDPOINT and prefixes of their own).
 * Stopping is reverse order; the log and the tables stay under the state
 * directory, so the next start resumes them and running pods keep running.
 * Each handler process serves /metrics on a free loopback port, written to
 * cluster.json under `metrics` (the API and the agents serve theirs on their
 * own ports, behind their tokens).
 */
import { nodeAgentToken } from '../auth/agent-token';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { ensureTables, makeDynamoStores } from '../adapters/dynamodb';
import { ensureAcls } from '../adapters/kafka/acls';
import { kafkaSasl } from '../adapters/kafka/auth';
import { makeKafka } from '../adapters/kafka/client';
import { ensureTopics } from '../adapters/kafka/topics';
import { ADMIN_PRINCIPAL } from '../auth/credentials';
import { ensureNodeCredentials } from './kafka-users';
import { baseConfigSchema } from '../config';
import { TOPIC_SPECS } from '../events/topics';
import { startDynamoLocal, type LocalDynamo } from './dynamodb';
import { startKafkaBroker, type LocalBroker } from './kafka';
import { REPO_ROOT } from './paths';
import { writeKubeconfig } from './kubeconfig';
import { ensureLocalTls } from './tls';
import { nextRestartDelay } from './restart-policy';
import { DEFAULT_LOG_ROTATION, RotatingLog, type RotationSettings } from './rotating-log';
import { addHost, hostTag, planHosts, startHosts, type Hosts } from './hosts';

/** Which handlers run together in one process. */
export const HANDLER_PROCESSES: Record<string, string[]> = {
  handlers: ['pod-controller', 'status-recorder', 'node-lifecycle', 'replication-controller', 'config-controller'],
  scheduler: ['scheduler'],
};

export interface AgentSpec {
  name: string;
  runtime: 'docker' | 'hollow';
  env?: Record<string, string>;
}

export interface ClusterOptions {
  stateDir: string;
  apiPort: number;
  /** HTTPS port of the API (0: none). */
  apiTlsPort: number;
  agents: AgentSpec[];
  /**
   * Run each Docker agent as a host of its own (shared/local/hosts.ts): its own network namespace and
   * engine, an underlay between them, and the VXLAN pod network. Off: every agent shares the machine's engine.
   */
  separateHosts?: boolean;
  /** Extra environment for every process (timings, policies). */
  env?: Record<string, string>;
  /** Where child output goes: a directory of log files, or 'inherit'. */
  logs: string | 'inherit';
  /** Extra node flags for every child (e.g. --cpu-prof when profiling a benchmark). */
  nodeArgs?: string[];
  /** Keep DynamoDB data in memory only (throwaway clusters: benchmarks). */
  storeInMemory?: boolean;
  /** Ports of the embedded broker and store (0 or unset: any free port). */
  kafkaPort?: number;
  dynamoPort?: number;
  /**
   * `npm start`: restart a child that dies (back-off, restart-policy.ts, noted in its log) and rotate the
   * log files by size (rotating-log.ts). Tests that kill a process on purpose leave this off.
   */
  supervise?: { restart: boolean; rotation?: RotationSettings; onRestart?: (name: string, line: string) => void };
}

export interface LocalCluster {
  apiUrl: string;
  apiTlsUrl?: string;
  token: string;
  agentToken: string;
  brokers: string[];
  /** The admin's SASL settings on an authenticating broker (tools and tests that read the topics). */
  adminSasl?: SASLOptions;
  dynamoEndpoint: string;
  kubeconfig: string;
  /** Scrape URL of each handler process's metrics, by process name (handlers, scheduler). */
  metrics: Record<string, string>;
  env: Record<string, string>;
  processes: Map<string, ChildProcess>;
  /** Every process of the cluster by name (the embedded broker's and store's JVMs too), for CPU accounting. */
  pids(): Record<string, number>;
  startAgent(agent: AgentSpec): Promise<ChildProcess>;
  /** Stops every process; `keepHosts` leaves separate hosts (their engines and pods) running, as `npm start`'s Ctrl-C does. */
  stop(opts?: { keepHosts?: boolean }): Promise<void>;
}

const DIST = path.join(REPO_ROOT, 'dist');

function secret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(24).toString('hex');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

/** A loopback port free right now (the OS picks it; the child binds it moments later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export async function startCluster(opts: ClusterOptions): Promise<LocalCluster> {
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const token = secret(path.join(opts.stateDir, 'token'));
  const agentToken = secret(path.join(opts.stateDir, 'agent-token'));
  const processes = new Map<string, ChildProcess>();
  let broker: LocalBroker | null = null;
  let dynamo: LocalDynamo | null = null;
  let hosts: Hosts | null = null;

  let stopping = false;
  const restartTimers = new Set<NodeJS.Timeout>();
  const stop = async (stopOpts: { keepHosts?: boolean } = {}) => {
    stopping = true;
    restartTimers.forEach(clearTimeout);
    const end = async ([name, child]: [string, ChildProcess]) => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      processes.delete(name);
    };
    // The agents first, side by side, so none sees the control plane go while it still runs; then the API and handlers together.
    const all = [...processes];
    await Promise.all(all.filter(([name]) => name.startsWith('agent-')).map(end));
    await Promise.all(all.filter(([name]) => !name.startsWith('agent-')).map(end));
    if (!stopOpts.keepHosts) await hosts?.stop();
    await dynamo?.stop();
    await broker?.stop();
  };

  try {
    const logDir = opts.logs === 'inherit' ? opts.stateDir : opts.logs;
    mkdirSync(logDir, { recursive: true });
    const external = { ...process.env, ...(opts.env ?? {}) };
    // The broker and the store start side by side: each is a JVM that takes seconds to warm up.
    [broker, dynamo] = await Promise.all([
      external.KAFKA_BROKERS ? null : startKafkaBroker({ dataDir: path.join(opts.stateDir, 'kafka'), port: opts.kafkaPort, logFile: path.join(logDir, 'kafka.log') }),
      external.DYNAMODB_ENDPOINT
        ? null
        : startDynamoLocal({ dataDir: opts.storeInMemory ? undefined : path.join(opts.stateDir, 'dynamodb'), port: opts.dynamoPort, logFile: path.join(logDir, 'dynamodb.log') }),
    ]);
    const brokers = broker ? broker.brokers : external.KAFKA_BROKERS!.split(',');
    const dynamoEndpoint = dynamo ? dynamo.endpoint : external.DYNAMODB_ENDPOINT!;
    const tls = opts.apiTlsPort ? ensureLocalTls(path.join(opts.stateDir, 'tls')) : null;
    const env: Record<string, string> = {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...(tls ? { API_TLS_PORT: String(opts.apiTlsPort), API_TLS_CERT: tls.certFile, API_TLS_KEY: tls.keyFile } : {}),
      KAFKA_BROKERS: brokers.join(','),
      // The embedded broker authenticates every process as its own principal (shared/local/kafka.ts).
      ...(broker ? { KAFKA_AUTH: 'scram', KAFKA_CREDENTIALS_DIR: broker.credentialsDir } : {}),
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      API_TOKEN: token,
      AGENT_TOKEN: agentToken,
      API_PORT: String(opts.apiPort),
      ...(opts.env ?? {}),
    };
    const config = baseConfigSchema.parse(env);
    const metricsPorts: Record<string, number> = {};
    for (const name of Object.keys(HANDLER_PROCESSES)) metricsPorts[name] = await freePort();
    const metrics = Object.fromEntries(Object.entries(metricsPorts).map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`]));
    // Where `npm run rebuild` and other tools find this cluster's log and store, and where to scrape the handlers.
    const { KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DYNAMODB_ENDPOINT, TABLE_PREFIX, KAFKA_AUTH, KAFKA_CREDENTIALS_DIR } = { KAFKA_TOPIC_PREFIX: '', TABLE_PREFIX: 'podflow-', ...env } as Record<string, string>;
    writeFileSync(path.join(opts.stateDir, 'cluster.json'), JSON.stringify({ KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, DYNAMODB_ENDPOINT, TABLE_PREFIX, KAFKA_AUTH, KAFKA_CREDENTIALS_DIR, metrics }, null, 2) + '\n', { mode: 0o600 });
    const stores = makeDynamoStores(config);
    await ensureTables(stores.client, stores.tables);
    stores.client.destroy();
    const adminSasl = kafkaSasl(config, ADMIN_PRINCIPAL);
    const adminKafka = makeKafka({ brokers, clientId: 'podflow-local', sasl: adminSasl, topicPrefix: config.KAFKA_TOPIC_PREFIX });
    await ensureTopics(adminKafka, TOPIC_SPECS);
    if (config.KAFKA_AUTH === 'scram') await ensureAcls(adminKafka, { roles: true });
    /** A node joins: its own Kafka user, signing key and ACLs (shared/local/kafka-users.ts, shared/adapters/kafka/acls.ts). */
    const joinNodes = async (names: string[]) => {
      if (config.KAFKA_AUTH !== 'scram') return;
      await ensureNodeCredentials({ credentialsDir: config.KAFKA_CREDENTIALS_DIR!, brokers, nodes: names, logFile: path.join(logDir, 'kafka-users.log') });
      await ensureAcls(adminKafka, { roles: false, nodes: names });
    };
    await joinNodes(opts.agents.map((a) => a.name));

    const supervise = opts.supervise;
    const spawnChild = (name: string, script: string, extra: Record<string, string> = {}, previousDelayMs: number | null = null) => {
      const logPath = path.join(opts.logs, `${name}.log`);
      const logFile: RotatingLog | WriteStream | null =
        opts.logs === 'inherit' ? null : supervise ? new RotatingLog(logPath, supervise.rotation ?? DEFAULT_LOG_ROTATION) : createWriteStream(logPath, { flags: 'a' });
      // Supervised children hold their stdin from us: its EOF when we die stops them (die-with-parent.ts).
      const child = spawn(process.execPath, [...(supervise ? ['-r', path.join(DIST, 'shared/local/die-with-parent.js')] : []), ...(opts.nodeArgs ?? []), path.join(DIST, script)], {
        env: { ...process.env, ...env, ...extra, ...(supervise ? { PODFLOW_DIE_WITH_PARENT: '1' } : {}) },
        stdio: opts.logs === 'inherit' ? 'inherit' : [supervise ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      if (logFile) {
        child.stdout?.pipe(logFile, { end: false });
        child.stderr?.pipe(logFile, { end: false });
      }
      processes.set(name, child);
      const started = Date.now();
      child.once('exit', (code, signal) => {
        if (stopping || !supervise?.restart || processes.get(name) !== child) {
          logFile?.end();
          return;
        }
        const delay = nextRestartDelay(previousDelayMs, Date.now() - started);
        const line = `${name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`;
        if (logFile instanceof RotatingLog) logFile.note(line);
        supervise.onRestart?.(name, line);
        const timer = setTimeout(() => {
          restartTimers.delete(timer);
          logFile?.end();
          if (!stopping) spawnChild(name, script, extra, delay);
        }, delay);
        restartTimers.add(timer);
      });
      return child;
    };

    // The scheduler gets a process (and so a core) of its own: a single Node thread
    // running every handler is the first thing to saturate under load.
    for (const [name, handlers] of Object.entries(HANDLER_PROCESSES)) spawnChild(name, 'bin/podflow-handlers.js', { HANDLERS: handlers.join(','), METRICS_PORT: String(metricsPorts[name]) });
    spawnChild('api', 'api/main.js');
    const apiUrl = `http://127.0.0.1:${opts.apiPort}`;
    await waitForHttp(`${apiUrl}/healthz`, 60000);

    const startAgent = async (agent: AgentSpec) => {
      await joinNodes([agent.name]);
      // Each agent gets only its own node's token; the cluster's stays with the API.
      const agentEnv = { NODE_NAME: agent.name, RUNTIME: agent.runtime, AGENT_PORT: '0', PODS_TABLE: stores.tables.Pods, CONFIG_OBJECTS_TABLE: stores.tables.ConfigObjects, AGENT_TOKEN: nodeAgentToken(agentToken, agent.name) };
      // A Docker node that joins at runtime gets a host of its own on the running underlay.
      if (hosts && agent.runtime === 'docker' && !hosts.plan.hosts.some((h) => h.name === agent.name)) await addHost(hosts, agent.name, opts.stateDir);
      const hostEnv = hosts && agent.runtime === 'docker' ? { ...hosts.agentEnv(agent.name), NODES_TABLE: stores.tables.Nodes } : {};
      return spawnChild(`agent-${agent.name}`, 'agent/main.js', { ...agentEnv, ...hostEnv, ...(agent.env ?? {}) });
    };
    if (opts.separateHosts) {
      const names = opts.agents.filter((a) => a.runtime === 'docker').map((a) => a.name);
      if (names.length > 0) hosts = await startHosts(planHosts(hostTag(opts.stateDir), names, opts.stateDir));
    }
    for (const agent of opts.agents) await startAgent(agent);

    const kubeconfig = path.join(opts.stateDir, 'kubeconfig');
    const apiTlsUrl = tls ? `https://127.0.0.1:${opts.apiTlsPort}` : undefined;
    writeKubeconfig(kubeconfig, { httpServer: apiUrl, httpsServer: apiTlsUrl, caPem: tls?.caPem, token });
    const pids = () => {
      const out: Record<string, number> = {};
      const kafkaPid = broker?.pid();
      const dynamoPid = dynamo?.pid();
      if (kafkaPid) out.kafka = kafkaPid;
      if (dynamoPid) out.dynamodb = dynamoPid;
      for (const [name, child] of processes) if (child.pid && child.exitCode === null) out[name] = child.pid;
      return out;
    };
    return { apiUrl, apiTlsUrl, token, agentToken, brokers, adminSasl, dynamoEndpoint, kubeconfig, metrics, env, processes, pids, startAgent, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
