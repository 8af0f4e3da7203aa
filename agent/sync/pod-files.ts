/**
 * The files the agent writes for a pod on the node: the downwardAPI,
 * configMap, secret and projected volumes, written as the kubelet's
 * AtomicWriter does so that a running container sees an update all at once:
 * the files live in a timestamped directory, `..data` is a symlink to it that
 * is swapped with one rename, and each visible name is a symlink through
 * `..data`. A volume is rewritten only when its content changed. A volume
 * that holds Secret values lives on a tmpfs mounted for it, as the kubelet's
 * secret volumes do: those values are never written to the node's disk.
 */
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { downwardFiles, type DownwardContext } from '../../shared/pod/downward-api';
import type { VolumeFile } from '../../shared/pod/config-refs';
import type { Pod } from '../../shared/pod/schema';
import { hostExec } from '../network/host-commands';

/** mount and umount, in the agent's own namespaces. */
const run = hostExec();

/** A secret volume's tmpfs: room for a few 1 MiB Secrets. */
const TMPFS_SIZE = '16m';

export interface VolumeContent {
  name: string;
  files: readonly VolumeFile[];
  /** Keep the files in memory (a tmpfs): the volume holds Secret values. */
  memory: boolean;
}

async function currentTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(path.join(dir, '..data'));
  } catch {
    return undefined;
  }
}

/** Mount points at or under `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const root = path.resolve(dir);
  return table
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((p): p is string => Boolean(p) && (p === root || p.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
}

async function ensureTmpfs(dir: string): Promise<void> {
  if ((await mountsUnder(dir)).includes(path.resolve(dir))) return;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0755`, 'tmpfs', dir]);
  } catch (err) {
    throw new Error(`cannot mount a tmpfs for a secret volume at ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** Unmounts every tmpfs under a pod's directory, before the directory is removed. */
export async function unmountPodDir(podDir: string): Promise<void> {
  for (const mount of await mountsUnder(podDir)) await run('umount', [mount]).catch(() => run('umount', ['-l', mount]));
}

/** Writes one volume under `podDir/volumes/<name>`; resolves true when its content changed. */
export async function writeVolume(podDir: string, volume: VolumeContent): Promise<boolean> {
  const dir = path.join(podDir, 'volumes', volume.name);
  const digest = createHash('sha256');
  for (const f of volume.files) digest.update(`${f.path}\0${f.mode}\0`).update(f.content).update('\0');
  const version = `..${digest.digest('hex').slice(0, 12)}`;
  if (volume.memory) await ensureTmpfs(dir);
  const before = await currentTarget(dir);
  if (before === version) return false;
  await mkdir(path.join(dir, version), { recursive: true });
  for (const f of volume.files) {
    const file = path.join(dir, version, f.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, f.content);
    await chmod(file, f.mode);
  }
  await rm(path.join(dir, '..data_tmp'), { force: true });
  await symlink(version, path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  const tops = new Set(volume.files.map((f) => f.path.split('/')[0]));
  for (const top of tops) {
    await symlink(path.join('..data', top), path.join(dir, top)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  for (const entry of await readdir(dir)) {
    if (entry.startsWith('..') && entry !== '..data' && entry !== version) await rm(path.join(dir, entry), { recursive: true, force: true });
    // A key that left the object: its name goes with it.
    else if (!entry.startsWith('..') && !tops.has(entry) && (await lstat(path.join(dir, entry))).isSymbolicLink()) await rm(path.join(dir, entry), { force: true });
  }
  return true;
}

/** Writes every downwardAPI volume of the pod under `podDir/volumes/<name>`; resolves with the volumes rewritten. */
export async function writeDownwardVolumes(podDir: string, pod: Pod, ctx: DownwardContext): Promise<string[]> {
  const written: string[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    if (!volume.downwardAPI) continue;
    if (await writeVolume(podDir, { name: volume.name, files: downwardFiles(pod, volume, ctx), memory: false })) written.push(volume.name);
  }
  return written;
}
