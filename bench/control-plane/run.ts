#!/usr/bin/env node
/**
 * bench/control-plane: 100 hollow nodes and up to 5,000 pods through the real
 * local control plane (Apache Kafka, DynamoDB Local, handlers and API as
 * separate processes). Pods are created through the API at a steady offered
 * load (open loop, so slow answers do not slow the offer), then at rising
 * rates until it no longer keeps up. Reports pods scheduled per second and
 * create→Running latency (p50/p99), prints a table and writes JSON.
 *
 * The backlog phase measures the scheduler alone, as kube-scheduler's
 * scheduler_perf does: pods are created and recorded while the scheduler
 * process is stopped (SIGSTOP), then it is resumed and pods bound per second
 * are counted from its first bind to its last.
 *
 * The harness (HTTP client, change-feed tracker, hollow nodes) shares the two
 * cores with the system under test, so it is kept cheap: undici's request API
 * and JSON.parse of the change records it only reads.
 *
 * Per phase it also reports the CPU milliseconds each process spent per pod
 * (from /proc; the broker's and DynamoDB Local's JVMs included) and the
 * DynamoDB requests per pod (counted in every process by a preloaded module,
 * count-store-ops.ts); before any pod, the idle CPU of the control plane alone
 * and with the hollow nodes heartbeating.
 *
 * Bounded: at most MAX_PODS pods, every phase has a time limit.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { z } from 'zod';
import { startHollowFleet } from '../../agent/hollow-fleet';
import { makeKafka } from '../../shared/adapters/kafka/client';
import { TOPICS, type PodChanged } from '../../shared/events';
import { REPO_ROOT } from '../../shared/local/paths';
import { startCluster } from '../../shared/local/cluster';
import { percentile } from '../pod-startup/stats';
import { cpuDelta, sampleCpu, type CpuSample } from './cpu';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const env = z
  .object({
    NODES: z.coerce.number().int().positive().default(100),
    MAX_PODS: z.coerce.number().int().positive().default(5000),
    STEADY_RATE: z.coerce.number().positive().default(100),
    STEADY_SECONDS: z.coerce.number().positive().default(20),
    RAMP_RATES: z.string().default('125,150,200,300'),
    RAMP_SECONDS: z.coerce.number().positive().default(5),
    MAX_IN_FLIGHT: z.coerce.number().int().positive().default(400),
    /** The controllers' level-triggered sweep period (npm start's default). */
    SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
    /** Pods in the scheduler-backlog phase (0: skip it). */
    BACKLOG_PODS: z.coerce.number().int().min(0).default(1000),
    /** Seconds at the steady rate before measuring (JIT, connection pools). */
    WARMUP_SECONDS: z.coerce.number().min(0).default(5),
    /** memory: DynamoDB Local keeps the throwaway state in memory; disk: in its SQLite file, as npm start does. */
    STORE: z.enum(['memory', 'disk']).default('memory'),
    /** Also print p50/p99 per 2-second slice of each phase (to see warm-up or drift). */
    BENCH_TIMELINE: z.stringbool().default(false),
    /** Node flags for the cluster's processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    BENCH_NODE_ARGS: z.string().default(''),
    /** Seconds of each idle measurement (0: skip). */
    IDLE_SECONDS: z.coerce.number().min(0).default(10),
  })
  .parse(process.env);

interface Track {
  sent: number;
  created?: number;
  scheduled?: number;
  running?: number;
  failed?: string;
}

interface PhaseResult {
  phase: string;
  offeredPerSec: number;
  pods: number;
  createdPerSec: number;
  scheduledPerSec: number;
  runningPerSec: number;
  p50RunningMs: number;
  p99RunningMs: number;
  p99CreateAckMs: number;
  /** p50 of each hop: API ack (pod recorded), recorded→bound (scheduler), bound→Running (node + recorder). */
  p50StageMs: { ack: number; schedule: number; run: number };
  errors: number;
  /** CPU ms per pod of each process ('bench' = harness and hollow nodes). */
  cpuMsPerPod: Record<string, number>;
  /** Sum over the control plane's processes (broker, store, handlers, scheduler, API). */
  controlPlaneCpuMsPerPod: number;
  storeRequestsPerPod: number;
  storeItemsPerPod: number;
}

