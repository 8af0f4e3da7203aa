/** firstDifference: the path where two JSON values first differ, lists whole or item by item. */
import { firstDifference } from '../../../shared/kube/json-diff';

describe('firstDifference', () => {
  it.each([
    ['equal values', { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, {}, ''],
    ['a nested field', { a: { b: 1 } }, { a: { b: 2 } }, {}, 'a.b'],
    ['a key on one side only', { a: 1 }, { a: 1, c: null }, {}, 'c'],
    ['a list, whole', { l: [1, 2] }, { l: [1, 3] }, {}, 'l'],
    ['a list, item by item', { l: [1, 2] }, { l: [1, 3] }, { intoLists: true }, 'l.1'],
    ['a longer list, item by item', { l: [1] }, { l: [1, 2] }, { intoLists: true }, 'l.1'],
    ['an object against a list', { l: { 0: 1 } }, { l: [1] }, { intoLists: true }, 'l'],
    ['different scalars at the root', 1, 2, {}, '(value)'],
  ])('%s', (_name, a, b, opts, path) => {
    expect(firstDifference(a, b, opts)).toBe(path);
  });
});
