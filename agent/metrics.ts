/**
 * The agent's Prometheus metrics, on a registry of its own (served at the
 * log server's /metrics behind the agent token): pods by phase, container
 * restarts, sync-pass and runtime-call latency, and the age of the last
 * heartbeat the broker took. The pod workers and the heartbeat report here;
 * computePodActions and the other decisions never see it.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DURATION_BUCKETS, newRegistry } from '../shared/metrics/registry';
import { podPhase, type PodPhase, type PodStatus } from '../shared/pod/schema';

/** What a pod worker reports after each pass. */
export interface PodMetrics {
  synced(uid: string, status: PodStatus, seconds: number): void;
  /** The uid's containers and volumes are gone. */
  ended(uid: string): void;
}

export class AgentMetrics implements PodMetrics {
  readonly registry: Registry;
  private readonly restarts: Counter;
  private readonly syncSeconds: Histogram;
  private readonly runtimeSeconds: Histogram<'call'>;
  private readonly phases = new Map<string, PodPhase>();
  /** Restarts seen per uid: the counter grows by what a pass adds, never by what an earlier agent process saw. */
  private readonly restartCounts = new Map<string, number>();
  private lastHeartbeat: number | null = null;

  constructor(opts: { defaultMetrics?: boolean; now?: () => number } = {}) {
    const now = opts.now ?? Date.now;
    this.registry = newRegistry(opts);
    const registers = [this.registry];
    const phases = this.phases;
    new Gauge({
      name: 'podflow_agent_pods',
      help: 'Pods this node runs, by the phase of their last sync pass.',
      labelNames: ['phase'],
      registers,
      collect() {
        const counts = Object.fromEntries(podPhase.options.map((p) => [p, 0])) as Record<PodPhase, number>;
        for (const phase of phases.values()) counts[phase]++;
        for (const [phase, n] of Object.entries(counts)) this.set({ phase }, n);
      },
    });
    this.restarts = new Counter({ name: 'podflow_agent_container_restarts_total', help: 'Container restarts this agent process made or saw.', registers });
    this.syncSeconds = new Histogram({ name: 'podflow_agent_sync_duration_seconds', help: 'Time of one sync pass of one pod (observe, decide, act, report).', buckets: DURATION_BUCKETS, registers });
    this.runtimeSeconds = new Histogram({ name: 'podflow_agent_runtime_call_duration_seconds', help: 'Container runtime (Docker) call latency, by call.', labelNames: ['call'], buckets: DURATION_BUCKETS, registers });
    const heartbeatAge = () => (this.lastHeartbeat === null ? -1 : (now() - this.lastHeartbeat) / 1000);
    new Gauge({
      name: 'podflow_agent_heartbeat_age_seconds',
      help: 'Seconds since the broker took this node\'s last heartbeat (-1: none yet).',
      registers,
      collect() {
        this.set(heartbeatAge());
      },
    });
  }

  synced(uid: string, status: PodStatus, seconds: number): void {
    this.syncSeconds.observe(seconds);
    if (status.phase) this.phases.set(uid, status.phase);
    const restarts = (status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
    const before = this.restartCounts.get(uid);
    if (before !== undefined && restarts > before) this.restarts.inc(restarts - before);
    this.restartCounts.set(uid, Math.max(restarts, before ?? 0));
  }

  ended(uid: string): void {
    this.phases.delete(uid);
    this.restartCounts.delete(uid);
  }

  runtimeCall(call: string, seconds: number): void {
    this.runtimeSeconds.observe({ call }, seconds);
  }

  heartbeatSent(at: Date): void {
    this.lastHeartbeat = at.getTime();
  }
}
