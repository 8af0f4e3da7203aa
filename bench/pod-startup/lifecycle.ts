/**
 * The lifecycle benchmark, two measurements in one run on one Docker agent:
 *   1. startup of a pod with one init container and two app containers that
 *      carry readiness probes (period 1 s), create → Ready, against the same
 *      shape run by hand with `docker run` (sandbox, init run to its exit, two
 *      containers, then polling until the web server answers), interleaved;
 *   2. the agent's CPU while it probes N pods of three probes each (exec
 *      liveness, httpGet readiness, tcpSocket startup, all at 10 s periods),
 *      against the same N pods without probes, over the same window.
 * Bounded in pods and time. Prints tables and writes JSON under bench/results/.
 *
 *   node dist/bench/pod-startup/lifecycle.js [--pods 10] [--probed 100] [--window 60]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { PodStatusEvent } from '../../shared/events';
import type { Container, Pod } from '../../shared/pod/schema';
import { cleanupDocker, ensureImages } from './baselines';
import { SLEEPER } from './podflow';
import { startAgentUnderTest } from './agent-under-test';
import { summarize, table, writeResults, type Summary } from './stats';

const run = promisify(execFile);

function arg(name: string, fallback: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? Math.min(v, max) : fallback;
}

const ready = (e: PodStatusEvent) => e.type === 'PodStatusReported' && (e.data.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const running = (e: PodStatusEvent) => e.type === 'PodStatusReported' && e.data.status.phase === 'Running' && (e.data.status.containerStatuses ?? []).every((c) => c.state.running);

function pod(name: string, spec: Pod['spec']): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'bench', uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() }, spec, status: {} };
}

const lifecycleShape = (name: string) =>
  pod(name, {
    terminationGracePeriodSeconds: 0,
    initContainers: [{ name: 'init', image: 'podflow/base:1', command: ['sh', '-c', 'true'] }],
    containers: [
      { name: 'shell', image: 'podflow/base:1', command: SLEEPER, readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } },
      { name: 'web', image: 'podflow/web:1', readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 } },
    ],
  });

const probes: Pick<Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> = {
  livenessProbe: { exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30 },
};
const webShape = (name: string, withProbes: boolean) => pod(name, { terminationGracePeriodSeconds: 0, containers: [{ name: 'web', image: 'podflow/web:1', ...(withProbes ? probes : {}) }] });

/** The same shape by hand: sandbox, init to its exit, two containers, then poll until both answer. */
async function dockerLifecyclePod(name: string, runId: string): Promise<number> {
  const label = ['--label', `podflow.bench=${runId}`];
  const started = performance.now();
  await run('docker', ['run', '-d', ...label, '--name', `${name}-pod`, '--network', 'podflow', 'podflow/pause:1']);
  await run('docker', ['run', '--rm', ...label, '--network', `container:${name}-pod`, 'podflow/base:1', 'sh', '-c', 'true']);
  await run('docker', ['run', '-d', ...label, '--name', `${name}-shell`, '--network', `container:${name}-pod`, 'podflow/base:1', ...SLEEPER]);
  await run('docker', ['run', '-d', ...label, '--name', `${name}-web`, '--network', `container:${name}-pod`, 'podflow/web:1']);
  const ip = (await run('docker', ['inspect', '-f', '{{.NetworkSettings.Networks.podflow.IPAddress}}', `${name}-pod`])).stdout.trim();
  await run('docker', ['exec', `${name}-shell`, 'true']);
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${ip}/`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const elapsed = performance.now() - started;
  await run('docker', ['rm', '-f', `${name}-web`, `${name}-shell`, `${name}-pod`]);
  return elapsed;
}

async function main(): Promise<void> {
  const count = arg('pods', 10, 50);
  const probed = arg('probed', 100, 110);
  const windowS = arg('window', 60, 300);
  const runId = Date.now().toString(36);
  await ensureImages();
  const { watch, assign, unassign, stop } = await startAgentUnderTest(runId, 'bench-lifecycle');
  const startup: Record<string, number[]> = { 'podflow agent': [], 'docker run': [] };
  const cpu: { label: string; pods: number; probes: number; cpuSeconds: number; cores: number; probeRuns?: number }[] = [];
  try {
    process.stdout.write(`lifecycle benchmark: ${count} pods of 1 init + 2 probed containers per runtime (+1 warm-up), then ${probed} pods x 3 probes over ${windowS} s\n`);
    for (let i = 0; i < count + 1; i++) {
      const p = lifecycleShape(`lc-${runId}-${i}`);
      const isReady = watch.waitFor(p.metadata.uid, ready, 30_000);
      const t0 = performance.now();
      await assign(p);
      await isReady;
      const flow = performance.now() - t0;
      const stopped = watch.waitFor(p.metadata.uid, (e) => e.type === 'PodStopped', 30_000);
      await unassign(p);
      await stopped;
      const plain = await dockerLifecyclePod(`pflc-${runId}-${i}`, runId);
      if (i > 0) {
        startup['podflow agent'].push(flow);
        startup['docker run'].push(plain);
      }
    }

    // Probe load: the same pods with and without probes, each measured over the same window.
    for (const withProbes of [false, true]) {
      const pods = Array.from({ length: probed }, (_, i) => webShape(`pl-${runId}-${withProbes ? 'p' : 'n'}-${i}`, withProbes));
      const up = pods.map((p) => watch.waitFor(p.metadata.uid, withProbes ? ready : running, 300_000));
      for (const p of pods) await assign(p);
      await Promise.all(up);
      await new Promise((r) => setTimeout(r, 5_000)); // let the start-up work settle
      const before = process.cpuUsage();
      await new Promise((r) => setTimeout(r, windowS * 1000));
      const used = process.cpuUsage(before);
      const cpuSeconds = (used.user + used.system) / 1e6;
      cpu.push({ label: withProbes ? 'with 3 probes each' : 'no probes', pods: probed, probes: withProbes ? probed * 3 : 0, cpuSeconds: Math.round(cpuSeconds * 1000) / 1000, cores: Math.round((cpuSeconds / windowS) * 10000) / 10000 });
      const gone = pods.map((p) => watch.waitFor(p.metadata.uid, (e) => e.type === 'PodStopped', 120_000));
      for (const p of pods) await unassign(p);
      await Promise.all(gone);
    }
  } finally {
    await stop();
    await cleanupDocker(`podflow.bench=${runId}`);
  }
  const results: Summary[] = Object.entries(startup).map(([label, list]) => summarize(label, list));
  const docker = results.find((r) => r.label === 'docker run');
  process.stdout.write(`\ncreate → Ready, 1 init + 2 containers with readiness probes:\n${table(results, docker)}\n`);
  process.stdout.write(`\nagent CPU over ${windowS} s (the benchmark process is the agent):\n| pods | probes | CPU s | cores |\n|---:|---:|---:|---:|\n`);
  for (const c of cpu) process.stdout.write(`| ${c.pods} (${c.label}) | ${c.probes} | ${c.cpuSeconds.toFixed(2)} | ${c.cores.toFixed(4)} |\n`);
  const [idle, loaded] = cpu;
  if (idle && loaded) process.stdout.write(`probing costs ${((loaded.cores - idle.cores) * 1000).toFixed(1)} millicores for ${loaded.probes} probes at 10 s periods\n`);
  writeResults('pod-lifecycle', { podsPerRuntime: count, startup: results, probeLoad: { windowSeconds: windowS, runs: cpu } });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
