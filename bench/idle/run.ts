#!/usr/bin/env node
/**
 * bench/idle: the CPU the whole local cluster uses when nobody asks anything
 * of it, as `npm start` runs it (Kafka, DynamoDB Local, the handlers, the
 * scheduler, the API and two agents on Docker), per process, after a warm-up
 * (JIT compilation and first sweeps are start-up, not idle). Prints a table
 * and writes JSON under bench/results/.
 *
 * Settings: IDLE_RUNTIME=docker|hollow, WARMUP_SECONDS (30), IDLE_SECONDS (30).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { startCluster } from '../../shared/local/cluster';
import { REPO_ROOT } from '../../shared/local/paths';
import { cpuDelta, sampleCpu } from '../control-plane/cpu';

const env = z
  .object({
    IDLE_RUNTIME: z.enum(['docker', 'hollow']).default('docker'),
    WARMUP_SECONDS: z.coerce.number().min(0).default(30),
    IDLE_SECONDS: z.coerce.number().positive().default(30),
  })
  .parse(process.env);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const stateDir = path.join(os.tmpdir(), `podflow-idle-${randomUUID().slice(0, 8)}`);
  const suffix = randomUUID().slice(0, 4);
  const cluster = await startCluster({
    stateDir,
    apiPort: 18000 + Math.floor(Math.random() * 1000),
    apiTlsPort: 0,
    agents: [`idle-${suffix}-1`, `idle-${suffix}-2`].map((name) => ({ name, runtime: env.IDLE_RUNTIME })),
    logs: path.join(stateDir, 'logs'),
    env: { LOG_LEVEL: 'warn' },
  });
  try {
    console.log(`cluster up; warming up ${env.WARMUP_SECONDS} s, then measuring ${env.IDLE_SECONDS} s ...`);
    await sleep(env.WARMUP_SECONDS * 1000);
    const before = sampleCpu(cluster.pids());
    await sleep(env.IDLE_SECONDS * 1000);
    const used = cpuDelta(before, sampleCpu(cluster.pids()));
    const cores = Object.fromEntries(Object.entries(used).map(([k, ms]) => [k, Math.round((ms / (env.IDLE_SECONDS * 1000)) * 10000) / 10000]));
    const total = Math.round(Object.values(cores).reduce((s, v) => s + v, 0) * 10000) / 10000;
    const width = Math.max(...Object.keys(cores).map((k) => k.length), 7);
    console.log(`| ${'process'.padEnd(width)} | cores  |`);
    console.log(`|${'-'.repeat(width + 2)}|--------|`);
    for (const [k, v] of Object.entries(cores)) console.log(`| ${k.padEnd(width)} | ${v.toFixed(4)} |`);
    console.log(`| ${'total'.padEnd(width)} | ${total.toFixed(4)} |  (target < 0.05)`);
    const summary = { benchmark: 'idle', time: new Date().toISOString(), runtime: env.IDLE_RUNTIME, warmupSeconds: env.WARMUP_SECONDS, seconds: env.IDLE_SECONDS, cores, total, target: 0.05 };
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `idle-${summary.time.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
    console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
  } finally {
    await cluster.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
