import { backoffFor, DEFAULT_BACKOFF, formatDelay, nextDelay } from '../../../agent/sync/backoff';

describe('crash back-off', () => {
  it.each([
    ['first crash waits the initial delay', undefined, 1_000, 10_000],
    ['a second quick crash doubles it', 10_000, 1_000, 20_000],
    ['doubling continues', 80_000, 5_000, 160_000],
    ['the delay is capped at 300 s', 160_000, 5_000, 300_000],
    ['the cap holds', 300_000, 5_000, 300_000],
    ['10 min of clean running resets it', 300_000, 600_000, 10_000],
    ['just under 10 min does not', 300_000, 599_999, 300_000],
  ])('%s', (_name, previous, ranFor, expected) => {
    expect(nextDelay(previous, ranFor, DEFAULT_BACKOFF)).toBe(expected);
  });

  it('keeps the same entry while waiting on the same exit (the wait does not grow)', () => {
    const first = backoffFor(undefined, { instanceId: 'c1', startedAtMs: 0, finishedAtMs: 1_000 }, DEFAULT_BACKOFF);
    expect(first).toEqual({ instanceId: 'c1', delayMs: 10_000, notBefore: 11_000 });
    expect(backoffFor(first, { instanceId: 'c1', startedAtMs: 0, finishedAtMs: 1_000 }, DEFAULT_BACKOFF)).toBe(first);
    const second = backoffFor(first, { instanceId: 'c2', startedAtMs: 12_000, finishedAtMs: 13_000 }, DEFAULT_BACKOFF);
    expect(second).toEqual({ instanceId: 'c2', delayMs: 20_000, notBefore: 33_000 });
  });

  it.each([
    [500, '500ms'],
    [10_000, '10s'],
    [160_000, '2m40s'],
    [300_000, '5m0s'],
  ])('words %i ms as %s', (ms, text) => {
    expect(formatDelay(ms)).toBe(text);
  });
});
