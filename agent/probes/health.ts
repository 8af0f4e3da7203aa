/**
 * The probe state machine of one container instance, as the kubelet's prober
 * workers keep it: a result flips only after `successThreshold` successes or
 * `failureThreshold` failures in a row; readiness starts as failure, liveness
 * and startup as success; liveness and readiness wait until the startup probe
 * has succeeded. `containerHealth` turns the states into what a decision or a
 * status needs: started, ready, and a probe that asks for a restart. Pure.
 */
import type { Container, Probe } from '../../shared/pod/schema';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export const PROBE_FIELD = { liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe' } as const;
export const PROBE_LABEL = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const;

export interface ProbeState {
  /** The result the container is judged by (readiness starts false, the others true). */
  ok: boolean;
  successes: number;
  failures: number;
  /** The last failure's output, for events and messages. */
  lastMessage?: string;
  /** Set once; a startup probe stops running after its first success. */
  done?: boolean;
}

export function initialState(kind: ProbeKind): ProbeState {
  return { ok: kind !== 'readiness', successes: 0, failures: 0 };
}

/** The state after one probe result. */
export function applyResult(kind: ProbeKind, probe: Probe, state: ProbeState, success: boolean, message?: string): ProbeState {
  const next: ProbeState = success
    ? { ...state, successes: state.successes + 1, failures: 0 }
    : { ...state, failures: state.failures + 1, successes: 0, ...(message !== undefined ? { lastMessage: message } : {}) };
  if (kind === 'startup') {
    // Startup is not "ok" until it has succeeded once; it fails for good after failureThreshold.
    if (success) return { ...next, ok: true, done: true };
    return { ...next, ok: next.failures < (probe.failureThreshold ?? 3) };
  }
  if (success && next.successes >= (probe.successThreshold ?? 1)) next.ok = true;
  if (!success && next.failures >= (probe.failureThreshold ?? 3)) next.ok = false;
  return next;
}

export interface ContainerHealth {
  /** The startup probe passed (or there is none) and the container runs. */
  started: boolean;
  /** The readiness probe passes (or there is none) and the container has started. */
  ready: boolean;
  /** A liveness or startup probe failed past its threshold: the container must be restarted. */
  restart?: { kind: 'liveness' | 'startup'; message: string };
}

export type ProbeStates = Partial<Record<ProbeKind, ProbeState>>;

/** Health of a running instance of `spec` from its probe states (absent: not probed yet). */
export function containerHealth(spec: Container, states: ProbeStates | undefined): ContainerHealth {
  const startup = spec.startupProbe ? states?.startup : undefined;
  const started = !spec.startupProbe || startup?.done === true;
  const readinessOk = !spec.readinessProbe || states?.readiness?.ok === true;
  const health: ContainerHealth = { started, ready: started && readinessOk };
  if (spec.startupProbe && startup && !startup.ok) {
    health.restart = { kind: 'startup', message: `Container ${spec.name} failed startup probe, will be restarted` };
  } else if (started && spec.livenessProbe && states?.liveness && !states.liveness.ok) {
    health.restart = { kind: 'liveness', message: `Container ${spec.name} failed liveness probe, will be restarted` };
  }
  return health;
}

/** Which probes of `spec` run now: startup until it passes, then liveness and readiness. */
export function activeProbes(spec: Container, states: ProbeStates | undefined): ProbeKind[] {
  if (spec.startupProbe && states?.startup?.done !== true) return ['startup'];
  return (['liveness', 'readiness'] as const).filter((k) => spec[PROBE_FIELD[k]] !== undefined);
}