interface BacklogResult {
  pods: number;
  recorded: number;
  bound: number;
  resumeToFirstBindMs: number;
  firstToLastBindMs: number;
  scheduledPerSec: number;
  errors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const stateDir = path.join(os.tmpdir(), `podflow-bench-${randomUUID().slice(0, 8)}`);
  const opsDir = path.join(stateDir, 'store-ops');
  const counter = path.join(__dirname, 'count-store-ops.js');
  const apiPort = 18000 + Math.floor(Math.random() * 1000);
  console.log(`starting the control plane (state in ${stateDir}) ...`);
  const cluster = await startCluster({
    stateDir,
    apiPort,
    apiTlsPort: 0,
    agents: [],
    logs: path.join(stateDir, 'logs'),
    nodeArgs: ['--require', counter, ...env.BENCH_NODE_ARGS.split(' ').filter(Boolean)],
    storeInMemory: env.STORE === 'memory',
    env: { LOG_LEVEL: 'warn', SWEEP_INTERVAL_MS: String(env.SWEEP_INTERVAL_MS), WRITE_TIMEOUT_MS: '30000', STORE_OPS_DIR: opsDir },
  });
  const pids = () => ({ ...cluster.pids(), bench: process.pid });
  const storeOps = (): { requests: number; items: number } => {
    if (!existsSync(opsDir)) return { requests: 0, items: 0 };
    return readdirSync(opsDir).reduce(
      (sum, f) => {
        const c = JSON.parse(readFileSync(path.join(opsDir, f), 'utf8')) as Record<string, number>;
        return { requests: sum.requests + (c.requests ?? 0), items: sum.items + (c.items ?? 0) };
      },
      { requests: 0, items: 0 },
    );
  };
  /** CPU cores the cluster's processes used over `seconds` of doing nothing asked of them. */
  const idleCores = async (seconds: number): Promise<Record<string, number>> => {
    const before = sampleCpu(pids());
    await sleep(seconds * 1000);
    const used = cpuDelta(before, sampleCpu(pids()));
    const cores = Object.fromEntries(Object.entries(used).map(([k, ms]) => [k, Math.round((ms / (seconds * 1000)) * 1000) / 1000]));
    cores.controlPlane = Math.round(Object.entries(cores).filter(([k]) => k !== 'bench').reduce((s, [, v]) => s + v, 0) * 1000) / 1000;
    return cores;
  };
  let idle: { controlPlaneOnly: Record<string, number>; withHollowNodes: Record<string, number> } | null = null;
  const idleAlone = env.IDLE_SECONDS > 0 ? (await sleep(5000), await idleCores(env.IDLE_SECONDS)) : null;
  if (idleAlone) console.log(`idle, no nodes: ${idleAlone.controlPlane} cores (${JSON.stringify(idleAlone)})`);
  const fleet = await startHollowFleet({ auth: cluster.adminSasl ? { sasl: cluster.adminSasl, credentialsDir: cluster.env.KAFKA_CREDENTIALS_DIR } : undefined, brokers: cluster.brokers, count: env.NODES, namePrefix: 'hollow-', capacity: { cpu: '64', memory: '256Gi', pods: 200 }, heartbeatIntervalMs: 10_000 });
  await fleet.ready;
  console.log(`${env.NODES} hollow nodes ready`);
  if (idleAlone) {
    await sleep(5000);
    const withNodes = await idleCores(env.IDLE_SECONDS);
    console.log(`idle, ${env.NODES} hollow nodes heartbeating: ${withNodes.controlPlane} cores for the control plane, ${withNodes.bench} for the nodes and harness`);
    idle = { controlPlaneOnly: idleAlone, withHollowNodes: withNodes };
  }

