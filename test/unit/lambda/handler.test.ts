import { makeLambdaHandler } from '../../../shared/adapters/lambda';
import { DependencyError, ValidationError } from '../../../shared/errors';
import { TOPICS, type Envelope } from '../../../shared/events';
import type { BuildHandler, HandlerRuntime } from '../../../shared/runtime/handler-module';
import { fixture, runtimeFor } from './fixtures';

const quiet = { log: () => undefined };
const buildOnce = (runtime: HandlerRuntime): BuildHandler => async () => runtime;

describe('Lambda adapter over the batch runner', () => {
  it('applies every record of a recorded batch and reports no failures', async () => {
    const applied: string[] = [];
    const { runtime } = runtimeFor(TOPICS.nodeHeartbeats, async (e) => void applied.push(e.id));
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('node-heartbeats-batch.json'))).resolves.toEqual({ batchItemFailures: [] });
    expect(applied.sort()).toEqual(['hb-1', 'hb-2', 'hb-3']);
  });

  it('dead-letters poison records (bad JSON, schema errors, no value) instead of reporting them, so they are not retried', async () => {
    const applied: string[] = [];
    const { runtime, publisher } = runtimeFor(TOPICS.podEvents, async (e) => void applied.push(e.id));
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('pod-events-poison.json'))).resolves.toEqual({ batchItemFailures: [] });
    expect(applied).toEqual(['evt-9c02']);
    const letters = publisher.sent.filter((s) => s.topic === TOPICS.deadLetter).map((s) => s.event as Envelope<'DeadLetter', { offset: string; reason: string }>);
    const reasons = Object.fromEntries(letters.map((l) => [l.data.offset, l.data.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['210', '211', '213']);
    expect(reasons['210']).toMatch(/not JSON/);
    expect(reasons['211']).toMatch(/schema: data\.name/);
    expect(reasons['213']).toMatch(/no value/);
  });

  it('dead-letters a record the handler rejects as invalid, without reporting it', async () => {
    const { runtime, publisher } = runtimeFor(TOPICS.podEvents, async (e) => {
      if (e.id === 'evt-7f39') throw new ValidationError('uid precondition can never hold');
    });
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('pod-events-batch.json'))).resolves.toEqual({ batchItemFailures: [] });
    expect(publisher.sent.map((s) => s.topic)).toEqual([TOPICS.deadLetter]);
  });

  it('reports a record that keeps failing retryably as topic-partition-offset, with the later records of its key, and lets other keys through', async () => {
    const applied: string[] = [];
    const { runtime } = runtimeFor(TOPICS.podEvents, async (e) => {
      if (e.id === 'evt-7f39') throw new DependencyError('DynamoDB throttled');
      applied.push(e.id);
    });
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('pod-events-batch.json'))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'pod-events-5-1042' }, { itemIdentifier: 'pod-events-5-1043' }],
    });
    expect(applied.sort()).toEqual(['evt-61aa', 'evt-7f38']);
  });

  it('reports a poison record whose dead letter cannot be sent, so it is retried (and bounded by the event source mapping) rather than lost', async () => {
    const { runtime, publisher } = runtimeFor(TOPICS.podEvents, async () => undefined);
    publisher.failWith = new DependencyError('broker unreachable');
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    const response = await handler(fixture('pod-events-poison.json'));
    expect(response).toEqual({
      batchItemFailures: ['210', '211', '212', '213'].map((o) => ({ itemIdentifier: `pod-events-3-${o}` })),
    });
  });

  it('builds the handler once per warm container and again after a failed cold start', async () => {
    const { runtime } = runtimeFor(TOPICS.nodeHeartbeats, async () => undefined);
    const build = jest.fn<Promise<HandlerRuntime>, [NodeJS.ProcessEnv]>()
      .mockRejectedValueOnce(new Error('DynamoDB endpoint unreachable'))
      .mockResolvedValue(runtime);
    const handler = makeLambdaHandler(build, { ...quiet, env: { TABLE_NODES: 'nodes-table' } });

    await expect(handler(fixture('node-heartbeats-batch.json'))).rejects.toThrow('DynamoDB endpoint unreachable');
    await handler(fixture('node-heartbeats-batch.json'));
    await handler(fixture('node-heartbeats-batch.json'));
    expect(build).toHaveBeenCalledTimes(2);
    expect(build).toHaveBeenLastCalledWith({ TABLE_NODES: 'nodes-table' }, { metrics: expect.anything() });
  });

  it('runs one sweep on an EventBridge schedule tick', async () => {
    const sweep = jest.fn(async () => undefined);
    const { runtime } = runtimeFor(TOPICS.nodeHeartbeats, async () => undefined, { sweep });
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('scheduled-event.json'))).resolves.toBeUndefined();
    expect(sweep).toHaveBeenCalledTimes(1);
  });

  it('fails a schedule tick for a handler that has no sweep', async () => {
    const { runtime } = runtimeFor(TOPICS.podEvents, async () => undefined);
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);
    await expect(handler(fixture('scheduled-event.json'))).rejects.toThrow('has no sweep');
  });

  it('fails the whole batch when records come from a topic the handler does not consume', async () => {
    const handle = jest.fn(async () => undefined);
    const { runtime, publisher } = runtimeFor(TOPICS.podStatus, handle);
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);

    await expect(handler(fixture('pod-events-batch.json'))).rejects.toThrow('does not consume pod-events');
    expect(handle).not.toHaveBeenCalled();
    expect(publisher.sent).toEqual([]);
  });

  it('fails on an event of any other shape', async () => {
    const { runtime } = runtimeFor(TOPICS.podEvents, async () => undefined);
    const handler = makeLambdaHandler(buildOnce(runtime), quiet);
    await expect(handler({ Records: [{ eventSource: 'aws:sqs', body: '{}' }] })).rejects.toThrow('unrecognised event');
  });
});
