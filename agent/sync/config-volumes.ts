/**
 * The agent's side of ConfigMaps and Secrets for one pod: read the objects it
 * names (agent/config-objects/cache.ts), then resolve env and write the
 * configMap, secret and projected volumes (shared/pod/config-refs.ts, written
 * by pod-files.ts). Every failure is a message worded as the kubelet's, which
 * the caller turns into CreateContainerConfigError and retries with back-off.
 */
import type { ConfigObjectCache } from '../config-objects/cache';
import { configVolumeFiles, holdsSecrets, isConfigVolume, referencedObjects, type ConfigLookup, type Resolved } from '../../shared/pod/config-refs';
import type { DownwardContext } from '../../shared/pod/downward-api';
import type { Pod } from '../../shared/pod/schema';
import { writeVolume } from './pod-files';

const EMPTY: ConfigLookup = { get: () => undefined };

/** The objects the pod names, read once for this pass. */
export async function configLookup(cache: ConfigObjectCache | undefined, pod: Pod): Promise<Resolved<ConfigLookup>> {
  const refs = referencedObjects(pod);
  if (refs.length === 0) return { ok: true, value: EMPTY };
  if (!cache) return { ok: false, message: 'this node reads no ConfigMaps or Secrets (its agent was started without CONFIG_OBJECTS_TABLE)' };
  try {
    return { ok: true, value: await cache.lookup(pod.metadata.namespace, refs) };
  } catch (err) {
    return { ok: false, message: `failed to read the pod's ConfigMaps and Secrets: ${(err as Error).message}` };
  }
}

/** Writes every configMap, secret and projected volume of the pod; resolves with the first failure, if any. */
export async function writeConfigVolumes(podDir: string, pod: Pod, lookup: ConfigLookup, downward: DownwardContext): Promise<Resolved<string[]>> {
  const written: string[] = [];
  for (const volume of pod.spec.volumes ?? []) {
    if (!isConfigVolume(volume)) continue;
    const files = configVolumeFiles(pod, volume, lookup, downward);
    if (!files.ok) return files;
    try {
      if (await writeVolume(podDir, { name: volume.name, files: files.value, memory: holdsSecrets(volume) })) written.push(volume.name);
    } catch (err) {
      return { ok: false, message: `MountVolume.SetUp failed for volume "${volume.name}" : ${(err as Error).message}` };
    }
  }
  return { ok: true, value: written };
}
