import { z } from 'zod';
import { RecordingPublisher } from '../../../shared/adapters/memory';
import { DependencyError } from '../../../shared/errors';
import { TOPICS, type Envelope } from '../../../shared/events';
import { makeBatchRunner, type InboundRecord } from '../../../shared/runtime/batch-runner';
import { deliveryId, exhausted, makeDeliveryCounter } from '../../../shared/runtime/delivery-count';
import { silentLogger } from '../../../shared/runtime/logger';

describe('delivery counter', () => {
  it.each([
    [1, 8, false],
    [7, 8, false],
    [8, 8, true],
    [9, 8, true],
    [1, 1, true],
  ])('after %i failed deliveries with a bound of %i, exhausted is %s', (deliveries, max, expected) => {
    expect(exhausted(deliveries, max)).toBe(expected);
  });

  it('counts each record apart, forgets a settled one, and stays within its capacity', () => {
    const counter = makeDeliveryCounter(3);
    expect([counter.failed('a'), counter.failed('a'), counter.failed('b')]).toEqual([1, 2, 1]);
    counter.settled('a');
    expect(counter.failed('a')).toBe(1);
    for (const id of ['c', 'd', 'e']) counter.failed(id);
    expect(counter.size()).toBe(3);
    expect(counter.failed('b')).toBe(1); // the least recently failed entry was dropped first
  });

  it('names a record by topic, partition and offset', () => {
    expect(deliveryId({ topic: 'pod-events', partition: 2, offset: '17' })).not.toBe(deliveryId({ topic: 'pod-events', partition: 1, offset: '17' }));
  });
});

describe('batch runner bounds the deliveries of a record that keeps failing retryably', () => {
  const schema = z.object({ n: z.number() });
  const record = (key: string, offset: number, n = offset): InboundRecord => ({ topic: TOPICS.podEvents, partition: 0, offset: String(offset), key, value: JSON.stringify({ n }) });

  function runner(poison: number, maxDeliveries: number) {
    const publisher = new RecordingPublisher();
    const applied: number[] = [];
    const run = makeBatchRunner({
      handlerName: 'test-handler',
      schema,
      handle: async (e) => {
        if (e.n === poison) throw new DependencyError('store throttled');
        applied.push(e.n);
      },
      publisher,
      clock: { now: () => new Date('2025-03-14T09:30:00Z') },
      logger: silentLogger,
      retryDelayMs: 1,
      attempts: 2,
      maxDeliveries,
    });
    return { run, publisher, applied };
  }

  it('reports the record and the ones behind it on its key as failed until the bound, never the other keys', async () => {
    const { run, applied, publisher } = runner(1, 3);
    const batch = [record('a', 1), record('b', 2), record('a', 3)];
    for (let delivery = 1; delivery < 3; delivery++) {
      const result = await run(batch);
      expect(result.failures.map((f) => f.offset)).toEqual(['1', '3']);
      expect(publisher.on(TOPICS.deadLetter)).toHaveLength(0);
    }
    expect(applied).toEqual([2, 2]); // key b applied on each delivery (handlers are idempotent)
    const last = await run(batch);
    expect(last).toMatchObject({ failures: [], deadLettered: 1, processed: 2 });
    expect(applied).toEqual([2, 2, 2, 3]); // the record behind it on key a proceeds
    const [letter] = publisher.on(TOPICS.deadLetter) as Envelope<'DeadLetter', { offset: string; reason: string; recordKey: string }>[];
    expect(letter.data).toMatchObject({ offset: '1', recordKey: 'a' });
    expect(letter.data.reason).toBe('test-handler: still failing after 3 deliveries: store throttled');
  });

  it.each([1, 8])('with a bound of %i, dead-letters on exactly that delivery', async (max) => {
    const { run, publisher } = runner(5, max);
    let deliveries = 0;
    for (let done = false; !done; ) {
      deliveries++;
      done = (await run([record('k', 5)])).failures.length === 0;
    }
    expect(deliveries).toBe(max);
    expect(publisher.on(TOPICS.deadLetter)).toHaveLength(1);
  });

  it('starts counting afresh for a record that succeeded in between', async () => {
    let fail = true;
    const publisher = new RecordingPublisher();
    const run = makeBatchRunner({
      handlerName: 'test-handler',
      schema,
      handle: async () => {
        if (fail) throw new DependencyError('network');
      },
      publisher,
      clock: { now: () => new Date() },
      logger: silentLogger,
      retryDelayMs: 1,
      attempts: 1,
      maxDeliveries: 2,
    });
    expect((await run([record('k', 1)])).failures).toHaveLength(1);
    fail = false;
    expect((await run([record('k', 1)])).processed).toBe(1);
    fail = true;
    expect((await run([record('k', 1)])).failures).toHaveLength(1);
    expect(publisher.on(TOPICS.deadLetter)).toHaveLength(0);
  });
});
