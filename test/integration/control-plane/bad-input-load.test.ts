/**
 * Bad input loses nothing: a bounded load that interleaves good pod creates
 * with malformed and hostile requests (bad JSON and YAML, oversized bodies,
 * wrong types, unknown kinds) and junk records on the topics. Every bad
 * request gets a Kubernetes Status, every junk record a dead letter, no
 * process falls over, and every good pod is created.
 */
import { physicalTopic } from '../../../shared/adapters/kafka/client';
import { TOPICS } from '../../../shared/events';
import { eventually, startControlPlane, type ControlPlane } from '../../helpers/control-plane';
import { collect } from '../../helpers/events';

const GOOD = 60;

describe('bad input interleaved with good requests under load', () => {
  let cp: ControlPlane;
  let deadLetters: Awaited<ReturnType<typeof collect>>;

  beforeAll(async () => {
    cp = await startControlPlane();
    deadLetters = await collect(cp.kafka, TOPICS.deadLetter);
  }, 90000);
  afterAll(async () => {
    await deadLetters?.stop();
    await cp?.stop();
  });

  const raw = async (body: string, contentType: string) => {
    const res = await fetch(`${cp.api.url}/api/v1/namespaces/load/pods`, { method: 'POST', headers: { authorization: `Bearer ${cp.token}`, 'content-type': contentType }, body });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  const bad: { what: string; send: () => Promise<{ status: number; body: any }>; status: number }[] = [
    { what: 'malformed JSON', send: () => raw('{"metadata": {', 'application/json'), status: 400 },
    { what: 'malformed YAML', send: () => raw('metadata: [unclosed', 'application/yaml'), status: 400 },
    { what: 'an oversized body', send: () => raw(JSON.stringify({ metadata: { name: 'big' }, spec: { containers: [{ name: 'a', image: 'x'.repeat(4 * 1024 * 1024) }] } }), 'application/json'), status: 413 },
    { what: 'wrong types', send: () => cp.request('POST', '/api/v1/namespaces/load/pods', { metadata: { name: 42 }, spec: { containers: 'no' } }), status: 422 },
    { what: 'an unknown kind', send: () => cp.request('POST', '/api/v1/namespaces/load/pods', { apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'd' } }), status: 400 },
    { what: 'an array body', send: () => cp.request('POST', '/api/v1/namespaces/load/pods', [1, 2, 3]), status: 400 },
    { what: 'an unknown media type', send: () => raw('x', 'application/x-junk'), status: 415 },
  ];

  it('completes every good request while every bad one gets a Status and every junk record a dead letter', async () => {
    const producer = cp.kafka.producer();
    await producer.connect();
    const outcomes: Promise<{ kind: 'good' | 'bad'; what: string; status: number; expected: number; body: any }>[] = [];
    for (let i = 0; i < GOOD; i++) {
      outcomes.push(
        cp.request('POST', '/api/v1/namespaces/load/pods', { metadata: { name: `good-${i}` }, spec: { containers: [{ name: 'app', image: 'podflow/base:1' }] } }).then((r) => ({ kind: 'good', what: `good-${i}`, status: r.status, expected: 201, body: r.body })),
      );
      const b = bad[i % bad.length];
      outcomes.push(b.send().then((r) => ({ kind: 'bad', what: b.what, status: r.status, expected: b.status, body: r.body })));
      if (i % 10 === 0) {
        // Junk straight onto the topics, keyed like the good records so it shares their partitions.
        await producer.send({ topic: physicalTopic(cp.kafka, TOPICS.podEvents), messages: [{ key: `load/good-${i}`, value: 'not json at all' }, { key: `load/good-${i}`, value: JSON.stringify({ specversion: '1', type: 'Nope' }) }] });
        await producer.send({ topic: physicalTopic(cp.kafka, TOPICS.podStatus), messages: [{ key: `load/good-${i}`, value: '{"type":"PodStatusReported","data":{}}' }] });
      }
    }
    const results = await Promise.all(outcomes);
    await producer.disconnect();

    for (const r of results) {
      expect({ what: r.what, status: r.status }).toEqual({ what: r.what, status: r.expected });
      if (r.kind === 'bad') expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', code: r.expected });
    }
    const stored = await cp.stores.podStore.list({ namespace: 'load' });
    expect(stored.map((p) => p.name).sort()).toEqual(Array.from({ length: GOOD }, (_, i) => `good-${i}`).sort());
    // 6 pod-events junk records × 2 handlers reading the topic, and 6 on pod-status.
    await eventually(async () => deadLetters.events.length >= 6 * 2 * 2 + 6, 20000, 'dead letters for every junk record');
    // The API still answers.
    expect((await cp.request('GET', '/api/v1/namespaces/load/pods')).body.items).toHaveLength(GOOD);
  }, 120000);
});
