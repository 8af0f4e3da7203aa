/**
 * Crash back-off, as the kubelet's: the first restart waits `initialMs`, each
 * further crash doubles the wait up to `maxMs`, and a container that ran cleanly
 * for `resetMs` before it exited starts again from `initialMs`. Pure: the caller
 * keeps the entry and passes the time in.
 */
export interface BackoffConfig {
  initialMs: number;
  maxMs: number;
  resetMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { initialMs: 10_000, maxMs: 300_000, resetMs: 600_000 };

/** The back-off applied to one exit of one container (keyed by the exited instance). */
export interface BackoffEntry {
  /** The exited container instance this entry was computed for. */
  instanceId: string;
  delayMs: number;
  /** Epoch ms before which the container must not start again. */
  notBefore: number;
}

/** The delay after an exit, given the delay used after the previous one and how long the container ran. */
export function nextDelay(previousDelayMs: number | undefined, ranForMs: number, cfg: BackoffConfig): number {
  if (previousDelayMs === undefined || ranForMs >= cfg.resetMs) return Math.min(cfg.initialMs, cfg.maxMs);
  return Math.min(previousDelayMs * 2, cfg.maxMs);
}

/**
 * The entry for an exited instance: the same entry again if it was already
 * computed for this instance (so the wait does not grow while we wait), a new
 * one otherwise.
 */
export function backoffFor(
  previous: BackoffEntry | undefined,
  exit: { instanceId: string; startedAtMs: number; finishedAtMs: number },
  cfg: BackoffConfig,
): BackoffEntry {
  if (previous && previous.instanceId === exit.instanceId) return previous;
  const ranForMs = Math.max(0, exit.finishedAtMs - exit.startedAtMs);
  const delayMs = nextDelay(previous?.delayMs, ranForMs, cfg);
  return { instanceId: exit.instanceId, delayMs, notBefore: exit.finishedAtMs + delayMs };
}

/** "10s", "2m40s", "5m0s": how kubelet words the wait in its BackOff messages. */
export function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  if (ms < 1000) return `${ms}ms`;
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${s % 60}s`;
}
