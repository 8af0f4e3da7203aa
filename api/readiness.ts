/**
 * /readyz for the API: ready only while the broker and the store answer.
 * Each dependency has a cheap probe (list the broker's topics' metadata, list
 * one table) bounded by a timeout, and its result is cached for a short while,
 * so a scraper or load balancer polling /readyz adds almost nothing to the
 * broker and the store. /livez never looks at them: a process that waits for
 * its broker is alive, and restarting it would not help.
 */
export type Probe = () => Promise<void>;

export interface ReadinessSettings {
  /** A probe that has not answered within this many milliseconds failed. */
  timeoutMs: number;
  /** How long a probe's result is reused. */
  cacheMs: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  message?: string;
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export class Readiness {
  private readonly cached = new Map<string, { at: number; result: CheckResult; pending?: Promise<CheckResult> }>();

  constructor(
    private readonly probes: Record<string, Probe>,
    private readonly settings: ReadinessSettings = { timeoutMs: 2000, cacheMs: 2000 },
    private readonly now: () => number = Date.now,
  ) {}

  async check(): Promise<{ ready: boolean; checks: CheckResult[] }> {
    const checks = await Promise.all(Object.keys(this.probes).map((name) => this.one(name)));
    return { ready: checks.every((c) => c.ok), checks };
  }

  /** The named check, cached like /readyz's; a failure throws with its reason. */
  async require(name: string): Promise<void> {
    const result = await this.one(name);
    if (!result.ok) throw new Error(result.message ?? `${name} is not ready`);
  }

  private one(name: string): Promise<CheckResult> {
    const entry = this.cached.get(name);
    if (entry?.pending) return entry.pending;
    if (entry && this.now() - entry.at < this.settings.cacheMs) return Promise.resolve(entry.result);
    const pending = withTimeout(this.probes[name](), this.settings.timeoutMs, name)
      .then((): CheckResult => ({ name, ok: true }))
      .catch((err: unknown): CheckResult => ({ name, ok: false, message: (err as Error).message }))
      .then((result) => {
        this.cached.set(name, { at: this.now(), result });
        return result;
      });
    this.cached.set(name, { at: entry?.at ?? 0, result: entry?.result ?? { name, ok: false }, pending });
    return pending;
  }
}

/** The body Kubernetes' /readyz?verbose prints: one `[+]name ok` or `[-]name failed: why` line per check. */
export function readyzBody(result: { ready: boolean; checks: CheckResult[] }): string {
  const lines = result.checks.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: ${c.message ?? 'not ready'}`));
  return `${lines.join('\n')}\n${result.ready ? 'readyz check passed' : 'readyz check failed'}\n`;
}
