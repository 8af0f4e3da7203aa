import { pauseGap, PauseDetector } from '../../../agent/node/pause-detector';
import { parseAgentEnv, settingsFromEnv } from '../../../agent/config';

describe('pause detection', () => {
  it.each<[string, number, number, number, number | null]>([
    ['a normal tick', 1_000, 1_500, 3_000, null],
    ['exactly the threshold is still running', 1_000, 4_000, 3_000, null],
    ['one ms past the threshold is a pause', 1_000, 4_001, 3_000, 3_001],
    ['a long SIGSTOP', 1_000, 61_000, 3_000, 60_000],
    ['the clock stepped back (NTP): not a pause', 5_000, 4_000, 3_000, null],
  ])('%s', (_, last, now, threshold, gap) => {
    expect(pauseGap(last, now, threshold)).toBe(gap);
  });

  it('reports a gap once, to the first caller that looks after it, then measures from that look', () => {
    let now = 0;
    const gaps: number[] = [];
    const detector = new PauseDetector({ thresholdMs: 300, tickMs: 100, now: () => now, onPause: (g) => gaps.push(g) });
    now = 200;
    expect(detector.check()).toBe(false);
    now = 5_200;
    expect(detector.check()).toBe(true);
    now = 5_300;
    expect(detector.check()).toBe(false);
    expect(gaps).toEqual([5_000]);
  });

  it.each<[string, Record<string, string>, number | undefined]>([
    ['defaults to 3 heartbeat intervals (left to the agent)', {}, undefined],
    ['empty means the default', { PAUSE_THRESHOLD_MS: '' }, undefined],
    ['can be set', { PAUSE_THRESHOLD_MS: '1500' }, 1500],
  ])('threshold setting: %s', (_, env, expected) => {
    const settings = settingsFromEnv(parseAgentEnv({ NODE_NAME: 'n1', KAFKA_BROKERS: 'localhost:9092', ...env }), 't');
    expect(settings.pauseThresholdMs).toBe(expected);
  });
});
