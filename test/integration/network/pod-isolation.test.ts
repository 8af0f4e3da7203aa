/**
 * What a pod may not reach, on real parts: one host as the launcher makes it
 * (shared/local/hosts.ts: a network namespace with its own Docker engine,
 * behind a switch namespace that stands in for the world outside), its pod
 * network and isolation rules programmed by the agent's own code
 * (agent/network/host-network.ts, shared/network/isolation-plan.ts), no
 * control plane. Listeners stand where the protected things would be: the
 * instance metadata address, a control-plane range and an allowed range in
 * the switch namespace, and the agent's port on the host. A pod's sandbox
 * reaches the allowed range (masqueraded) and the host's other ports, and is
 * refused the rest at once; the host itself still reaches the metadata
 * address; a plan without the blocked range opens it again.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { hostExec } from '../../../agent/network/host-commands';
import { HostNetwork } from '../../../agent/network/host-network';
import { hostTag, planHosts, startHosts, type Hosts } from '../../../shared/local/hosts';
import { planIsolation } from '../../../shared/network/isolation-plan';
import { planOverlay } from '../../../shared/network/overlay-plan';

const run = promisify(execFile);
const CLUSTER_CIDR = '10.244.0.0/16';
const POD_CIDR = '10.244.0.0/24';
const AGENT_PORT = 10250;
const BLOCKED = '10.98.7.0/24';

// Connects once and prints what came of it: `ok:<data>`, `error:<code>` or `timeout`.
const CONNECT = `const [h, p] = process.argv.slice(1); const s = require('net').connect({ host: h, port: +p }); let d = '';
s.setTimeout(8000, () => { console.log('timeout'); process.exit(); });
s.on('data', (c) => (d += c)); s.on('end', () => console.log('ok:' + d)); s.on('error', (e) => console.log('error:' + e.code));`;
// Answers every connection with its name and closes.
const LISTEN = `for (const [port, name] of JSON.parse(process.argv[1])) require('net').createServer((s) => s.end(name)).listen(port, '0.0.0.0');
setTimeout(() => console.log('listening'), 100);`;

async function connectFrom(netns: string, host: string, port: number): Promise<string> {
  const { stdout } = await run('nsenter', [`--net=${netns}`, '--', process.execPath, '-e', CONNECT, host, String(port)], { timeout: 20_000 });
  return stdout.trim();
}

async function listenIn(netns: string, ports: [number, string][]): Promise<ChildProcess> {
  const child = spawn('nsenter', [`--net=${netns}`, '--', process.execPath, '-e', LISTEN, JSON.stringify(ports)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener exited (${code})`)));
  });
  return child;
}

describe('pods are kept from the node role, the control plane and the agent', () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'podflow-isolation-'));
  const plan = planHosts(hostTag(stateDir), ['iso-1'], stateDir);
  const h = plan.hosts[0];
  let hosts: Hosts | undefined;
  let net: HostNetwork;
  let podNetns: string;
  const listeners: ChildProcess[] = [];
  const isolation = (blockedCidrs: string[]) => planIsolation({ clusterCidr: CLUSTER_CIDR, blockedCidrs, agentPort: AGENT_PORT, nodeAddresses: [h.address] });

  beforeAll(async () => {
    hosts = await startHosts(plan);
    const docker = new Docker({ socketPath: h.dockerHost.replace('unix://', '') });
    net = new HostNetwork(hostExec(h.netnsPath), docker, { dockerNetwork: 'podflow', bridgeName: 'podflow0', vxlanDevice: 'podflow.vxlan', vni: 1, vxlanPort: 8472, mtu: 1450, clusterCidr: CLUSTER_CIDR });
    await net.ensureBridge(POD_CIDR);
    await net.ensureVxlan(planOverlay({ name: h.name, podCIDR: POD_CIDR, address: h.address }, []), h.address);
    await net.ensureRules(POD_CIDR);
    await net.ensureIsolation(isolation([BLOCKED]));
    const sandbox = await docker.createContainer({ Image: 'podflow/pause:1', HostConfig: { NetworkMode: 'podflow' } });
    await sandbox.start();
    podNetns = `/proc/${(await sandbox.inspect()).State.Pid}/ns/net`;
    // The world outside the host: the metadata address, one address in the blocked range and one outside it.
    const sw = `/run/netns/${plan.switchNetns}`;
    for (const a of ['169.254.169.254', '10.98.7.1', '10.98.8.1']) await run('nsenter', [`--net=${sw}`, '--', 'ip', 'addr', 'add', `${a}/32`, 'dev', 'lo']);
    listeners.push(await listenIn(sw, [[8080, 'outside']]));
    listeners.push(await listenIn(h.netnsPath, [[AGENT_PORT, 'agent'], [AGENT_PORT + 1, 'host']]));
  }, 180_000);

  afterAll(async () => {
    for (const l of listeners) l.kill();
    await hosts?.stop({ removeData: true });
    rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it.each([
    ['an address outside the cluster, masqueraded through the node', '10.98.8.1', 8080, 'ok:outside'],
    ["the node's other ports", h.address, AGENT_PORT + 1, 'ok:host'],
    ['the instance metadata service', '169.254.169.254', 8080, 'error:EHOSTUNREACH'],
    ['a blocked control-plane range', '10.98.7.1', 8080, 'error:EHOSTUNREACH'],
    ["the agent's port at the node's address", h.address, AGENT_PORT, 'error:EHOSTUNREACH'],
    ["the agent's port at the pod bridge's gateway", '10.244.0.1', AGENT_PORT, 'error:EHOSTUNREACH'],
  ])('a pod reaching %s (%s:%d) gets %s', async (_, host, port, outcome) => {
    expect(await connectFrom(podNetns, host, port)).toBe(outcome);
  });

  it('leaves the node itself its reach: the host namespace still gets the metadata service', async () => {
    expect(await connectFrom(h.netnsPath, '169.254.169.254', 8080)).toBe('ok:outside');
  });

  it('programs its chain once: a second pass with the same plan changes nothing and adds no second hook', async () => {
    const before = (await run('nsenter', [`--net=${h.netnsPath}`, '--', 'iptables', '-w', '-S'])).stdout;
    expect(await net.ensureIsolation(isolation([BLOCKED]))).toBe(false);
    const after = (await run('nsenter', [`--net=${h.netnsPath}`, '--', 'iptables', '-w', '-S'])).stdout;
    expect(after).toBe(before);
    expect(after.split('\n').filter((l) => l.includes('-j PODFLOW-ISOLATION'))).toHaveLength(2);
  });

  it('opens a range again once the plan no longer blocks it', async () => {
    expect(await net.ensureIsolation(isolation([]))).toBe(true);
    expect(await connectFrom(podNetns, '10.98.7.1', 8080)).toBe('ok:outside');
    expect(await connectFrom(podNetns, '169.254.169.254', 8080)).toBe('error:EHOSTUNREACH');
  });
});
