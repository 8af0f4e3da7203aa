/** node-lifecycle timings from the environment (Kubernetes defaults: 40 s grace, 300 s eviction). */
import { z } from 'zod';
import type { LifecycleConfig } from '../../shared/node/lifecycle';

const schema = z.object({
  NODE_GRACE_PERIOD_MS: z.coerce.number().int().positive().default(40_000),
  POD_EVICTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(300_000),
  MAX_EVICTIONS_PER_SWEEP: z.coerce.number().int().positive().default(10),
  UNHEALTHY_NODE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.55),
  /** How often the sweep looks for unschedulable pods to retry, besides when a node joins or becomes Ready. */
  UNSCHEDULABLE_RETRY_MS: z.coerce.number().int().min(0).default(10_000),
});

export function retryIntervalMs(env: NodeJS.ProcessEnv): number {
  return schema.parse(env).UNSCHEDULABLE_RETRY_MS;
}

export function lifecycleConfig(env: NodeJS.ProcessEnv): LifecycleConfig {
  const c = schema.parse(env);
  return {
    gracePeriodMs: c.NODE_GRACE_PERIOD_MS,
    evictionTimeoutMs: c.POD_EVICTION_TIMEOUT_MS,
    maxEvictionsPerSweep: c.MAX_EVICTIONS_PER_SWEEP,
    unhealthyThreshold: c.UNHEALTHY_NODE_THRESHOLD,
  };
}
