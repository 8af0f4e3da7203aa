/**
 * When the launcher restarts a child that died: after a delay that starts at
 * one second and doubles up to a cap, reset once the child ran cleanly for a
 * while (the kubelet's crash back-off, shortened for control-plane processes).
 * Pure, for table tests.
 */
export interface RestartPolicy {
  initialMs: number;
  maxMs: number;
  /** A child that ran this long before dying starts again from initialMs. */
  resetAfterMs: number;
}

export const LAUNCHER_RESTART: RestartPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

export function nextRestartDelay(previousDelayMs: number | null, ranForMs: number, policy: RestartPolicy = LAUNCHER_RESTART): number {
  if (previousDelayMs === null || ranForMs >= policy.resetAfterMs) return policy.initialMs;
  return Math.min(policy.maxMs, previousDelayMs * 2);
}
