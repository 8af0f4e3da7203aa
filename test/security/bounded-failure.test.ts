/**
 * Bounded failure on the real broker and DynamoDB Local: a record that keeps
 * failing retryably is dead-lettered after a bounded number of deliveries and
 * one the store refuses for good (an item over DynamoDB's 400 KB limit) at
 * once, each with its reason, while the records of other keys, and the ones
 * behind it on its own key, are applied; a pod too large to store is refused
 * up front with Kubernetes' 422 wording and never published, from the API and
 * from outside alike; and a change record the API's feed cannot apply is
 * skipped without stalling the feed for the watchers behind it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getItem, putVersioned } from '../../shared/adapters/dynamodb/client';
import { startConsumer } from '../../shared/adapters/kafka/consumer';
import { physicalTopic } from '../../shared/adapters/kafka/client';
import { ConflictError, DependencyError } from '../../shared/errors';
import { makeEvent, TOPICS, type DeadLetter, type PodChanged, type PodCreateRequested, type PodRequestRejected } from '../../shared/events';
import { makeBatchRunner } from '../../shared/runtime/batch-runner';
import { DEFAULT_MAX_DELIVERIES } from '../../shared/runtime/delivery-count';
import { silentLogger } from '../../shared/runtime/logger';
import { startControlPlane, eventually, type ControlPlane } from '../helpers/control-plane';
import { collect } from '../helpers/events';
import { aRecordedPod } from '../helpers/factories';

jest.setTimeout(120_000);

const KiB = 1024;
const suffix = randomBytes(3).toString('hex');

describe('bounded failure', () => {
  let cp: ControlPlane;
  let deadLetters: Awaited<ReturnType<typeof collect>>;
  let podEvents: Awaited<ReturnType<typeof collect>>;
  let podChanges: Awaited<ReturnType<typeof collect>>;

  beforeAll(async () => {
    cp = await startControlPlane();
    [deadLetters, podEvents, podChanges] = await Promise.all([collect(cp.kafka, TOPICS.deadLetter), collect(cp.kafka, TOPICS.podEvents), collect(cp.kafka, TOPICS.podChanges)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([deadLetters, podEvents, podChanges].map((c) => c?.stop()));
    await cp?.stop();
  });

  it('dead-letters a record that fails retryably forever after the bound, and one DynamoDB refuses for good at once; other keys and the records behind them are applied', async () => {
    const handlerName = `bounded-${suffix}`;
    const table = cp.stores.tables.Pods;
    const record = z.strictObject({ id: z.string(), blob: z.string() });
    let throttledDeliveries = 0;
    const run = makeBatchRunner({
      handlerName,
      schema: record,
      handle: async ({ id, blob }) => {
        if (id.startsWith('throttled')) {
          throttledDeliveries++;
          throw new DependencyError('store throttled');
        }
        try {
          // Idempotent: a redelivered record (the consumer seeks back to a failed offset) finds its item written.
          await putVersioned(cp.stores.client, table, { namespace: `bounded-${suffix}`, name: id, version: 1, blob }, null, `item ${id}`);
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
        }
      },
      publisher: cp.publisher,
      clock: { now: () => new Date() },
      logger: silentLogger,
      retryDelayMs: 10,
    });
    // node-assignments: consumed only by agents, and this control plane has none.
    const consumer = await startConsumer(cp.kafka, { groupId: handlerName, topics: [TOPICS.nodeAssignments], run, logger: silentLogger, retryPauseMs: 200 });
    try {
      const producer = cp.kafka.producer();
      await producer.connect();
      const msg = (key: string, id: string, blob = 'small') => ({ key: `${key}-${suffix}`, value: JSON.stringify({ id: `${id}-${suffix}`, blob }) });
      // One partition for all: the poison records sit in front of the other keys' records.
      await producer.send({
        topic: physicalTopic(cp.kafka, TOPICS.nodeAssignments),
        messages: [msg('k1', 'throttled'), msg('k2', 'oversized', 'x'.repeat(420 * KiB)), msg('k3', 'ok-3'), msg('k1', 'behind-throttled'), msg('k2', 'behind-oversized'), msg('k4', 'ok-4')].map((m) => ({ ...m, partition: 0 })),
      });
      await producer.disconnect();

      const applied = async (id: string) => (await getItem(cp.stores.client, table, { namespace: `bounded-${suffix}`, name: `${id}-${suffix}` }, id)) !== null;
      for (const id of ['ok-3', 'ok-4', 'behind-oversized', 'behind-throttled']) await eventually(() => applied(id), 60_000, `${id} applied`);
      const letters = () => (deadLetters.events as DeadLetter[]).filter((e) => e.data.handler === handlerName);
      // A redelivered record is dead-lettered again under the same event id: count records, not letters.
      await eventually(async () => new Set(letters().map((l) => l.data.recordKey)).size === 2, 20_000, 'both poison records dead-lettered');
      const byKey = Object.fromEntries(letters().map((l) => [l.data.recordKey, l.data.reason]));
      expect(byKey[`k1-${suffix}`]).toBe(`${handlerName}: still failing after ${DEFAULT_MAX_DELIVERIES} deliveries: store throttled`);
      // What DynamoDB Local answers for an item over 400 KB, classified as permanent (not retried).
      expect(byKey[`k2-${suffix}`]).toMatch(new RegExp(`^${handlerName}: writing item oversized-${suffix}: ValidationException: Item size has exceeded the maximum allowed size`));
      expect(await applied('oversized')).toBe(false);
      // 3 tries in place per delivery, a bounded number of deliveries.
      expect(throttledDeliveries).toBe(3 * DEFAULT_MAX_DELIVERIES);
    } finally {
      await consumer.disconnect();
    }
  });

  it('answers 422 with the Kubernetes wording for a pod over 256 KiB of annotations, and publishes nothing for it', async () => {
    const name = `big-${suffix}`;
    const manifest = (annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'podflow/base:1' }] } });
    const refused = await cp.request('POST', '/api/v1/namespaces/default/pods', manifest({ note: 'x'.repeat(256 * KiB) }));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: `The Pod "${name}" is invalid: metadata.annotations: Too long: must have at most 262144 bytes`,
      details: { name, kind: 'Pod', causes: [{ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' }] },
    });
    // The same name, small, goes through the same key: had the big one been published, it would sit before it.
    expect((await cp.request('POST', '/api/v1/namespaces/default/pods', manifest({ note: 'small' }))).status).toBe(201);
    const creates = () => (podEvents.events as PodCreateRequested[]).filter((e) => e.type === 'PodCreateRequested' && e.data.pod.metadata.name === name);
    await eventually(async () => creates().length > 0, 20_000, 'the small create on pod-events');
    expect(creates().map((e) => e.data.pod.metadata.annotations)).toEqual([{ note: 'small' }]);
  });

  it('refuses an oversized pod published to pod-events from outside the API the same way, on pod-changes', async () => {
    const name = `outside-big-${suffix}`;
    const id = randomUUID();
    const create = makeEvent<PodCreateRequested>(
      'PodCreateRequested',
      `default/${name}`,
      { pod: { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'podflow/base:1', env: [{ name: 'BLOB', value: 'x'.repeat(300 * KiB) }] }] } } },
      { source: 'outside-producer', time: new Date(), id },
    );
    await cp.publisher.publish(TOPICS.podEvents, [create]);
    const rejected = await eventually(async () => (podChanges.events as PodRequestRejected[]).find((e) => e.type === 'PodRequestRejected' && e.causationId === id), 20_000, 'the rejection');
    expect(rejected.data.status).toMatchObject({ code: 422, reason: 'Invalid', details: { causes: [{ reason: 'FieldValueTooLong', field: '<root>', message: 'Too long: must have at most 262144 bytes' }] } });
    expect((await cp.request('GET', `/api/v1/namespaces/default/pods/${name}`)).status).toBe(404);
  });

  it('skips malformed change records on pod-changes; a later valid change still reaches a watcher', async () => {
    const ns = `feed-${suffix}`;
    const controller = new AbortController();
    const watch = await fetch(`${cp.api.url}/api/v1/namespaces/${ns}/pods?watch=true&timeoutSeconds=30`, { headers: { authorization: `Bearer ${cp.token}` }, signal: controller.signal });
    expect(watch.status).toBe(200);

    const change = (name: string, resourceVersion: string) => {
      const pod = aRecordedPod({ name, namespace: ns, uid: randomUUID() });
      pod.metadata.resourceVersion = resourceVersion;
      return makeEvent<PodChanged>('PodChanged', `${ns}/${name}`, { change: 'ADDED', pod }, { source: 'outside-producer', time: new Date() });
    };
    const producer = cp.kafka.producer();
    await producer.connect();
    // All on one key, so on one partition, in this order: the bad ones come first.
    await producer.send({
      topic: physicalTopic(cp.kafka, TOPICS.podChanges),
      messages: [
        { key: `${ns}/p`, value: JSON.stringify(change('bad-rv', 'not-a-number')) },
        { key: `${ns}/p`, value: JSON.stringify({ type: 'PodChanged', data: { change: 'ADDED' } }) },
        { key: `${ns}/p`, value: '{not json' },
        { key: `${ns}/p`, value: JSON.stringify(change('good', String(Date.now() * 1000))) },
      ],
    });
    await producer.disconnect();

    const seen: { type: string; object: { metadata: { name: string } } }[] = [];
    const reader = watch.body!.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    while (!seen.some((e) => e.object.metadata.name === 'good')) {
      const { done, value } = await reader.read();
      if (done) break; // the watch's own timeout bounds the wait
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines.filter(Boolean)) seen.push(JSON.parse(line));
    }
    controller.abort();
    expect(seen.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'good']]);
  });
});
