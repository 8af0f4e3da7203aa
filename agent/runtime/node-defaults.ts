/**
 * What the node puts on every pod container that does not say otherwise: a
 * pids limit (a fork bomb in one pod must not take the node's process table),
 * a memory limit for containers that set none (a LimitRange default, here a
 * node setting), and json-file log rotation (the kubelet's
 * containerLogMaxSize / containerLogMaxFiles: 10Mi and 5 by default), so one
 * chatty container cannot fill the node's disk. Pure: the Docker HostConfig
 * fields for a container's own settings.
 */
export interface NodeContainerDefaults {
  /** Processes per container (Docker PidsLimit); 0: no limit. */
  pidsLimit: number;
  /** Memory limit in bytes for a container without one; 0: none. */
  memoryBytes: number;
  /** json-file rotation: bytes per file and files kept. */
  logMaxSizeBytes: number;
  logMaxFiles: number;
}

export const KUBELET_LIKE_DEFAULTS: NodeContainerDefaults = { pidsLimit: 1024, memoryBytes: 1024 * 1024 * 1024, logMaxSizeBytes: 10 * 1024 * 1024, logMaxFiles: 5 };

export interface HostConfigLimits {
  PidsLimit?: number;
  Memory?: number;
  MemorySwap?: number;
  LogConfig: { Type: 'json-file'; Config: Record<string, string> };
}

export function hostConfigLimits(own: { memoryBytes?: number }, defaults: NodeContainerDefaults | undefined): HostConfigLimits {
  const d = defaults ?? KUBELET_LIKE_DEFAULTS;
  const memory = own.memoryBytes ?? (d.memoryBytes > 0 ? d.memoryBytes : undefined);
  return {
    ...(d.pidsLimit > 0 ? { PidsLimit: d.pidsLimit } : {}),
    ...(memory !== undefined ? { Memory: memory, MemorySwap: memory } : {}),
    LogConfig: { Type: 'json-file', Config: logRotation(d) },
  };
}

export function logRotation(d: Pick<NodeContainerDefaults, 'logMaxSizeBytes' | 'logMaxFiles'>): Record<string, string> {
  return d.logMaxSizeBytes > 0 ? { 'max-size': String(d.logMaxSizeBytes), 'max-file': String(Math.max(1, d.logMaxFiles)) } : {};
}
