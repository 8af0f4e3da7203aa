/**
 * Prometheus registries: one per component (API, agent, handler process),
 * never prom-client's global one, so several components in one process (tests,
 * hollow fleets) never collide on a metric name. Default process metrics (CPU,
 * memory, event-loop lag, GC) are opt-in: only a process's entry point asks.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface RegistryOptions {
  /** Add prom-client's process metrics (process_*, nodejs_*); once per process. */
  defaultMetrics?: boolean;
}

export function newRegistry(opts: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets in seconds: 1 ms to 60 s (a container stop waits out its grace period). */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
