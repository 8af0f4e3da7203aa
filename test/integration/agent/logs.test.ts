/** The agent's log server on real Docker: auth, plain text, tail, follow, previous. */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { TOPICS } from '../../../shared/events';
import { startTestParts, type TestParts } from '../../helpers/parts';
import { aPod, assign, isStatusOf, TopicRecorder } from '../../helpers/agent-kafka';
import { agentSettings, cleanupNode, startDockerAgent, testNodeName, type RunningAgent } from '../../helpers/agent-docker';

const TALKER = ['sh', '-c', "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.2 & wait $!; done"];

function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Reads a streaming response for `ms`, then hangs up. */
function follow(url: string, token: string, ms: number): Promise<{ status: number; chunks: string[]; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const req = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', (c: Buffer) => chunks.push(c.toString()));
      setTimeout(() => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, chunks, contentType: res.headers['content-type'] });
      }, ms);
    });
    req.on('error', (err) => (chunks.length ? undefined : reject(err)));
  });
}

describe('agent log server', () => {
  let broker: TestParts;
  let recorder: TopicRecorder;
  let running: RunningAgent;
  let base: string;
  const node = testNodeName('logs');
  const namespace = `ns-${randomUUID().slice(0, 6)}`;
  const talker = aPod({ name: 'talker', namespace, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'podflow/base:1', command: TALKER }, { name: 'web', image: 'podflow/web:1' }] } });
  const crasher = aPod({ name: 'crasher', namespace, spec: { containers: [{ name: 'main', image: 'podflow/base:1', command: ['sh', '-c', "echo \"run at $(cut -d' ' -f1 /proc/uptime)\"; sleep 0.3; exit 1"] }] } });

  beforeAll(async () => {
    broker = await startTestParts({ tables: false });
    const kafka = broker.kafka();
    recorder = await TopicRecorder.start(kafka, [TOPICS.podStatus]);
    running = await startDockerAgent(kafka, agentSettings(node, { backoff: { initialMs: 200, maxMs: 400, resetMs: 60_000 } }));
    base = `${running.agent.description.endpoint}/pods/${namespace}`;
    await assign(running.publisher, node, talker);
    await assign(running.publisher, node, crasher);
    await recorder.waitFor(isStatusOf(talker.metadata.uid, (e) => e.data.status.phase === 'Running'), 20_000, 'talker Running');
  });

  afterAll(async () => {
    await running?.stop();
    await cleanupNode(node);
    await recorder?.stop();
    await broker?.stop();
  });

  it('announces its endpoint on 127.0.0.1 in the node description', () => {
    expect(running.agent.description.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a request without the bearer token, or with a wrong one (401)', async () => {
    expect((await get(`${base}/talker/logs?container=main`)).status).toBe(401);
    expect((await get(`${base}/talker/logs?container=main`, 'wrong-token')).status).toBe(401);
  });

  it('asks for a container name when the pod has several, and 404s an unknown pod', async () => {
    const res = await get(`${base}/talker/logs`, 'test-token');
    expect(res).toEqual({ status: 400, body: 'a container name must be specified for pod talker, choose one of: [main web]\n' });
    expect((await get(`${base}/nobody/logs`, 'test-token')).status).toBe(404);
  });

  it('returns the last N lines as plain text', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const res = await get(`${base}/talker/logs?container=main&tailLines=2`, 'test-token');
    expect(res.status).toBe(200);
    const lines = res.body.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => /^line-\d+$/.test(l))).toBe(true);
    expect(Number(lines[1].slice(5))).toBe(Number(lines[0].slice(5)) + 1);
  });

  it('streams new lines while following', async () => {
    const res = await follow(`${base}/talker/logs?container=main&follow=true&tailLines=1`, 'test-token', 1500);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain/);
    const lines = res.chunks.join('').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(res.chunks.length).toBeGreaterThan(1);
  });

  it('returns the previous container instance with previous=true', async () => {
    await recorder.waitFor(isStatusOf(crasher.metadata.uid, (e) => e.data.status.containerStatuses![0].restartCount >= 1), 20_000, 'crasher restarted');
    const previous = await get(`${base}/crasher/logs?previous=true`, 'test-token');
    expect(previous.status).toBe(200);
    expect(previous.body).toMatch(/^run at [\d.]+\n$/);
    const current = await get(`${base}/crasher/logs`, 'test-token');
    expect(current.status).toBe(200);
    expect(current.body).not.toBe(previous.body);
  });
});
