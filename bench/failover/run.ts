#!/usr/bin/env node
/**
 * bench/failover: time from an agent's death (SIGKILL) to every replacement
 * Running on the other node, for replication controllers of 1, 10 and 50
 * pods, with grace 5 s and eviction timeout 5 s. Reports the total and the
 * overhead beyond the two timers; prints a table and writes JSON.
 * Real processes throughout: Kafka, DynamoDB Local, handlers, API, Docker agents
 * (or hollow agents with FAILOVER_RUNTIME=hollow). Bounded per round.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { z } from 'zod';
import { REPO_ROOT } from '../../shared/local/paths';
import { startCluster, type LocalCluster } from '../../shared/local/cluster';

const env = z
  .object({
    FAILOVER_SIZES: z.string().default('1,10,50'),
    FAILOVER_RUNTIME: z.enum(['docker', 'hollow']).default('docker'),
    GRACE_MS: z.coerce.number().int().positive().default(5000),
    EVICTION_MS: z.coerce.number().int().min(0).default(5000),
    ROUND_TIMEOUT_MS: z.coerce.number().int().positive().default(180_000),
  })
  .parse(process.env);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agentEnv = { HEARTBEAT_INTERVAL_MS: '1000', RESYNC_INTERVAL_MS: '2000' };

interface Row {
  pods: number;
  runtime: string;
  totalMs: number;
  timersMs: number;
  overheadMs: number;
  /** When the node was marked lost, the last replacement was Running this long after. */
  afterEvictionMs: number;
}

/** The parts of the API's answers (pods, nodes, lists) the bench reads. */
interface ApiObject {
  items?: ApiObject[];
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function round(size: number): Promise<Row> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-failover-'));
  const suffix = randomBytes(3).toString('hex');
  const [nodeA, nodeB] = [`fa-${suffix}`, `fb-${suffix}`];
  const cluster: LocalCluster = await startCluster({
    stateDir,
    apiPort: 21000 + Math.floor(Math.random() * 9000),
    apiTlsPort: 0,
    agents: [{ name: nodeA, runtime: env.FAILOVER_RUNTIME, env: agentEnv }],
    logs: path.join(stateDir, 'logs'),
    env: { LOG_LEVEL: 'warn', NODE_GRACE_PERIOD_MS: String(env.GRACE_MS), POD_EVICTION_TIMEOUT_MS: String(env.EVICTION_MS), SWEEP_INTERVAL_MS: '250', MAX_EVICTIONS_PER_SWEEP: '100' },
  });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${cluster.apiUrl}${p}`, { method, headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json() as Promise<ApiObject>;
  };
  const nodeReady = async (n: string) => (await api('GET', `/api/v1/nodes/${n}`)).status?.conditions?.[0]?.status === 'True';
  const running = async () =>
    ((await api('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3Dfailover`)).items ?? []).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  try {
    await until('node A ready', 60_000, () => nodeReady(nodeA));
    await api('POST', '/api/v1/namespaces/default/replicationcontrollers', {
      metadata: { name: 'failover' },
      spec: {
        replicas: size,
        selector: { app: 'failover' },
        template: {
          metadata: { labels: { app: 'failover' } },
          spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'podflow/base:1', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'], resources: { requests: { cpu: '10m', memory: '8Mi' } } }] },
        },
      },
    });
    await until(`${size} pods Running on node A`, env.ROUND_TIMEOUT_MS, async () => (await running()).length === size);
    await cluster.startAgent({ name: nodeB, runtime: env.FAILOVER_RUNTIME, env: agentEnv });
    await until('node B ready', 60_000, () => nodeReady(nodeB));

    const killedAt = Date.now();
    cluster.processes.get(`agent-${nodeA}`)!.kill('SIGKILL');
    let lostAt = 0;
    await until(`${size} replacements Running on node B`, env.ROUND_TIMEOUT_MS, async () => {
      if (!lostAt && (await api('GET', `/api/v1/nodes/${nodeA}`)).status?.conditions?.[0]?.status === 'Unknown') lostAt = Date.now();
      const now = await running();
      return now.length === size && now.every((p) => p.spec?.nodeName === nodeB);
    });
    const totalMs = Date.now() - killedAt;
    const timersMs = env.GRACE_MS + env.EVICTION_MS;
    return { pods: size, runtime: env.FAILOVER_RUNTIME, totalMs, timersMs, overheadMs: totalMs - timersMs, afterEvictionMs: lostAt ? Date.now() - (lostAt + env.EVICTION_MS) : -1 };
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
    if (env.FAILOVER_RUNTIME === 'docker') await removeNodeContainers([nodeA, nodeB]);
  }
}

async function removeNodeContainers(nodes: string[]): Promise<void> {
  const docker = new Docker();
  for (const node of nodes) {
    const list = await docker.listContainers({ all: true, filters: { label: [`podflow.node=${node}`] } });
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    const { Volumes } = await docker.listVolumes({ filters: { label: [`podflow.node=${node}`] } });
    await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined)));
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const size of env.FAILOVER_SIZES.split(',').map(Number)) {
    console.log(`round: ${size} pod(s) ...`);
    rows.push(await round(size));
  }
  console.log(`| pods | runtime | death→all Running | grace+eviction | overhead beyond the timers |`);
  console.log(`|------|---------|-------------------|----------------|----------------------------|`);
  for (const r of rows) console.log(`| ${r.pods} | ${r.runtime} | ${(r.totalMs / 1000).toFixed(1)} s | ${(r.timersMs / 1000).toFixed(1)} s | ${(r.overheadMs / 1000).toFixed(1)} s |`);
  const kubernetesDefaultsMs = 40_000 + 300_000;
  const worst = Math.max(...rows.map((r) => r.overheadMs));
  console.log(
    `With Kubernetes' default timers (grace 40 s, eviction 300 s; podflow's defaults too) the same overhead gives ` +
      `${((kubernetesDefaultsMs + worst) / 1000).toFixed(0)} s (Kubernetes: about 345 s).`,
  );
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const time = new Date().toISOString();
  const file = path.join(dir, `failover-${time.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ benchmark: 'failover', time, graceMs: env.GRACE_MS, evictionMs: env.EVICTION_MS, rows, withKubernetesDefaultsMs: kubernetesDefaultsMs + worst }, null, 2) + '\n');
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