  // Follow the change feed: when each pod was recorded, bound and seen Running.
  const tracks = new Map<string, Track>();
  const kafka = makeKafka({ brokers: cluster.brokers, clientId: 'bench', sasl: cluster.adminSasl });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 20 });
  const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.podChanges, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        // The harness only reads what the control plane wrote: no schema check needed to time it.
        const event = JSON.parse(m.value?.toString() ?? 'null') as PodChanged | null;
        if (event?.type !== 'PodChanged') continue;
        const pod = event.data.pod;
        const t = tracks.get(pod.metadata.name);
        if (!t) continue;
        if (pod.spec.nodeName && !t.scheduled) t.scheduled = now;
        if (pod.status.phase === 'Running' && !t.running) t.running = now;
      }
    },
  });
  await joined;

  // Warm up the API connection (and the JIT) with a few pods outside the measurement.
  const api = new Pool(cluster.apiUrl, { connections: 64 });
  let inFlight = 0;
  let podCounter = 0;
  const create = async (phase: string): Promise<void> => {
    const name = `${phase}-${podCounter++}`;
    const track: Track = { sent: Date.now() };
    tracks.set(name, track);
    inFlight++;
    try {
      const res = await api.request({
        path: '/api/v1/namespaces/bench/pods',
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name, labels: { phase } }, spec: { containers: [{ name: 'app', image: 'podflow/base:1', resources: { requests: { cpu: '10m', memory: '8Mi' } } }] } }),
      });
      if (res.statusCode === 201) track.created = Date.now();
      else track.failed = `HTTP ${res.statusCode}`;
      await res.body.dump();
    } catch (err) {
      track.failed = (err as Error).message;
    } finally {
      inFlight--;
    }
  };

  /** Waits (bounded) until every named pod has reached `stage` or failed. */
  async function settle(names: string[], stage: 'created' | 'running', timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && names.some((n) => !tracks.get(n)![stage] && !tracks.get(n)!.failed)) await sleep(50);
  }

  async function phase(name: string, rate: number, seconds: number, budget: number): Promise<PhaseResult> {
    const count = Math.min(Math.round(rate * seconds), budget);
    const cpuBefore: CpuSample = sampleCpu(pids());
    const opsBefore = storeOps();
    const start = Date.now();
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      while (inFlight >= env.MAX_IN_FLIGHT) await sleep(2);
      names.push(`${name}-${podCounter}`);
      void create(name);
    }
    // Let the phase finish (bounded).
    await settle(names, 'running', 60_000);
    await sleep(1500); // the store-op counters flush every second
    const cpu = cpuDelta(cpuBefore, sampleCpu(pids()));
    const opsAfter = storeOps();
    const cpuMsPerPod = Object.fromEntries(Object.entries(cpu).map(([k, ms]) => [k, round(ms / count)]));
    const ts = names.map((n) => tracks.get(n)!);
    const ok = ts.filter((t) => t.running);
    const span = (key: 'created' | 'scheduled' | 'running') => {
      const times = ts.map((t) => t[key]).filter((x): x is number => x !== undefined);
      if (times.length < 2) return 0;
      return times.length / ((Math.max(...times) - Math.min(...ts.map((t) => t.sent))) / 1000);
    };
    const running = ok.map((t) => t.running! - t.sent).sort((a, b) => a - b);
    if (env.BENCH_TIMELINE) {
      const byBucket = new Map<number, number[]>();
      for (const t of ok) {
        const b = Math.floor((t.sent - start) / 2000);
        byBucket.set(b, [...(byBucket.get(b) ?? []), t.running! - t.sent]);
      }
      for (const [b, l] of [...byBucket].sort((x, y) => x[0] - y[0])) {
        l.sort((x, y) => x - y);
        console.log(`    ${name} t=${b * 2}s n=${l.length} p50=${Math.round(percentile(l, 50))} p99=${Math.round(percentile(l, 99))}`);
      }
    }
    const acks = ts.filter((t) => t.created).map((t) => t.created! - t.sent).sort((a, b) => a - b);
    return {
      phase: name,
      offeredPerSec: rate,
      pods: count,
      createdPerSec: round(span('created')),
      scheduledPerSec: round(span('scheduled')),
      runningPerSec: round(span('running')),
      p50RunningMs: Math.round(percentile(running, 50)),
      p99RunningMs: Math.round(percentile(running, 99)),
      p99CreateAckMs: Math.round(percentile(acks, 99)),
      p50StageMs: {
        ack: Math.round(percentile(acks, 50)),
        schedule: Math.round(percentile(ok.filter((t) => t.created && t.scheduled).map((t) => t.scheduled! - t.created!).sort((a, b) => a - b), 50)),
        run: Math.round(percentile(ok.filter((t) => t.scheduled).map((t) => t.running! - t.scheduled!).sort((a, b) => a - b), 50)),
      },
      errors: ts.length - ok.length,
      cpuMsPerPod,
      controlPlaneCpuMsPerPod: round(Object.entries(cpu).filter(([k]) => k !== 'bench').reduce((s, [, ms]) => s + ms, 0) / count),
      storeRequestsPerPod: round((opsAfter.requests - opsBefore.requests) / count),
      storeItemsPerPod: round((opsAfter.items - opsBefore.items) / count),
    };
  }

  /** scheduler_perf's SchedulingThroughput: a backlog of recorded pods, then binds per second. */
  async function backlogPhase(count: number): Promise<BacklogResult> {
    const scheduler = cluster.processes.get('scheduler')!;
    scheduler.kill('SIGSTOP');
    const names: string[] = [];
    let resumedAt: number;
    try {
      for (let i = 0; i < count; i++) {
        while (inFlight >= env.MAX_IN_FLIGHT) await sleep(2);
        names.push(`backlog-${podCounter}`);
        void create('backlog');
      }
      await settle(names, 'created', 120_000);
    } finally {
      resumedAt = Date.now();
      scheduler.kill('SIGCONT');
    }
    await settle(names, 'running', 120_000);
    const ts = names.map((n) => tracks.get(n)!);
    const bound = ts.map((t) => t.scheduled).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    const first = bound[0] ?? resumedAt;
    const last = bound[bound.length - 1] ?? resumedAt;
    const result: BacklogResult = {
      pods: count,
      recorded: ts.filter((t) => t.created).length,
      bound: bound.length,
      resumeToFirstBindMs: first - resumedAt,
      firstToLastBindMs: last - first,
      scheduledPerSec: bound.length > 1 ? round((bound.length - 1) / ((last - first) / 1000)) : 0,
      errors: ts.filter((t) => !t.running).length,
    };
    console.log(`  backlog of ${count}: ${result.bound} bound in ${result.firstToLastBindMs} ms after the first bind = ${result.scheduledPerSec} pods/s`);
    return result;
  }

  const results: PhaseResult[] = [];
  // Warm-up, outside the measurement but inside the pod budget: the first seconds at full rate
  // pay for JIT compilation and for connection pools growing in every process.
  let budget = env.MAX_PODS;
  const warmup = [await phase('warmup', 20, 2, 40), await phase('warmup-full', env.STEADY_RATE, env.WARMUP_SECONDS, budget)];
  budget -= warmup.reduce((n, w) => n + w.pods, 0);
  const steady = await phase('steady', env.STEADY_RATE, env.STEADY_SECONDS, budget);
  results.push(steady);
  budget -= steady.pods;
  const backlog = env.BACKLOG_PODS > 0 ? await backlogPhase(Math.min(env.BACKLOG_PODS, budget)) : null;
  budget -= backlog?.pods ?? 0;
  for (const rate of env.RAMP_RATES.split(',').filter(Boolean).map(Number)) {
    if (budget <= 0) break;
    const r = await phase(`rate${rate}`, rate, env.RAMP_SECONDS, budget);
    results.push(r);
    budget -= r.pods;
    console.log(`  offered ${rate}/s: scheduled ${r.scheduledPerSec}/s, p99 ${r.p99RunningMs} ms`);
    if (r.errors > 0 || r.scheduledPerSec < rate * 0.9) break; // no longer keeps up
  }

  const sustained = results.filter((r) => r.errors === 0 && r.scheduledPerSec >= r.offeredPerSec * 0.9);
  const best = sustained.reduce<PhaseResult | null>((b, r) => (!b || r.offeredPerSec > b.offeredPerSec ? r : b), null);
  const summary = {
    benchmark: 'control-plane',
    time: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    nodes: env.NODES,
    pods: [...warmup, ...results].reduce((s, r) => s + r.pods, 0) + (backlog?.pods ?? 0),
    warmup,
    store: env.STORE,
    idleCores: idle,
    maxScheduledPerSec: Math.max(...results.map((r) => r.scheduledPerSec), backlog?.scheduledPerSec ?? 0),
    schedulerBacklog: backlog,
    highestSustainedOfferedPerSec: best?.offeredPerSec ?? null,
    targets: { scheduledPerSec: 300, p99RunningMsAt100: 1000, controlPlaneCpuMsPerPod: 8, idleCores: 0.05 },
    phases: results,
  };
  printTable(results);
  if (backlog) console.log(`scheduler backlog (${backlog.pods} pods recorded while it was stopped): ${backlog.scheduledPerSec} pods/s bound, first bind ${backlog.resumeToFirstBindMs} ms after resuming, ${backlog.errors} not Running`);
  console.log('CPU ms per pod by process, and DynamoDB requests (items) per pod:');
  for (const r of results) {
    const parts = Object.entries(r.cpuMsPerPod).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`  ${r.phase}: control plane ${r.controlPlaneCpuMsPerPod} ms/pod (${parts}); store ${r.storeRequestsPerPod} requests (${r.storeItemsPerPod} items) per pod`);
  }
  console.log(`max pods scheduled per second: ${summary.maxScheduledPerSec}; highest sustained offered load: ${summary.highestSustainedOfferedPerSec ?? 'none'}/s`);
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `control-plane-${summary.time.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
  console.log(`wrote ${path.relative(REPO_ROOT, file)}`);

  await api.close();
  await consumer.disconnect();
  await fleet.stop();
  await cluster.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function printTable(rows: PhaseResult[]): void {
  const header = ['phase', 'offered/s', 'pods', 'created/s', 'scheduled/s', 'running/s', 'p50 run ms', 'p99 run ms', 'p99 ack ms', 'p50 ack/sched/run ms', 'errors'];
  const data = rows.map((r) =>
    [r.phase, r.offeredPerSec, r.pods, r.createdPerSec, r.scheduledPerSec, r.runningPerSec, r.p50RunningMs, r.p99RunningMs, r.p99CreateAckMs, `${r.p50StageMs.ack}/${r.p50StageMs.schedule}/${r.p50StageMs.run}`, r.errors].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  data.forEach((d) => console.log(line(d)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
