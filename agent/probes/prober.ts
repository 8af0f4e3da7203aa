/**
 * The node's prober: one scheduler for every probe of every running container,
 * not a timer per probe. It keeps each instance's probe states (health.ts),
 * runs the probes that are due (at most `maxConcurrent` at once) on a single
 * timer set to the earliest due time, and tells the pod's worker when a result
 * flips or a probe fails (so the status, the restart decision and the
 * `Unhealthy` event follow). Pod workers declare what runs with `track`; an
 * instance that is no longer tracked is forgotten with its states.
 *
 * Hollow nodes run no processes: with `assumePassing` every probe counts as
 * passing at once, as kubemark's hollow kubelet does.
 */
import type { PodEventRecord } from '../../shared/events/pod-status';
import type { Probe } from '../../shared/pod/schema';
import { runHandler, type HandlerDeps, type HandlerTarget } from './handlers';
import { activeProbes, applyResult, initialState, PROBE_FIELD, PROBE_LABEL, type ProbeKind, type ProbeStates } from './health';

export interface ProbeTarget extends HandlerTarget {
  uid: string;
  /** When the instance started: initialDelaySeconds counts from here. */
  startedAtMs: number;
}

export interface ProberOptions {
  handlers: HandlerDeps;
  onChange: (uid: string) => void;
  now?: () => number;
  maxConcurrent?: number;
  assumePassing?: boolean;
}

interface Tracked {
  target: ProbeTarget;
  states: ProbeStates;
  nextAt: Partial<Record<ProbeKind, number>>;
  inFlight: Set<ProbeKind>;
}

const PASSING: ProbeStates = {
  startup: { ok: true, successes: 1, failures: 0, done: true },
  liveness: { ok: true, successes: 1, failures: 0 },
  readiness: { ok: true, successes: 1, failures: 0 },
};

export class Prober {
  private readonly instances = new Map<string, Tracked>();
  private readonly events = new Map<string, PodEventRecord[]>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running = 0;
  private closed = false;
  /** Probe runs so far, for metrics and benchmarks. */
  runs = 0;

  constructor(private readonly opts: ProberOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** The running, probed instances of a uid; every other instance of that uid is forgotten. */
  track(uid: string, targets: readonly ProbeTarget[]): void {
    const keep = new Set(targets.map((t) => t.containerId));
    for (const [id, t] of this.instances) if (t.target.uid === uid && !keep.has(id)) this.instances.delete(id);
    for (const target of targets) {
      const existing = this.instances.get(target.containerId);
      if (existing) existing.target = target;
      else this.instances.set(target.containerId, { target, states: {}, nextAt: {}, inFlight: new Set() });
    }
    if (targets.length === 0) this.events.delete(uid);
    this.schedule();
  }

  states(containerId: string): ProbeStates | undefined {
    if (this.opts.assumePassing) return PASSING;
    return this.instances.get(containerId)?.states;
  }

  /** The Unhealthy events since the last call, for the worker's next report. */
  takeEvents(uid: string): PodEventRecord[] {
    const list = this.events.get(uid) ?? [];
    this.events.delete(uid);
    return list;
  }

  get tracked(): number {
    return this.instances.size;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private probeOf(t: Tracked, kind: ProbeKind): Probe {
    return t.target.spec[PROBE_FIELD[kind]]!;
  }

  /** Due times of the probes that should run now, filled in for new ones. */
  private due(t: Tracked): [ProbeKind, number][] {
    return activeProbes(t.target.spec, t.states).map((kind) => {
      const at = (t.nextAt[kind] ??= t.target.startedAtMs + (this.probeOf(t, kind).initialDelaySeconds ?? 0) * 1000);
      return [kind, at];
    });
  }

  private schedule(): void {
    if (this.closed || this.opts.assumePassing) return;
    const now = this.now();
    const max = this.opts.maxConcurrent ?? 16;
    let earliest = Infinity;
    for (const t of this.instances.values()) {
      for (const [kind, at] of this.due(t)) {
        if (t.inFlight.has(kind)) continue;
        if (at <= now && this.running < max) this.run(t, kind, now);
        else earliest = Math.min(earliest, Math.max(at, now + 10));
      }
    }
    if (earliest === Infinity || earliest >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = earliest;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.schedule();
    }, earliest - now);
  }

  private run(t: Tracked, kind: ProbeKind, now: number): void {
    const probe = this.probeOf(t, kind);
    t.inFlight.add(kind);
    t.nextAt[kind] = now + (probe.periodSeconds ?? 10) * 1000;
    this.running++;
    this.runs++;
    void runHandler(probe, t.target, (probe.timeoutSeconds ?? 1) * 1000, this.opts.handlers)
      .then((result) => {
        if (this.instances.get(t.target.containerId) !== t) return; // forgotten meanwhile
        const before = t.states[kind] ?? initialState(kind);
        const after = applyResult(kind, probe, before, result.ok, result.output.trim());
        t.states[kind] = after;
        if (!result.ok) this.event(t.target.uid, `${PROBE_LABEL[kind]} probe failed: ${result.output.trim()}`);
        if (!result.ok || before.ok !== after.ok || before.done !== after.done) this.opts.onChange(t.target.uid);
      })
      .finally(() => {
        t.inFlight.delete(kind);
        this.running--;
        this.schedule();
      });
  }

  private event(uid: string, message: string): void {
    const list = this.events.get(uid) ?? [];
    if (list.length < 20) list.push({ type: 'Warning', reason: 'Unhealthy', message, time: new Date(this.now()).toISOString() });
    this.events.set(uid, list);
  }
}
