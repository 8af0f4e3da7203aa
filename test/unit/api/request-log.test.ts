import { memoryPorts } from '../../../shared/adapters/memory';
import type { Logger } from '../../../shared/ports';
import { silentLogger } from '../../../shared/runtime/logger';
import { PodFeed } from '../../../api/feed';
import { buildApi } from '../../../api/server';

const TOKEN = 'request-log-test-token-0123456789';

function recordingLogger() {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void =>
      void lines.push({ level, obj, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

/** The API on in-memory ports, listening on loopback (fastify's inject needs an ESM-only module jest cannot load). */
async function api() {
  const { logger, lines } = recordingLogger();
  const ports = memoryPorts();
  const app = buildApi({ ...ports, feed: new PodFeed(silentLogger), logger, token: TOKEN, agentToken: 'agent-token-0123456789abcdef' });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const metricsText = async () => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const request = async (o: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }) => {
    const res = await fetch(base + o.url, { method: o.method, headers: o.headers, body: o.payload === undefined ? undefined : JSON.stringify(o.payload) });
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  return { app, lines, request, base, metricsText };
}

describe('API request logs and /metrics', () => {
  it('logs one line per request with method, path, code, duration, user agent, verb and resource, and never the token or the body', async () => {
    const { app, lines, request } = await api();
    const body = { metadata: { name: 'secret-pod' }, spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'PASSWORD', value: 'hunter2' }] }] } };
    await request({ method: 'GET', url: '/api/v1/namespaces/default/pods/web?access_token=leaked', headers: { authorization: `Bearer ${TOKEN}`, 'user-agent': 'kubectl/v1.31.0' } });
    await request({ method: 'POST', url: '/api/v1/namespaces/default/pods', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: { ...body, kind: 'Deployment' } });

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      level: 'info',
      obj: { method: 'GET', path: '/api/v1/namespaces/default/pods/web?access_token=REDACTED', code: 404, userAgent: 'kubectl/v1.31.0', verb: 'get', resource: 'pods' },
    });
    expect(typeof (requests[0].obj as { durationMs: unknown }).durationMs).toBe('number');
    expect(requests[1].obj).toMatchObject({ method: 'POST', code: 400, verb: 'create', resource: 'pods' });
    const logged = JSON.stringify(lines);
    for (const secret of [TOKEN, 'leaked', 'hunter2', 'Bearer']) expect(logged).not.toContain(secret);
    await app.close();
  });

  it('logs and counts a refused request too, without the token it was given', async () => {
    const { app, lines, request } = await api();
    await request({ method: 'GET', url: '/api/v1/pods', headers: { authorization: 'Bearer wrong-token-that-should-not-be-logged' } });

    expect(lines.find((l) => l.msg === 'request')?.obj).toMatchObject({ code: 401, verb: 'list', resource: 'pods' });
    expect(JSON.stringify(lines)).not.toContain('wrong-token');
    await app.close();
  });

  it('serves the request counters at /metrics, behind the token', async () => {
    const { app, request } = await api();
    await request({ method: 'GET', url: '/api/v1/pods', headers: { authorization: `Bearer ${TOKEN}` } });
    await request({ method: 'GET', url: '/api/v1/nodes/n1', headers: { authorization: `Bearer ${TOKEN}` } });

    expect((await request({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const scrape = await request({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.body).toContain('podflow_api_requests_total{verb="list",resource="pods",code="200"} 1');
    expect(scrape.body).toContain('podflow_api_requests_total{verb="get",resource="nodes",code="404"} 1');
    expect(scrape.body).toContain('podflow_api_requests_total{verb="get",resource="/metrics",code="401"} 1');
    expect(scrape.body).toMatch(/podflow_api_request_duration_seconds_count\{verb="list",resource="pods"\} 1/);
    expect(scrape.body).toContain('podflow_api_open_watches{resource="pods"} 0');
    await app.close();
  });

  it('counts a watch as open while it streams, and as one request once the client drops it', async () => {
    const { app, lines, base, metricsText } = await api();
    const abort = new AbortController();
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=true`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(await metricsText()).toContain('podflow_api_open_watches{resource="pods"} 1');

    abort.abort();
    const deadline = Date.now() + 5000;
    let text = await metricsText();
    while (!text.includes('podflow_api_open_watches{resource="pods"} 0') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      text = await metricsText();
    }
    expect(text).toContain('podflow_api_open_watches{resource="pods"} 0');
    expect(text).toContain('podflow_api_requests_total{verb="watch",resource="pods",code="200"} 1');
    expect(lines.filter((l) => l.msg === 'request' && (l.obj as { verb: string }).verb === 'watch')).toHaveLength(1);
    app.server.closeAllConnections(); // the dropped stream's socket may linger in the client's pool
    await app.close();
  });
});
