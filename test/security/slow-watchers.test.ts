/**
 * Watches cannot be turned against the API's memory: watchers that open a
 * watch and never read are closed once their queued bytes pass the bound,
 * while the API process's memory stays bounded (ten such watchers over twenty
 * megabytes of pod changes would otherwise hold a copy each, more than the
 * API's heap cap: it would die of it), and one user
 * holds only so many watches at once (429 with a Status and Retry-After).
 * The API runs as its own process, as `npm start` runs it, so its RSS is its own.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { eventually } from '../helpers/control-plane';
import { startTestCluster, type TestCluster } from '../helpers/cluster';

jest.setTimeout(240_000);

const SLOW_WATCHERS = 10;
const CAP = SLOW_WATCHERS + 5;
const PODS = 100;
const ANNOTATION_BYTES = 200 * 1024;
/** The API's heap cap: unbounded buffering (SLOW_WATCHERS x PODS x ANNOTATION_BYTES = 200 MB) cannot fit under it. */
const HEAP_MB = 192;

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ agents: [], env: { MAX_WATCHES_PER_USER: String(CAP), WATCH_MAX_BUFFERED_BYTES: String(1024 * 1024), NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } });
});
afterAll(async () => {
  await cluster?.destroy();
});

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

interface Watcher {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: () => Promise<string>;
  ended: Promise<void>;
  res: http.IncomingMessage;
}

/** Opens a pod watch and, unless told to read, never reads a byte of it. */
function openWatch(path = '/api/v1/namespaces/default/pods?watch=true'): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${cluster.apiUrl}${path}`, { headers: { authorization: `Bearer ${cluster.token}` } }, (res) => {
      res.pause();
      const ended = new Promise<void>((done) => {
        res.once('end', done);
        res.once('close', done);
        res.once('error', () => done());
      });
      const body = async () => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.resume();
        await ended;
        return Buffer.concat(chunks).toString();
      };
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ended, res });
    });
    req.on('error', reject);
  });
}

it('closes watchers that do not read while the API memory stays bounded, and caps watches per user with 429', async () => {
  const apiPid = cluster.pids().api;
  const slow = await Promise.all(Array.from({ length: SLOW_WATCHERS }, () => openWatch()));
  const idle = await Promise.all(Array.from({ length: CAP - SLOW_WATCHERS }, () => openWatch('/api/v1/namespaces/quiet/pods?watch=true')));
  expect([...slow, ...idle].map((w) => w.status)).toEqual(Array(CAP).fill(200));

  // One more than the cap: refused with a Status and Retry-After.
  const refused = await openWatch();
  expect(refused.status).toBe(429);
  expect(refused.headers['retry-after']).toBe('1');
  expect(JSON.parse(await refused.body())).toMatchObject({ kind: 'Status', code: 429, reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });

  const before = rssBytes(apiPid);
  const filler = 'x'.repeat(ANNOTATION_BYTES);
  for (let i = 0; i < PODS; i += 5) {
    const batch = Array.from({ length: 5 }, (_, j) => i + j);
    const answers = await Promise.all(
      batch.map((n) =>
        cluster.request('POST', '/api/v1/namespaces/default/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `slow-${n}`, annotations: { filler } },
          spec: { containers: [{ name: 'main', image: 'podflow/base:1', command: ['sleep', '3600'] }] },
        }),
      ),
    );
    // 504 is a write the API stopped waiting for (it is still recorded): the API is busy, not failing.
    for (const a of answers) expect([201, 504]).toContain(a.status);
  }
  // Every slow watcher was dropped: reading what reached it ends (no timeoutSeconds was asked for).
  const received = await Promise.all(slow.map((w) => w.body()));
  const produced = PODS * ANNOTATION_BYTES;
  for (const text of received) expect(text.length).toBeLessThan(produced);
  const after = rssBytes(apiPid);
  const growth = after - before;
  process.stdout.write(`slow watchers: API RSS ${Math.round(before / 1e6)} MB -> ${Math.round(after / 1e6)} MB; ${SLOW_WATCHERS} watchers x ${Math.round(produced / 1e6)} MB of changes; each received ${received.map((t) => Math.round(t.length / 1e3)).join(',')} kB\n`);
  // Unbounded buffering would hold each watcher's copy (SLOW_WATCHERS x produced bytes), past the heap cap: the API would
  // have died of it. It is the same process, and its RSS grew by less than those copies.
  expect(cluster.pids().api).toBe(apiPid);
  expect((await cluster.request('GET', '/api/v1/namespaces/default/pods?limit=1')).status).toBe(200);
  expect(growth).toBeLessThan(SLOW_WATCHERS * produced);

  // Their slots were given back: a new watch opens again.
  const again = await eventually(async () => {
    const w = await openWatch();
    if (w.status === 200) return w;
    await w.body();
    return undefined;
  }, 10_000, 'a watch slot after the slow watchers were closed');
  again.res.destroy();
  idle.forEach((w) => w.res.destroy());
});
