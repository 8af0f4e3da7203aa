/**
 * Clear answers under faults: with the broker or the store frozen (SIGSTOP:
 * the socket stays open and nothing answers, the hardest case for a client),
 * a POST answers 503 ServiceUnavailable with a Status and Retry-After within
 * 5 s instead of hanging (with the store away, reads too, and nothing is
 * published), /readyz says not ready and why, /livez stays ok; after SIGCONT
 * the API is ready again and a pod created then exists, as does the pod
 * accepted before the outage. The cluster has a broker and a store of its own
 * (never the suite's shared ones).
 */
import { eventually } from '../helpers/control-plane';
import { startTestCluster, type TestCluster } from '../helpers/cluster';

jest.setTimeout(240_000);

let cluster: TestCluster;
let brokerPid: number;
let storePid: number;

beforeAll(async () => {
  cluster = await startTestCluster({ agents: [], ownParts: true });
  brokerPid = cluster.pids().kafka;
  storePid = cluster.pids().dynamodb;
  expect(brokerPid).toBeGreaterThan(0);
  expect(storePid).toBeGreaterThan(0);
});
afterAll(async () => {
  if (brokerPid) process.kill(brokerPid, 'SIGCONT');
  if (storePid) process.kill(storePid, 'SIGCONT');
  await cluster?.destroy();
});

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'main', image: 'podflow/base:1', command: ['sleep', '3600'] }] },
});

async function get(path: string, token = true): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const res = await fetch(`${cluster.apiUrl}${path}`, { headers: token ? { authorization: `Bearer ${cluster.token}` } : {}, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

it('answers 503 with Retry-After while the broker is frozen, reports not ready, and loses nothing once it returns', async () => {
  expect((await get('/readyz')).status).toBe(200);
  expect((await cluster.request('POST', '/api/v1/namespaces/default/pods', pod('before'))).status).toBe(201);

  process.kill(brokerPid, 'SIGSTOP');
  try {
    const started = Date.now();
    const res = await fetch(`${cluster.apiUrl}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(pod('during')),
      signal: AbortSignal.timeout(30_000),
    });
    const elapsed = Date.now() - started;
    const body = await res.json();
    process.stdout.write(`broker frozen: POST answered ${res.status} after ${elapsed} ms\n`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', code: 503, reason: 'ServiceUnavailable', details: { retryAfterSeconds: 5 } });

    const ready = await eventually(async () => {
      const r = await get('/readyz');
      return r.status === 503 ? r : undefined;
    }, 20_000, '/readyz to report the broker');
    expect(ready.text).toContain('[-]broker failed');
    expect(ready.text).toContain('[+]store ok');
    expect((await get('/livez')).status).toBe(200);
  } finally {
    process.kill(brokerPid, 'SIGCONT');
  }

  await eventually(async () => (await get('/readyz')).status === 200, 60_000, '/readyz after the broker returned');
  const after = await eventually(async () => {
    const r = await cluster.request('POST', '/api/v1/namespaces/default/pods', pod('after'));
    return r.status === 201 ? r : undefined;
  }, 60_000, 'a pod created after the broker returned');
  expect(after.body.metadata.uid).toBeTruthy();
  for (const name of ['before', 'after']) {
    const got = await cluster.request('GET', `/api/v1/namespaces/default/pods/${name}`);
    expect(got.status).toBe(200);
    expect(got.body.metadata.name).toBe(name);
  }
});

it('answers 503 with Retry-After within 5 s while the store is frozen, for reads and writes, publishes nothing meanwhile, and serves again once it returns', async () => {
  await eventually(async () => (await get('/readyz')).status === 200, 30_000, '/readyz before the store outage');
  process.kill(storePid, 'SIGSTOP');
  try {
    for (const [method, path, body] of [
      ['GET', '/api/v1/namespaces/default/pods', undefined],
      ['POST', '/api/v1/namespaces/default/pods', pod('store-away')],
    ] as const) {
      const started = Date.now();
      const res = await fetch(`${cluster.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${cluster.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const elapsed = Date.now() - started;
      process.stdout.write(`store frozen: ${method} answered ${res.status} after ${elapsed} ms\n`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable', details: { retryAfterSeconds: 5 } });
    }
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('[-]store failed');
    expect((await get('/livez')).status).toBe(200);
  } finally {
    process.kill(storePid, 'SIGCONT');
  }
  await eventually(async () => (await get('/readyz')).status === 200, 60_000, '/readyz after the store returned');
  // The refused create was never published: the name is free, and a create now succeeds.
  expect((await cluster.request('GET', '/api/v1/namespaces/default/pods/store-away')).status).toBe(404);
  expect((await cluster.request('POST', '/api/v1/namespaces/default/pods', pod('store-away'))).status).toBe(201);
  expect((await cluster.request('GET', '/api/v1/namespaces/default/pods/before')).status).toBe(200);
});
