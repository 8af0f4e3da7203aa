/**
 * The baselines of the pod startup benchmark, run through their CLIs as a user
 * would: plain `docker run` (the second container joins the first's network
 * namespace) and `podman pod create` + `podman run --pod`. Podman is installed
 * (Debian `podman`, `catatonit`) and configured (a containers.conf with
 * `default_ulimits = []`, given through CONTAINERS_CONF) by the benchmark itself;
 * the podflow images are copied into its store with `docker save | podman load`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SLEEPER } from './podflow';

const run = promisify(execFile);
const IMAGES = ['podflow/base:1', 'podflow/web:1'];

export async function ensureImages(): Promise<void> {
  for (const image of [...IMAGES, 'podflow/pause:1']) {
    try {
      await run('docker', ['image', 'inspect', image]);
    } catch {
      throw new Error(`image ${image} is missing: run scripts/build-images.sh`);
    }
  }
}

/** Returns ms from the first `docker run` to the second one returning (both containers started). */
export async function dockerPod(name: string, runId: string): Promise<number> {
  const label = ['--label', `podflow.bench=${runId}`];
  const started = performance.now();
  await run('docker', ['run', '-d', ...label, '--name', `${name}-a`, '--network', 'podflow', 'podflow/base:1', ...SLEEPER]);
  await run('docker', ['run', '-d', ...label, '--name', `${name}-b`, '--network', `container:${name}-a`, 'podflow/web:1']);
  const elapsed = performance.now() - started;
  await run('docker', ['rm', '-f', `${name}-b`, `${name}-a`]);
  return elapsed;
}

export async function cleanupDocker(labelFilter: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=${labelFilter}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
  const vols = (await run('docker', ['volume', 'ls', '-q', '--filter', `label=${labelFilter}`])).stdout.split('\n').filter(Boolean);
  if (vols.length) await run('docker', ['volume', 'rm', ...vols]).catch(() => undefined);
}

export type PodmanReady = { ok: true; env: NodeJS.ProcessEnv } | { ok: false; reason: string };

async function has(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function aptInstall(packages: string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { env, timeout: 300_000 };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const exec = (args: string[]) => run(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), opts);
  await exec(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]).catch(async () => {
    await exec(['apt-get', 'update', '-qq']);
    await exec(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
  });
}

export async function preparePodman(repoRoot: string): Promise<PodmanReady> {
  try {
    if (!(await has('podman')) || !(await has('catatonit'))) {
      process.stdout.write('  podman: installing Debian podman and catatonit\n');
      await aptInstall(['podman', 'catatonit']);
    }
    const dir = path.join(repoRoot, '.podflow', 'bench');
    mkdirSync(dir, { recursive: true });
    const conf = path.join(dir, 'containers.conf');
    writeFileSync(conf, '[containers]\ndefault_ulimits = []\n');
    const env = { ...process.env, CONTAINERS_CONF: conf };
    const missing: string[] = [];
    for (const image of IMAGES) {
      await run('podman', ['image', 'exists', image], { env }).catch(() => missing.push(image));
    }
    if (missing.length) await copyImages(missing, env);
    await run('podman', ['run', '--rm', 'podflow/base:1', 'true'], { env, timeout: 60_000 });
    return { ok: true, env };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, reason: (e.stderr || e.message).trim().split('\n').slice(-1)[0] };
  }
}

function copyImages(images: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('podman', ['load'], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    load.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`podman load exited with ${code}`))));
    save.once('error', reject);
  });
}

/** Returns ms from `podman pod create` to the second `podman run --pod` returning. */
export async function podmanPod(env: NodeJS.ProcessEnv, name: string, runId: string): Promise<number> {
  const started = performance.now();
  await run('podman', ['pod', 'create', '--label', `podflow.bench=${runId}`, '--name', name], { env });
  await run('podman', ['run', '-d', '--pod', name, '--name', `${name}-a`, 'podflow/base:1', ...SLEEPER], { env });
  await run('podman', ['run', '-d', '--pod', name, '--name', `${name}-b`, 'podflow/web:1'], { env });
  const elapsed = performance.now() - started;
  await run('podman', ['pod', 'rm', '-f', '-t', '0', name], { env, timeout: 60_000 });
  return elapsed;
}

export async function cleanupPodman(env: NodeJS.ProcessEnv, runId: string): Promise<void> {
  const { stdout } = await run('podman', ['pod', 'ps', '-q', '--filter', `label=podflow.bench=${runId}`], { env }).catch(() => ({ stdout: '' }));
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await run('podman', ['pod', 'rm', '-f', '-t', '0', ...ids], { env, timeout: 120_000 }).catch(() => undefined);
}
