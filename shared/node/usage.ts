/**
 * Resource usage as metrics-server reports it, from two samples of cumulative
 * counters: CPU is the rate of CPU time over the window (nanocores), memory
 * the working set (usage without inactive file pages). Shared by the agent's
 * sampler and the API's metrics.k8s.io, which also share the summary shape
 * an agent serves at /stats/summary. Pure.
 */
export interface CounterSample {
  /** Cumulative CPU time, ns. */
  cpuNs: number;
  /** Working-set bytes at the time of the sample. */
  memoryBytes: number;
  /** Epoch ms of the sample. */
  at: number;
}

export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
  /** Epoch ms of the newer sample. */
  timestamp: number;
  windowMs: number;
}

/** Usage between two samples of one counter; null before there are two, or if the counter went back (a restart). */
export function usageBetween(older: CounterSample | undefined, newer: CounterSample): Usage | null {
  if (!older || newer.at <= older.at || newer.cpuNs < older.cpuNs) return null;
  const windowMs = newer.at - older.at;
  return { cpuNanoCores: Math.round(((newer.cpuNs - older.cpuNs) / (windowMs * 1e6)) * 1e9), memoryBytes: newer.memoryBytes, timestamp: newer.at, windowMs };
}

/** metrics-server's quantities: CPU in nanocores ("1234n"), memory in KiB ("5120Ki"). */
export function cpuQuantity(nanoCores: number): string {
  return `${Math.max(0, Math.round(nanoCores))}n`;
}

export function memoryQuantity(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

/** The working set from Docker's memory_stats (cgroup v1 or v2), as the kubelet computes it. */
export function workingSet(memory: { usage?: number; stats?: Record<string, number> } | undefined): number {
  const usage = memory?.usage ?? 0;
  const inactive = memory?.stats?.inactive_file ?? memory?.stats?.total_inactive_file ?? 0;
  return Math.max(0, usage - inactive);
}

/** Busy and total jiffies from the first line of /proc/stat. */
export function procStatCpu(text: string): { busy: number; total: number } | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

export interface ContainerUsage extends Usage {
  name: string;
}

export interface PodUsage {
  namespace: string;
  name: string;
  uid: string;
  containers: ContainerUsage[];
}

/** What an agent answers at GET /stats/summary. */
export interface NodeSummary {
  node: Usage | null;
  pods: PodUsage[];
}
