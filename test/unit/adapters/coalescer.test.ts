import { Coalescer } from '../../../shared/adapters/dynamodb/batching';

describe('Coalescer', () => {
  const echo = () => {
    const batches: number[][] = [];
    const coalescer = new Coalescer<number, string>(3, async (items) => {
      batches.push(items);
      return items.map((i) => `r${i}`);
    });
    return { batches, coalescer };
  };

  it('sends the calls of one turn together, in batches of at most maxBatch, each caller getting its own answer', async () => {
    const { batches, coalescer } = echo();
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => coalescer.submit(i)));
    expect(answers).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('starts a new batch for calls made in a later turn', async () => {
    const { batches, coalescer } = echo();
    await coalescer.submit(1);
    await coalescer.submit(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it('fails every caller of a failed batch and only those', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number, number>(2, async (items) => {
      if (calls++ === 0) throw new Error('server down');
      return items;
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => coalescer.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('server down'));
  });
});
