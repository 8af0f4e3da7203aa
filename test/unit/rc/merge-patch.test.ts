import { mergePatch } from '../../../shared/rc/merge-patch';

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    ['merges objects key by key', { a: 1, b: { c: 2, d: 3 } }, { b: { c: 9 } }, { a: 1, b: { c: 9, d: 3 } }],
    ['removes a key set to null', { a: 1, b: 2 }, { b: null }, { a: 1 }],
    ['replaces arrays whole', { a: [1, 2, 3] }, { a: [4] }, { a: [4] }],
    ['adds missing objects', { a: 1 }, { b: { c: 1 } }, { a: 1, b: { c: 1 } }],
    ['replaces a scalar with an object', { a: 1 }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['a non-object patch replaces the target', { a: 1 }, 'x', 'x'],
  ])('%s', (_name, target, patch, expected) => {
    const before = JSON.stringify(target);
    expect(mergePatch(target, patch)).toEqual(expected);
    expect(JSON.stringify(target)).toBe(before);
  });
});
