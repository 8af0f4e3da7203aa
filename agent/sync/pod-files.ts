/**
 * The files the agent writes for a pod on the node: the downwardAPI volumes,
 * written as the kubelet's AtomicWriter does so that a running container sees
 * an update all at once: the files live in a timestamped directory, `..data`
 * is a symlink to it that is swapped with one rename, and each visible name is
 * a symlink through `..data`. A volume is rewritten only when its content
 * changed (labels or annotations of the pod).
 */
import { chmod, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { downwardFiles, type DownwardContext } from '../../shared/pod/downward-api';
import type { Pod } from '../../shared/pod/schema';

async function currentTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(path.join(dir, '..data'));
  } catch {
    return undefined;
  }
}

/** Writes every downwardAPI volume of the pod under `podDir/volumes/<name>`; resolves with the volumes rewritten. */
export async function writeDownwardVolumes(podDir: string, pod: Pod, ctx: DownwardContext): Promise<string[]> {
  const written: string[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    if (!volume.downwardAPI) continue;
    const files = downwardFiles(pod, volume, ctx);
    const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 12);
    const dir = path.join(podDir, 'volumes', volume.name);
    const version = `..${digest}`;
    const before = await currentTarget(dir);
    if (before === version) continue;
    await mkdir(path.join(dir, version), { recursive: true });
    for (const f of files) {
      const file = path.join(dir, version, f.path);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, f.content);
      await chmod(file, f.mode);
    }
    await rm(path.join(dir, '..data_tmp'), { force: true });
    await symlink(version, path.join(dir, '..data_tmp'));
    await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
    for (const top of new Set(files.map((f) => f.path.split('/')[0]))) {
      await symlink(path.join('..data', top), path.join(dir, top)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    for (const entry of await readdir(dir)) {
      if (entry.startsWith('..') && entry !== '..data' && entry !== version) await rm(path.join(dir, entry), { recursive: true, force: true });
    }
    written.push(volume.name);
  }
  return written;
}
