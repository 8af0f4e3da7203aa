/**
 * Translates one container of a pod into the runtime's ContainerSpec: command
 * and args, env, volume mounts (emptyDir = a volume named by pod uid, hostPath =
 * a bind; the agent's files (downwardAPI, configMap, secret, projected) = a read-only bind; medium Memory = a tmpfs of sizeLimit; a subPath = a directory
 * inside either), hostPorts for the sandbox, cpu and memory limits (NanoCpus, Memory), and the security context
 * through the shared `containerSecurityDefaults`: unless privileged, every
 * container runs with no-new-privileges and all capabilities dropped but the
 * default set (adjusted by its own add/drop). Pure.
 */
import path from 'node:path';
import { containerSecurityDefaults } from '../../shared/pod/admission';
import type { Container, Pod } from '../../shared/pod/schema';
import { isConfigVolume } from '../../shared/pod/config-refs';
import { toBytes, toMilliCpu } from '../../shared/kube/quantity';
import { containerName, containerSpecHash, emptyDirVolumeName, LABELS, podLabels, type PodIdentity } from './labels';
import type { ContainerSpec, HostPortSpec, MountSpec, VolumeOptions } from './types';

export function podIdentity(pod: Pod, nodeName: string): PodIdentity {
  return { nodeName, uid: pod.metadata.uid, namespace: pod.metadata.namespace, name: pod.metadata.name };
}

/** `podFilesDir`: where the agent writes this pod's files (downwardAPI volumes live under `volumes/`). */
export function mountsFor(pod: Pod, container: Container, podFilesDir?: string): MountSpec[] {
  return (container.volumeMounts ?? []).map((m) => {
    const volume = pod.spec.volumes?.find((v) => v.name === m.name);
    if (!volume) throw new Error(`volumeMount ${m.name} refers to no volume`);
    const subPath = m.subPath ? `/${m.subPath.replace(/^\/+/, '')}` : '';
    if (volume.downwardAPI || isConfigVolume(volume)) {
      // Written by the agent (pod-files.ts); a node without a files directory (hollow) mounts nothing real.
      return { type: 'bind', source: path.join(podFilesDir ?? '', 'volumes', volume.name), target: m.mountPath, readOnly: true };
    }
    if (volume.hostPath) {
      return { type: 'bind', source: `${volume.hostPath.path}${subPath}`, target: m.mountPath, readOnly: m.readOnly ?? false };
    }
    const mount: MountSpec = { type: 'volume', source: emptyDirVolumeName(pod.metadata.uid, volume.name), target: m.mountPath, readOnly: m.readOnly ?? false };
    if (m.subPath) mount.subPath = m.subPath.replace(/^\/+/, '');
    return mount;
  });
}

/** The hostPorts of the pod's containers, for its sandbox. */
export function hostPortsFor(pod: Pod): HostPortSpec[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? []).flatMap((p) => (p.hostPort ? [{ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol ?? 'TCP', ...(p.hostIP ? { hostIP: p.hostIP } : {}) }] : [])),
  );
}

/** The emptyDir volumes of a pod, by their runtime names. */
export function emptyDirNames(pod: Pod): { volume: string; runtimeName: string; options: VolumeOptions }[] {
  return (pod.spec.volumes ?? [])
    .filter((v) => v.emptyDir || (!v.hostPath && !v.downwardAPI && !isConfigVolume(v)))
    .map((v) => {
      const memory = v.emptyDir?.medium === 'Memory';
      const options: VolumeOptions = memory ? { memory: v.emptyDir?.sizeLimit !== undefined ? { sizeBytes: toBytes(v.emptyDir.sizeLimit) } : {} } : {};
      return { volume: v.name, runtimeName: emptyDirVolumeName(pod.metadata.uid, v.name), options };
    });
}

/**
 * The container's environment as the kubelet builds it: `envFrom` pairs first,
 * then `env`, which overrides a name set before; a `valueFrom` that resolved
 * to nothing (an optional ConfigMap or Secret key that is missing) is left out.
 */
export function containerEnv(container: Container, valueFrom: Readonly<Record<string, string>>, envFrom: readonly (readonly [string, string])[]): string[] {
  const env = new Map<string, string>(envFrom);
  for (const e of container.env ?? []) {
    if (!e.valueFrom) env.set(e.name, e.value ?? '');
    else if (e.name in valueFrom) env.set(e.name, valueFrom[e.name]);
    else if (!e.valueFrom.configMapKeyRef && !e.valueFrom.secretKeyRef) env.set(e.name, '');
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** `downward`: the values of the container's `valueFrom` env variables (downward API, ConfigMaps, Secrets), by name; `envFrom`: the pairs of its env sources. */
export function containerSpecFor(
  pod: Pod,
  container: Container,
  nodeName: string,
  sandboxId: string,
  attempt: number,
  downward: Readonly<Record<string, string>> = {},
  podFilesDir?: string,
  envFrom: readonly (readonly [string, string])[] = [],
): ContainerSpec {
  const id = podIdentity(pod, nodeName);
  const limits = container.resources?.limits ?? {};
  const security = containerSecurityDefaults(container, pod.spec.securityContext);
  const spec: ContainerSpec = {
    name: containerName(id, container.name, attempt),
    image: container.image,
    env: containerEnv(container, downward, envFrom),
    labels: {
      ...podLabels(id),
      [LABELS.role]: 'app',
      [LABELS.container]: container.name,
      [LABELS.attempt]: String(attempt),
      [LABELS.specHash]: containerSpecHash(container),
      [LABELS.sandboxId]: sandboxId,
    },
    sandboxId,
    mounts: mountsFor(pod, container, podFilesDir),
    privileged: security.privileged,
    readOnlyRootfs: security.readonlyRootfs,
    capAdd: security.capAdd,
    capDrop: security.capDrop,
    securityOpt: security.securityOpt,
    tty: container.tty ?? false,
    stdin: container.stdin ?? false,
  };
  if (container.command) spec.entrypoint = container.command;
  if (container.args) spec.cmd = container.args;
  if (container.workingDir) spec.workingDir = container.workingDir;
  if (limits.cpu !== undefined) spec.nanoCpus = toMilliCpu(limits.cpu) * 1_000_000;
  if (limits.memory !== undefined) spec.memoryBytes = toBytes(limits.memory);
  if (security.user !== undefined) spec.user = security.user;
  return spec;
}
