import type { ContainerStatus } from '../../../shared/pod/schema';
import { attemptRuns, lastStateAttempt, restartGaps } from '../../helpers/agent-attempts';

const t = (id: string, startedAt: string, finishedAt: string) => ({ terminated: { exitCode: 3, reason: 'Error', containerID: `docker://${id}`, startedAt, finishedAt } });
const status = (restartCount: number, current: string, state: ContainerStatus['state'], lastState: ContainerStatus['lastState']): ContainerStatus => ({
  name: 'main',
  image: 'i',
  ready: false,
  restartCount,
  containerID: `docker://${current}`,
  state,
  lastState,
});
const att1 = t('a1', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.012Z');
const att2 = t('a2', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.012Z');
const att3 = t('a3', '2026-01-01T00:00:04.000Z', '2026-01-01T00:00:04.012Z');
const backoff = { waiting: { reason: 'CrashLoopBackOff' } };

describe('which attempt a reported lastState belongs to', () => {
  it.each<[string, ContainerStatus, number | undefined]>([
    ['running attempt 3: lastState is attempt 2', status(3, 'a3', { running: {} }, att2), 2],
    ['created attempt 3: lastState is attempt 2', status(3, 'a3', { waiting: { reason: 'ContainerCreating' } }, att2), 2],
    ['attempt 2 exited, in back-off: lastState is attempt 2 itself', status(2, 'a2', backoff, att2), 2],
    ['terminated attempt 3 (will not restart): lastState is attempt 2', status(3, 'a3', att3, att2), 2],
    ['no lastState', status(0, 'a0', { running: {} }, {}), undefined],
  ])('%s', (_, s, attempt) => {
    expect(lastStateAttempt(s)).toBe(attempt);
  });
});

describe('attempt runs and restart gaps from a sequence of reports', () => {
  it('pairs each attempt with its own run when the back-off report of attempt 3 was never made', () => {
    // What a loaded node reports when it sees attempt 3 exit only after its back-off ran out:
    // reading lastState as always "attempt restartCount - 1" paired attempt 2 with itself (gap -12 ms).
    const runs = attemptRuns([status(1, 'a1', backoff, att1), status(2, 'a2', backoff, att2), status(3, 'a3', { running: {} }, att2), status(4, 'a4', { running: {} }, att3)]);
    expect([...runs.keys()].sort()).toEqual([1, 2, 3]);
    expect(Object.fromEntries(restartGaps(runs))).toEqual({ 1: 988, 2: 1988 });
  });

  it('refuses one attempt reported with two container ids', () => {
    expect(() => attemptRuns([status(2, 'a2', backoff, att2), status(3, 'a3', { running: {} }, t('other', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:02.010Z'))])).toThrow(
      /attempt 2 reported as docker:\/\/a2 and as docker:\/\/other/,
    );
  });

  it('shows an overlap of two attempts as a negative gap', () => {
    const early = t('a2', '2026-01-01T00:00:01.005Z', '2026-01-01T00:00:01.020Z');
    expect(restartGaps(attemptRuns([status(1, 'a1', backoff, att1), status(2, 'a2', backoff, early)])).get(1)).toBe(-7);
  });
});
