import { admitWatch, tooManyRequests, tooSlow } from '../../../api/watch-limits';
import { Readiness, readyzBody } from '../../../api/readiness';
import { BoundedPublisher } from '../../../api/bounded-publisher';
import { StatusError } from '../../../shared/kube/status';

describe('watch limits', () => {
  it.each([
    [0, 3, true],
    [2, 3, true],
    [3, 3, false],
    [10, 3, false],
  ])('with %i watches open and a cap of %i, one more is admitted: %s', (open, maxPerUser, admitted) => {
    expect(admitWatch(open, { maxPerUser })).toBe(admitted);
  });

  it.each([
    [0, 1024, false],
    [1024, 1024, false],
    [1025, 1024, true],
  ])('a watcher with %i bytes queued (bound %i) is too slow: %s', (queued, maxBufferedBytes, slow) => {
    expect(tooSlow(queued, { maxBufferedBytes })).toBe(slow);
  });

  it('refuses with a 429 TooManyRequests Status carrying retryAfterSeconds', () => {
    expect(tooManyRequests('too many', 2)).toMatchObject({ kind: 'Status', code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
  });
});

describe('readiness', () => {
  it('is ready only when every probe answers, and reuses a result within the cache time', async () => {
    let now = 0;
    let calls = 0;
    let brokerUp = true;
    const readiness = new Readiness(
      {
        broker: async () => {
          calls++;
          if (!brokerUp) throw new Error('connection refused');
        },
        store: async () => undefined,
      },
      { timeoutMs: 50, cacheMs: 1000 },
      () => now,
    );
    expect((await readiness.check()).ready).toBe(true);
    brokerUp = false;
    expect((await readiness.check()).ready).toBe(true); // cached
    expect(calls).toBe(1);
    now = 1500;
    const down = await readiness.check();
    expect(down.ready).toBe(false);
    expect(readyzBody(down)).toContain('[-]broker failed: connection refused');
    expect(readyzBody(down)).toContain('[+]store ok');
  });

  it('fails a probe that hangs after its timeout', async () => {
    const readiness = new Readiness({ broker: () => new Promise<void>(() => undefined) }, { timeoutMs: 20, cacheMs: 0 });
    const result = await readiness.check();
    expect(result.checks[0]).toMatchObject({ name: 'broker', ok: false, message: 'broker did not answer within 20 ms' });
  });
});

describe('bounded publisher', () => {
  it('answers 503 ServiceUnavailable with retryAfterSeconds when the log does not take a record in time', async () => {
    const hanging = { publish: () => new Promise<void>(() => undefined) };
    const error = await new BoundedPublisher(hanging, 20).publish('pod-events', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).status).toMatchObject({ code: 503, reason: 'ServiceUnavailable', details: { retryAfterSeconds: 5 } });
  });

  it('publishes nothing while the store is away, and says so with 503', async () => {
    const sent: string[] = [];
    const storeAway = async () => {
      throw new Error('store did not answer within 2000 ms');
    };
    const error = await new BoundedPublisher({ publish: async (topic) => void sent.push(topic) }, 1000, storeAway).publish('pod-events', []).catch((e: unknown) => e);
    expect((error as StatusError).status).toMatchObject({ code: 503, reason: 'ServiceUnavailable', message: 'the store is unavailable, the request was not accepted: store did not answer within 2000 ms' });
    expect(sent).toEqual([]);
  });

  it('passes a publish that succeeds', async () => {
    const sent: string[] = [];
    await new BoundedPublisher({ publish: async (topic) => void sent.push(topic) }, 1000).publish('pod-events', []);
    expect(sent).toEqual(['pod-events']);
  });
});
