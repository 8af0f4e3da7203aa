/**
 * Separate hosts on one machine: each simulated host is a network namespace of
 * its own with its own Docker engine (own data root, exec root, socket and
 * iptables), joined to the others by an underlay: veth pairs onto a bridge in
 * one more namespace, the "switch", which also holds the underlay's gateway
 * address (a stand-in for the world outside the hosts). Nothing is added to the
 * machine's own namespace: the agents run there and reach Kafka, DynamoDB and
 * their host's engine (over its socket) as before, and pods, which live in a
 * host's namespace, have no route to it, so the control plane's ports are
 * unreachable from pods by construction.
 *
 * The engine is started with `nsenter --net=` (not `ip netns exec`, which
 * remounts /sys and so hides the cgroup mounts dockerd needs). The podflow
 * images of the machine's engine are copied into each host's engine.
 * Everything is named after the cluster's tag. Hosts outlive the launcher, as
 * machines outlive a control plane: when every host of the plan still runs
 * (its namespace there, its engine answering), the next start reuses them and
 * their pods keep running; otherwise whatever is left is removed and the hosts
 * are made afresh. `Hosts.stop` and `stopHostsOf` (`npm run down`) remove them.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface HostPlan {
  name: string;
  netns: string;
  /** Path of the namespace file, for nsenter --net= and the agent's HOST_NETNS. */
  netnsPath: string;
  address: string;
  dockerHost: string;
  dir: string;
  execRoot: string;
}

export interface UnderlayPlan {
  tag: string;
  switchNetns: string;
  bridge: string;
  /** The switch's address: the hosts' default gateway. */
  gateway: string;
  prefix: number;
  /** The underlay's MTU (veths and bridge); the pod network's is 50 less (VXLAN). */
  mtu: number;
  hosts: HostPlan[];
}

/** A host engine's exec root. Short: containerd's sockets live under it, and socket paths are limited to 108 bytes. */
const execRootOf = (netns: string) => `/run/podflow/${netns}`;

/** Names and addresses of a cluster's hosts: a pure function of its tag, node names and state directory. */
export function planHosts(tag: string, nodes: readonly string[], stateDir: string, subnet = '10.99.0', mtu = 1500): UnderlayPlan {
  if (!/^[a-z0-9]{1,8}$/.test(tag)) throw new Error(`host tag ${JSON.stringify(tag)} must be 1-8 lowercase letters or digits`);
  if (nodes.length > 200) throw new Error('at most 200 hosts on one underlay');
  return {
    tag,
    switchNetns: `pf${tag}-sw`,
    bridge: 'underlay0',
    gateway: `${subnet}.1`,
    prefix: 24,
    mtu,
    hosts: nodes.map((name, i) => {
      const netns = `pf${tag}-h${i + 1}`;
      const dir = path.join(stateDir, 'hosts', name);
      return {
        name,
        netns,
        netnsPath: `/run/netns/${netns}`,
        address: `${subnet}.${11 + i}`,
        dir,
        dockerHost: `unix://${path.join(dir, 'docker.sock')}`,
        execRoot: execRootOf(netns),
      };
    }),
  };
}

function run(cmd: string, args: readonly string[], input?: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
    if (input) input.pipe(child.stdin!);
  });
}

