/**
 * Rebuilds the run of each attempt of one container from the statuses an agent
 * reported. A status pairs `restartCount` (the attempt of the newest instance)
 * with `lastState` in two ways, as the kubelet does: while the newest instance
 * runs (or is created), `lastState` is the attempt before it; once the newest
 * instance exited and waits for its restart (CrashLoopBackOff), `lastState` is
 * that newest instance itself. The two are told apart by container id, never
 * by the waiting reason alone. Pure.
 */
import type { ContainerStatus } from '../../shared/pod/schema';

export interface AttemptRun {
  containerID: string;
  startedAt?: string;
  finishedAt?: string;
}

type Terminated = NonNullable<NonNullable<ContainerStatus['state']>['terminated']>;

/** The attempt a reported `lastState.terminated` belongs to. */
export function lastStateAttempt(s: Pick<ContainerStatus, 'restartCount' | 'containerID' | 'lastState'>): number | undefined {
  const last = s.lastState?.terminated;
  if (!last) return undefined;
  return last.containerID !== undefined && last.containerID === s.containerID ? s.restartCount : s.restartCount - 1;
}

/**
 * Attempt number → its run, from every terminated state the statuses show.
 * Throws if one attempt is reported with two different container ids (a
 * mismatched report, or two copies of one attempt).
 */
export function attemptRuns(statuses: readonly ContainerStatus[]): Map<number, AttemptRun> {
  const runs = new Map<number, AttemptRun>();
  const put = (attempt: number | undefined, t: Terminated | undefined) => {
    if (attempt === undefined || attempt < 0 || !t?.containerID) return;
    const seen = runs.get(attempt);
    if (seen && seen.containerID !== t.containerID) {
      throw new Error(`attempt ${attempt} reported as ${seen.containerID} and as ${t.containerID}`);
    }
    runs.set(attempt, { containerID: t.containerID, startedAt: t.startedAt, finishedAt: t.finishedAt });
  };
  for (const s of statuses) {
    put(lastStateAttempt(s), s.lastState?.terminated);
    put(s.restartCount, s.state.terminated);
  }
  return runs;
}

/** ms from attempt `i` finishing to attempt `i + 1` starting, for every consecutive pair both known. */
export function restartGaps(runs: ReadonlyMap<number, AttemptRun>): Map<number, number> {
  const gaps = new Map<number, number>();
  for (const [i, run] of runs) {
    const next = runs.get(i + 1);
    if (run.finishedAt && next?.startedAt) gaps.set(i, Date.parse(next.startedAt) - Date.parse(run.finishedAt));
  }
  return gaps;
}
