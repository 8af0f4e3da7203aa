import { age, humanDuration, rfc1123z } from '../../../shared/display/age';
import { tabwrite } from '../../../bin/podctl/format/tabwriter';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  it.each([
    ['a clock skew under two seconds reads as 0s', -1500, '0s'],
    ['a larger negative duration is invalid', -3 * S, '<invalid>'],
    ['seconds up to two minutes', 5 * S, '5s'],
    ['119 seconds stay in seconds', 119 * S, '119s'],
    ['minutes and seconds under ten minutes', 3 * M + 2 * S, '3m2s'],
    ['whole minutes drop the seconds', 4 * M, '4m'],
    ['minutes only from ten minutes', 42 * M + 30 * S, '42m'],
    ['minutes up to three hours', 179 * M, '179m'],
    ['hours and minutes under eight hours', 3 * H + 5 * M, '3h5m'],
    ['whole hours drop the minutes', 5 * H, '5h'],
    ['hours only up to two days', 47 * H + 59 * M, '47h'],
    ['days and hours under eight days', 2 * D + 3 * H, '2d3h'],
    ['whole days', 2 * D, '2d'],
    ['days only up to two years', 400 * D + 5 * H, '400d'],
    ['years and days under eight years', 3 * 365 * D + 10 * D, '3y10d'],
    ['years only from eight years', 9 * 365 * D + 10 * D, '9y'],
  ])('%s', (_name, ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('age', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  it.each([
    ['measures from the timestamp to now', '2024-05-01T11:56:58Z', '3m2s'],
    ['a missing timestamp is unknown', undefined, '<unknown>'],
    ['an unreadable timestamp is unknown', 'yesterday', '<unknown>'],
  ])('%s', (_name, ts, expected) => {
    expect(age(ts, now)).toBe(expected);
  });
});

describe('rfc1123z', () => {
  it('prints the Go RFC1123Z layout in UTC', () => {
    expect(rfc1123z('2024-01-02T03:04:05Z')).toBe('Tue, 02 Jan 2024 03:04:05 +0000');
  });
});

describe('tabwrite', () => {
  it.each([
    [
      'pads every column but the last to the widest cell plus the padding',
      'NAME\tREADY\tSTATUS\nweb\t1/1\tRunning\nlonger-name\t0/1\tPending',
      3,
      'NAME          READY   STATUS\nweb           1/1     Running\nlonger-name   0/1     Pending',
    ],
    [
      'a line without tabs ends the column block above it; the rows below align among themselves',
      'Name:\tx\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicationController/web',
      2,
      'Name:  x\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicationController/web',
    ],
    [
      'empty leading cells are padded to the column width',
      'Labels:\tapp=web\n\ttier=front\nStatus:\tRunning',
      2,
      'Labels:  app=web\n         tier=front\nStatus:  Running',
    ],
    [
      'a trailing newline is kept',
      'a\tb\n',
      1,
      'a b\n',
    ],
  ])('%s', (_name, input, padding, expected) => {
    expect(tabwrite(input, padding)).toBe(expected);
  });
});