const quietly = (p: Promise<unknown>) => p.then(() => undefined, () => undefined);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopEngine(h: Pick<HostPlan, 'dir'>): Promise<void> {
  const pidFile = path.join(h.dir, 'docker.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!pid || !pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  // dockerd stops its containers (10 s grace each, in parallel) before it exits.
  for (let i = 0; i < 300 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** Whether a host's engine answers on its socket. */
function engineAnswers(h: HostPlan): Promise<boolean> {
  return run('docker', ['-H', h.dockerHost, 'version', '--format', '{{.Server.Version}}']).then(
    () => true,
    () => false,
  );
}

/** A host's engine gone, its namespace deleted and its exec root removed (each step also when it was never made). */
async function removeHost(h: HostPlan): Promise<void> {
  await stopEngine(h).catch(() => undefined);
  await quietly(run('ip', ['netns', 'del', h.netns]));
  rmSync(h.execRoot, { recursive: true, force: true });
}

async function waitForEngine(h: HostPlan, logFile: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await engineAnswers(h)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-5).join('\n') : '';
  throw new Error(`the Docker engine of host ${h.name} did not answer on ${h.dockerHost} within 30 s\n${tail}`);
}

/** The podflow images of the machine's engine, copied into a host's engine (those it lacks). */
async function copyImages(h: HostPlan): Promise<void> {
  const wanted = (await run('docker', ['images', '--filter', 'reference=podflow/*', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter((l) => l && !l.includes('<none>'));
  const have = new Set((await run('docker', ['-H', h.dockerHost, 'images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n'));
  const missing = wanted.filter((i) => !have.has(i));
  if (missing.length === 0) return;
  const save = spawn('docker', ['save', ...missing], { stdio: ['ignore', 'pipe', 'inherit'] });
  await run('docker', ['-H', h.dockerHost, 'load', '-q'], save.stdout);
}

async function namespaces(): Promise<Set<string>> {
  return new Set((await run('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0]));
}

/** Every host of the plan still runs: the switch and each host's namespace exist and each engine answers. */
async function stillRunning(plan: UnderlayPlan): Promise<boolean> {
  const existing = await namespaces();
  if (![plan.switchNetns, ...plan.hosts.map((h) => h.netns)].every((ns) => existing.has(ns))) return false;
  return (await Promise.all(plan.hosts.map(engineAnswers))).every(Boolean);
}

/**
 * `npm run down`: the hosts a launcher on this state directory left running (their engines, and with them
 * their pods, then their namespaces). Found from the state directory alone: the engines' pid files under
 * hosts/ and the namespaces named after its tag. Returns what it removed.
 */
export async function stopHostsOf(stateDir: string): Promise<string[]> {
  const root = path.join(stateDir, 'hosts');
  const dirs = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  await Promise.all(dirs.map((d) => stopEngine({ dir: path.join(root, d.name) })));
  const prefix = `pf${hostTag(stateDir)}-`;
  const ours = [...(await namespaces())].filter((ns) => ns.startsWith(prefix));
  for (const ns of ours) {
    await quietly(run('ip', ['netns', 'del', ns]));
    if (/-h\d+$/.test(ns)) rmSync(execRootOf(ns), { recursive: true, force: true });
  }
  return ours;
}

/** A tag per state directory, so two clusters on one machine (npm start and a test) never share a namespace. */
export function hostTag(stateDir: string): string {
  return createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 6);
}

export interface Hosts {
  plan: UnderlayPlan;
  /** Environment for the agent of host `name`: its engine, namespace and address. */
  agentEnv(name: string): Record<string, string>;
  stop(opts?: { removeData?: boolean }): Promise<void>;
}

export async function startHosts(plan: UnderlayPlan): Promise<Hosts> {
  const removeAll = async () => {
    await Promise.all(plan.hosts.map(removeHost));
    await quietly(run('ip', ['netns', 'del', plan.switchNetns]));
  };
  const reused = await stillRunning(plan);
  // Whatever a launcher that died left of these hosts goes first.
  if (!reused) await removeAll();
  const stop = async (opts: { removeData?: boolean } = {}) => {
    await removeAll();
    if (opts.removeData) for (const h of plan.hosts) rmSync(h.dir, { recursive: true, force: true });
  };
  try {
    if (reused) {
      // The engines kept running (and so did their pods): only images built since are copied in.
      await Promise.all(plan.hosts.map(copyImages));
      return hostsOf(plan, stop);
    }
    const sw = plan.switchNetns;
    await run('ip', ['netns', 'add', sw]);
    await run('ip', ['-n', sw, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', sw, 'link', 'add', plan.bridge, 'type', 'bridge']);
    await run('ip', ['-n', sw, 'addr', 'add', `${plan.gateway}/${plan.prefix}`, 'dev', plan.bridge]);
    await run('ip', ['-n', sw, 'link', 'set', plan.bridge, 'up']);
    for (const [i, h] of plan.hosts.entries()) await wireHost(plan, h, `port${i + 1}`);
    await Promise.all(plan.hosts.map(startEngine));
  } catch (err) {
    await stop();
    throw err;
  }
  return hostsOf(plan, stop);
}

function hostsOf(plan: UnderlayPlan, stop: Hosts['stop']): Hosts {
  return {
    plan,
    agentEnv(name) {
      const h = plan.hosts.find((x) => x.name === name);
      if (!h) throw new Error(`no host for node ${name}`);
      return { DOCKER_HOST: h.dockerHost, HOST_NETNS: h.netnsPath, NODE_IP: h.address, POD_NETWORK: 'vxlan', POD_MTU: String(plan.mtu - 50) };
    },
    stop,
  };
}

/** One host's side of the underlay: its namespace, a veth whose far end is `port` on the switch's bridge, its address and route. */
async function wireHost(plan: UnderlayPlan, h: HostPlan, port: string): Promise<void> {
  await run('ip', ['netns', 'add', h.netns]);
  await run('ip', ['-n', plan.switchNetns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
  await run('ip', ['-n', plan.switchNetns, 'link', 'set', port, 'mtu', String(plan.mtu), 'master', plan.bridge, 'up']);
  await run('ip', ['-n', h.netns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', h.netns, 'addr', 'add', `${h.address}/${plan.prefix}`, 'dev', 'eth0']);
  await run('ip', ['-n', h.netns, 'link', 'set', 'eth0', 'mtu', String(plan.mtu), 'up']);
  await run('ip', ['-n', h.netns, 'route', 'add', 'default', 'via', plan.gateway]);
}

/** A host's own engine inside its namespace, answering, with the podflow images in it. */
async function startEngine(h: HostPlan): Promise<void> {
  mkdirSync(h.dir, { recursive: true, mode: 0o700 });
  mkdirSync(h.execRoot, { recursive: true, mode: 0o700 });
  const logFile = path.join(h.dir, 'dockerd.log');
  const args = ['--net=' + h.netnsPath, 'dockerd', '--data-root', path.join(h.dir, 'docker'), '--exec-root', h.execRoot, '-H', h.dockerHost, '--pidfile', path.join(h.dir, 'docker.pid'), '--bridge=none'];
  const out = openSync(logFile, 'a');
  // Its own process group: a Ctrl-C to the launcher does not reach it (hosts outlive the cluster); stop() ends it.
  spawn('nsenter', args, { stdio: ['ignore', out, out], detached: true }).unref();
  await waitForEngine(h, logFile);
  await copyImages(h);
}

/**
 * A machine added to a running underlay (a node that joins at runtime): one more namespace, wired to the
 * switch, with its own engine and the podflow images. Its name and address come from `planHosts` over the
 * grown list, so it reads like the hosts started first. It joins `hosts.plan`, so `agentEnv` answers for it
 * and `hosts.stop` removes it with the others; if a step fails, what was made is removed and the error thrown.
 */
export async function addHost(hosts: Hosts, name: string, stateDir: string): Promise<HostPlan> {
  const { plan } = hosts;
  if (plan.hosts.some((h) => h.name === name)) throw new Error(`host ${name} is already on the underlay`);
  const subnet = plan.gateway.split('.').slice(0, 3).join('.');
  const grown = planHosts(plan.tag, [...plan.hosts.map((h) => h.name), name], stateDir, subnet, plan.mtu);
  const h = grown.hosts[grown.hosts.length - 1];
  // A namespace of that name left by an earlier run of this state directory goes first.
  await removeHost(h);
  try {
    await wireHost(plan, h, `port${grown.hosts.length}`);
    await startEngine(h);
  } catch (err) {
    await removeHost(h);
    throw err;
  }
  plan.hosts.push(h);
  return h;
}
