/**
 * The node's usage sampler, as the kubelet's summary API feeds metrics-server:
 * one pass per interval over the node's running containers, reading each
 * one's cgroup counters (CPU time, memory working set) from the host's
 * /sys/fs/cgroup (v1 or v2, found through /proc/<pid>/cgroup), plus the host's
 * CPU and memory from /proc. Docker's own stats call is the fallback where the
 * files cannot be read: it waits for the engine's 1 s collector tick, so a
 * pass over many containers through it takes seconds (measured), while the
 * files take a few milliseconds. It keeps the last two samples per container,
 * so usage is a rate over the window; `summary()` answers what the API's
 * metrics.k8s.io serves.
 */
import Docker from 'dockerode';
import { readFile } from 'node:fs/promises';
import { LABELS } from '../runtime/labels';
import { procStatCpu, usageBetween, workingSet, type CounterSample, type NodeSummary, type PodUsage } from '../../shared/node/usage';

interface Tracked {
  labels: Record<string, string>;
  pid: number;
  samples: [CounterSample | undefined, CounterSample];
}

export class StatsSampler {
  private readonly containers = new Map<string, Tracked>();
  private host: [CounterSample | undefined, CounterSample] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Duration of the last pass, ms. */
  lastPassMs = 0;

  constructor(
    private readonly opts: { nodeName: string; intervalMs: number; docker?: Docker; onError?: (err: unknown) => void },
    private readonly docker = opts.docker ?? new Docker(),
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.pass()
        .catch((err: unknown) => this.opts.onError?.(err))
        .finally(() => {
          this.running = null;
          if (this.timer !== null) this.timer = setTimeout(tick, this.opts.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One sampling pass over the node's running containers and the host. */
  async pass(): Promise<void> {
    const started = Date.now();
    const list = await this.docker.listContainers({ filters: { label: [`${LABELS.node}=${this.opts.nodeName}`, `${LABELS.role}=app`], status: ['running'] } });
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i += 8) {
      await Promise.all(
        list.slice(i, i + 8).map(async (c) => {
          seen.add(c.Id);
          try {
            const before = this.containers.get(c.Id);
            const pid = before?.pid ?? (await this.docker.getContainer(c.Id).inspect()).State.Pid;
            const sample = (await cgroupSample(pid)) ?? (await this.dockerSample(c.Id));
            this.containers.set(c.Id, { labels: c.Labels ?? {}, pid, samples: [before?.samples[1], sample] });
          } catch {
            /* gone between list and stats: the next pass forgets it */
          }
        }),
      );
    }
    for (const id of this.containers.keys()) if (!seen.has(id)) this.containers.delete(id);
    await this.sampleHost();
    this.lastPassMs = Date.now() - started;
  }

  private async dockerSample(id: string): Promise<CounterSample> {
    const stats = (await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as never)) as unknown as {
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
      memory_stats?: { usage?: number; stats?: Record<string, number> };
    };
    return { cpuNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0, memoryBytes: workingSet(stats.memory_stats), at: Date.now() };
  }

  private async sampleHost(): Promise<void> {
    const [stat, meminfo] = await Promise.all([readFile('/proc/stat', 'utf8'), readFile('/proc/meminfo', 'utf8')]);
    const cpu = procStatCpu(stat);
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
    if (!cpu) return;
    // Jiffies are 1/100 s on Linux: busy jiffies × 10 ms is CPU time.
    const sample: CounterSample = { cpuNs: cpu.busy * 10_000_000, memoryBytes: kib('MemTotal') - kib('MemAvailable'), at: Date.now() };
    this.host = [this.host?.[1], sample];
  }

  summary(): NodeSummary {
    const pods = new Map<string, PodUsage>();
    for (const t of this.containers.values()) {
      const usage = usageBetween(t.samples[0], t.samples[1]);
      if (!usage) continue;
      const uid = t.labels[LABELS.uid] ?? '';
      const pod = pods.get(uid) ?? { namespace: t.labels[LABELS.namespace] ?? '', name: t.labels[LABELS.name] ?? '', uid, containers: [] };
      pod.containers.push({ name: t.labels[LABELS.container] ?? '', ...usage });
      pods.set(uid, pod);
    }
    return { node: this.host ? usageBetween(this.host[0], this.host[1]) : null, pods: [...pods.values()] };
  }
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Key-value lines of a cgroup stat file ("name value"). */
function statFile(text: string): Record<string, number> {
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => { const [k, v] = l.split(' '); return [k, Number(v)]; }));
}

/** The process's counters from its cgroup files (v2 unified, else v1 cpuacct and memory); null where they cannot be read. */
export async function cgroupSample(pid: number): Promise<CounterSample | null> {
  try {
    const lines = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).split('\n').filter(Boolean);
    const pathOf = (controller: string) => lines.map((l) => l.split(':')).find(([, c]) => c.split(',').includes(controller))?.[2];
    const unified = lines.length === 1 ? lines[0].split(':')[2] : undefined;
    if (unified !== undefined) {
      const dir = `${CGROUP_ROOT}${unified}`;
      const [cpu, current, memory] = await Promise.all([readFile(`${dir}/cpu.stat`, 'utf8'), readFile(`${dir}/memory.current`, 'utf8'), readFile(`${dir}/memory.stat`, 'utf8')]);
      return { cpuNs: (statFile(cpu).usage_usec ?? 0) * 1000, memoryBytes: workingSet({ usage: Number(current), stats: statFile(memory) }), at: Date.now() };
    }
    const cpuPath = pathOf('cpuacct');
    const memPath = pathOf('memory');
    if (cpuPath === undefined || memPath === undefined) return null;
    const [usage, memUsage, memory] = await Promise.all([
      readFile(`${CGROUP_ROOT}/cpuacct${cpuPath}/cpuacct.usage`, 'utf8'),
      readFile(`${CGROUP_ROOT}/memory${memPath}/memory.usage_in_bytes`, 'utf8'),
      readFile(`${CGROUP_ROOT}/memory${memPath}/memory.stat`, 'utf8'),
    ]);
    return { cpuNs: Number(usage), memoryBytes: workingSet({ usage: Number(memUsage), stats: statFile(memory) }), at: Date.now() };
  } catch {
    return null;
  }
}
