import { formatBytes, formatMilliCpu, isValidQuantity, parseQuantity, toBytes, toMilliCpu } from '../../../shared/kube/quantity';

describe('quantity parsing', () => {
  it.each([
    ['250m', 250],
    ['0.5', 500],
    ['1', 1000],
    ['1e3', 1_000_000],
    ['2E-3', 2],
    ['100u', 1],
    ['1n', 1],
    ['1.5', 1500],
    ['.5', 500],
    [2, 2000],
    [0.25, 250],
  ])('reads cpu %p as %p millicores, rounding up', (input, milli) => {
    expect(toMilliCpu(input)).toBe(milli);
  });

  it.each([
    ['64Mi', 64 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1Ki', 1024],
    ['1k', 1000],
    ['1M', 1_000_000],
    ['1e3', 1000],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['100m', 1],
  ])('reads memory %p as %p bytes, rounding up', (input, bytes) => {
    expect(toBytes(input)).toBe(bytes);
  });

  it.each(['', 'abc', '1Gb', '1.2.3', 'Mi', '1 Mi', '--1', '1e', '1e999', '0x10', '1Mi2'])('rejects %p', (input) => {
    expect(isValidQuantity(input)).toBe(false);
    expect(() => parseQuantity(input)).toThrow(/quantities must match the regular expression/);
  });

  it.each([null, undefined, true, {}, []])('calls %p no quantity at all', (input) => {
    expect(isValidQuantity(input)).toBe(false);
  });

  it('keeps exact values where floating point would round', () => {
    const q = parseQuantity('0.1');
    expect([q.numerator, q.denominator]).toEqual([1n, 10n]);
    expect(toMilliCpu('0.0001')).toBe(1);
  });

  it.each([
    [250, '250m'],
    [2000, '2'],
  ])('prints %p millicores as %p', (milli, text) => expect(formatMilliCpu(milli)).toBe(text));

  it.each([
    [64 * 2 ** 20, '64Mi'],
    [1536 * 1024, '1536Ki'],
    [1000, '1000'],
  ])('prints %p bytes as %p', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
