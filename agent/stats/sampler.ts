/**
 * The node's usage sampler, as the kubelet's summary API feeds metrics-server:
 * one pass per interval over the node's running containers (one one-shot
 * Docker stats call each, at most 8 at once; no stream per container), plus
 * the host's CPU and memory from /proc. It keeps the last two samples per
 * container, so usage is a rate over the window; `summary()` answers what the
 * API's metrics.k8s.io serves.
 */
import Docker from 'dockerode';
import { readFile } from 'node:fs/promises';
import { LABELS } from '../runtime/labels';
import { procStatCpu, usageBetween, workingSet, type CounterSample, type NodeSummary, type PodUsage } from '../../shared/node/usage';

interface Tracked {
  labels: Record<string, string>;
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
            const stats = (await this.docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as never)) as unknown as {
              cpu_stats?: { cpu_usage?: { total_usage?: number } };
              memory_stats?: { usage?: number; stats?: Record<string, number> };
            };
            const sample: CounterSample = { cpuNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0, memoryBytes: workingSet(stats.memory_stats), at: Date.now() };
            const before = this.containers.get(c.Id);
            this.containers.set(c.Id, { labels: c.Labels ?? {}, samples: [before?.samples[1], sample] });
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
