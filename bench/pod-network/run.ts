#!/usr/bin/env node
/**
 * bench/pod-network: cross-host pod-to-pod TCP over the VXLAN overlay against
 * the same between the two host namespaces directly (the underlay), in one
 * run. Two hosts as the launcher makes them (shared/local/hosts.ts: network
 * namespaces, own dockerd each), their pod network programmed by the agent's
 * own code (agent/network/host-network.ts, shared/network/overlay-plan.ts),
 * one pause sandbox per host; the measuring processes run in the sandboxes'
 * network namespaces (nsenter --net=/proc/PID/ns/net), so the pod path is the
 * pods' own: veth, bridge, tunnel, underlay, tunnel, bridge, veth.
 * Measures small-message round trips (median, p99) and bulk echo throughput,
 * each bounded (ECHO_ROUNDS, BULK_BYTES, PHASE_MS), at an underlay MTU of
 * UNDERLAY_MTU (1500; the pods' is 50 less), and the CPU time both ends used
 * per GB of the bulk transfer (kernel work on their behalf included: the
 * steadier measure of the path's cost on a shared machine); prints a table
 * with the overhead ratios and writes JSON under bench/results/.
 * Targets (issue 14): throughput ≥ 0.8× the underlay, added latency ≤ 0.1 ms.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { hostExec } from '../../agent/network/host-commands';
import { HostNetwork } from '../../agent/network/host-network';
import { planHosts, startHosts } from '../../shared/local/hosts';
import { planIsolation } from '../../shared/network/isolation-plan';
import { REPO_ROOT } from '../../shared/local/paths';
import { planOverlay } from '../../shared/network/overlay-plan';

const run = promisify(execFile);
const PROBE = path.join(__dirname, 'probe.js');
const PORT = 17777;
const CLUSTER_CIDR = '10.244.0.0/16';

interface Result {
  samples: number[];
  bulk: { bytes: number; seconds: number; cpuUs: number };
  /** The echo server's CPU time during the bulk transfer. */
  serverCpuUs: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(serverNetns: string, clientNetns: string, host: string): Promise<Result> {
  const server: ChildProcess = spawn('nsenter', [`--net=${serverNetns}`, '--', process.execPath, PROBE, 'server', String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  server.stdout!.on('data', (c: Buffer) => {
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`echo server exited (${code})`)));
    });
    const { stdout } = await run('nsenter', [`--net=${clientNetns}`, '--', process.execPath, PROBE, 'client', host, String(PORT)], { env: process.env, maxBuffer: 64 * 1024 * 1024 });
    // One line per closed connection: the round trips', then the bulk transfer's.
    for (let i = 0; i < 100 && lines.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    const serverCpuUs = lines.length >= 3 ? (JSON.parse(lines[2]) as { cpuUs: number }).cpuUs : NaN;
    return { ...(JSON.parse(stdout) as Omit<Result, 'serverCpuUs'>), serverCpuUs };
  } finally {
    server.kill();
  }
}

function summary(r: Result) {
  const sorted = [...r.samples].sort((a, b) => a - b);
  const cpuMsPerGB = (r.bulk.cpuUs + r.serverCpuUs) / 1000 / (r.bulk.bytes / 1e9);
  return { rounds: sorted.length, p50Us: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), mbPerS: r.bulk.bytes / r.bulk.seconds / 1e6, bulkBytes: r.bulk.bytes, cpuMsPerGB };
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-bench-net-'));
  const mtu = Number(process.env.UNDERLAY_MTU ?? 1500);
  const plan = planHosts('bench', ['bench-1', 'bench-2'], stateDir, '10.99.0', mtu);
  const hosts = await startHosts(plan);
  try {
    const ranges = ['10.244.0.0/24', '10.244.1.0/24'];
    const sandboxes: string[] = [];
    for (const [i, h] of plan.hosts.entries()) {
      const docker = new Docker({ socketPath: h.dockerHost.replace('unix://', '') });
      const net = new HostNetwork(hostExec(h.netnsPath), docker, { dockerNetwork: 'podflow', bridgeName: 'podflow0', vxlanDevice: 'podflow.vxlan', vni: 1, vxlanPort: 8472, mtu: mtu - 50, clusterCidr: CLUSTER_CIDR });
      const overlay = planOverlay({ name: h.name, podCIDR: ranges[i], address: h.address }, plan.hosts.map((x, j) => ({ name: x.name, podCIDR: ranges[j], address: x.address })));
      await net.ensureBridge(ranges[i]);
      await net.ensureVxlan(overlay, h.address);
      await net.ensureRules(ranges[i]);
      await net.ensureIsolation(planIsolation({ clusterCidr: CLUSTER_CIDR, blockedCidrs: [], agentPort: 10250, nodeAddresses: plan.hosts.map((x) => x.address) }));
      await net.applyOverlay(overlay);
      const c = await docker.createContainer({ Image: 'podflow/pause:1', HostConfig: { NetworkMode: 'podflow' } });
      await c.start();
      const info = await c.inspect();
      sandboxes.push(`/proc/${info.State.Pid}/ns/net`);
      const ip = info.NetworkSettings.Networks.podflow.IPAddress;
      sandboxes.push(ip);
    }
    const [pod1Ns, , pod2Ns, pod2Ip] = sandboxes;
    const underlay = summary(await measure(plan.hosts[1].netnsPath, plan.hosts[0].netnsPath, plan.hosts[1].address));
    const pods = summary(await measure(pod2Ns, pod1Ns, pod2Ip));
    const rows = [
      { path: 'host ns → host ns (underlay)', ...underlay },
      { path: 'pod → pod across hosts (VXLAN)', ...pods },
    ];
    console.log('path                               rounds   p50 µs   p99 µs    MB/s (echo)   CPU ms/GB');
    for (const r of rows) console.log(`${r.path.padEnd(34)} ${String(r.rounds).padStart(6)} ${r.p50Us.toFixed(1).padStart(8)} ${r.p99Us.toFixed(1).padStart(8)} ${r.mbPerS.toFixed(0).padStart(10)} ${r.cpuMsPerGB.toFixed(0).padStart(11)}`);
    const addedLatencyMs = (pods.p50Us - underlay.p50Us) / 1000;
    const throughputRatio = pods.mbPerS / underlay.mbPerS;
    const cpuRatio = pods.cpuMsPerGB / underlay.cpuMsPerGB;
    console.log(`added round-trip latency (p50): ${addedLatencyMs.toFixed(3)} ms (target ≤ 0.1 ms); throughput ratio: ${throughputRatio.toFixed(2)} (target ≥ 0.8); CPU per byte, pods/underlay: ${cpuRatio.toFixed(2)}`);
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `pod-network-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const settings = { UNDERLAY_MTU: mtu, ECHO_ROUNDS: process.env.ECHO_ROUNDS ?? '2000', BULK_BYTES: process.env.BULK_BYTES ?? String(256 * 1024 * 1024), PHASE_MS: process.env.PHASE_MS ?? '5000' };
    writeFileSync(file, JSON.stringify({ benchmark: 'pod-network', at: new Date().toISOString(), cpus: os.cpus().length, settings, rows, addedLatencyMs, throughputRatio, cpuRatio }, null, 2) + '\n');
    console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
  } finally {
    await hosts.stop({ removeData: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
