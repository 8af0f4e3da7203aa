/**
 * Every /metrics endpoint after a pod's life, on the real local cluster (the
 * handler processes, the API and a Docker agent as processes, on the suite's
 * broker and store): the API's counters behind its token, the agent's behind
 * the agent token (its port read from the Node's daemonEndpoints, as a user
 * would), the handler process's at the URL in cluster.json. The API's request
 * log is read from its log file: one JSON line per request, no token in it.
 */
import { nodeAgentToken } from '../../shared/auth/agent-token';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupNode, startTestCluster, uniqueNodeName, type TestCluster } from '../helpers/cluster';
import { eventually } from '../helpers/control-plane';

jest.setTimeout(240_000);

/** The value of one sample of a Prometheus text scrape (summed when `labels` matches several), or 0. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

async function scrape(url: string, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}

describe('metrics endpoints after a pod’s life', () => {
  const node = uniqueNodeName('metrics');
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ name: node, runtime: 'docker', env: { HEARTBEAT_INTERVAL_MS: '1000' } }], env: { LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await cluster?.destroy();
    await cleanupNode(node);
  });

  it('counts the pod’s create, its sync passes and its records, and answers 401 without a token', async () => {
    const created = await cluster.request('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'measured' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'podflow/base:1', command: ['sleep', '3600'] }] },
    });
    expect(created.status).toBe(201);
    await eventually(async () => (await cluster.request('GET', '/api/v1/namespaces/default/pods/measured')).body.status?.phase === 'Running', 90000, 'the pod Running');
    expect((await cluster.request('DELETE', '/api/v1/namespaces/default/pods/measured')).status).toBe(200);
    await eventually(async () => (await cluster.request('GET', '/api/v1/namespaces/default/pods/measured')).status === 404, 60000, 'the pod gone');

    // The API, behind its bearer token.
    expect((await scrape(`${cluster.apiUrl}/metrics`)).status).toBe(401);
    const api = await scrape(`${cluster.apiUrl}/metrics`, cluster.token);
    expect(api.status).toBe(200);
    expect(sample(api.text, 'podflow_api_requests_total', { verb: 'create', resource: 'pods', code: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(api.text, 'podflow_api_requests_total', { verb: 'delete', resource: 'pods', code: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(api.text, 'podflow_api_requests_total', { verb: 'get', resource: 'pods' })).toBeGreaterThan(0);
    expect(sample(api.text, 'podflow_api_request_duration_seconds_count', { verb: 'create', resource: 'pods' })).toBeGreaterThanOrEqual(1);
    expect(api.text).toContain('podflow_api_open_watches{resource="pods"} 0');
    expect(sample(api.text, 'process_cpu_seconds_total')).toBeGreaterThan(0);

    // The agent, at the port its Node shows, behind the agent token.
    const nodeObject = (await cluster.request('GET', `/api/v1/nodes/${node}`)).body;
    const port: number = nodeObject.status.daemonEndpoints.kubeletEndpoint.Port;
    expect(port).toBeGreaterThan(0);
    const agentUrl = `http://127.0.0.1:${port}/metrics`;
    expect((await scrape(agentUrl)).status).toBe(401);
    expect((await scrape(agentUrl, cluster.token)).status).toBe(401);
    expect((await scrape(agentUrl, cluster.agentToken)).status).toBe(401); // the cluster's token opens no agent: each has its own
    const agent = await scrape(agentUrl, nodeAgentToken(cluster.agentToken, node));
    expect(agent.status).toBe(200);
    expect(sample(agent.text, 'podflow_agent_sync_duration_seconds_count')).toBeGreaterThan(0);
    expect(sample(agent.text, 'podflow_agent_runtime_call_duration_seconds_count', { call: 'runSandbox' })).toBeGreaterThanOrEqual(1);
    expect(sample(agent.text, 'podflow_agent_runtime_call_duration_seconds_count', { call: 'stopContainer' })).toBeGreaterThanOrEqual(1);
    expect(sample(agent.text, 'podflow_agent_pods', { phase: 'Running' })).toBe(0);
    expect(agent.text).toContain('podflow_agent_container_restarts_total 0');
    const age = sample(agent.text, 'podflow_agent_heartbeat_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(10);

    // The handler processes, at the URLs in cluster.json.
    const recorded = JSON.parse(readFileSync(path.join(cluster.stateDir, 'cluster.json'), 'utf8')) as { metrics: Record<string, string> };
    expect(recorded.metrics).toEqual(cluster.metrics);
    const handlers = await scrape(recorded.metrics.handlers);
    expect(handlers.status).toBe(200);
    expect(sample(handlers.text, 'podflow_handler_records_total', { handler: 'pod-controller', topic: 'pod-events', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(handlers.text, 'podflow_handler_records_total', { handler: 'status-recorder', topic: 'pod-status', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(handlers.text, 'podflow_handler_batch_duration_seconds_count', { handler: 'pod-controller' })).toBeGreaterThan(0);
    expect(sample(handlers.text, 'podflow_store_calls_total', { table: 'Pods' })).toBeGreaterThan(0);
    expect(handlers.text).toMatch(/^podflow_handler_consumer_lag\{handler="pod-controller",topic="pod-events"\} \d+$/m);
    const scheduler = await scrape(recorded.metrics.scheduler);
    expect(sample(scheduler.text, 'podflow_handler_records_total', { handler: 'scheduler', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(scheduler.text, 'podflow_store_calls_total', { table: 'Nodes', op: 'TransactWriteItems' })).toBeGreaterThanOrEqual(1);
  });

  it('logs each API request as one JSON line without the token', () => {
    const log = readFileSync(path.join(cluster.stateDir, 'logs', 'api.log'), 'utf8');
    const requests = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/api/v1/namespaces/default/pods', code: 201, verb: 'create', resource: 'pods', durationMs: expect.any(Number), userAgent: expect.any(String) }),
        expect.objectContaining({ method: 'GET', path: '/metrics', code: 401 }),
      ]),
    );
    expect(log).not.toContain(cluster.token);
    expect(log).not.toContain(cluster.agentToken);
    expect(log).not.toMatch(/authorization/i);
  });
});
