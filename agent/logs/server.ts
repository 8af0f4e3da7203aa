/**
 * The agent's log server: GET /pods/{namespace}/{name}/logs?container=&follow=
 * &previous=&tailLines=&limitBytes= on 127.0.0.1, plain text, always streamed
 * (with backpressure: a slow reader pauses the log read, nothing is buffered whole).
 * Every request needs `Authorization: Bearer <token>` (401 otherwise); the API
 * proxies `kubectl logs` here using the endpoint from the node's heartbeat.
 * GET /metrics serves the agent's Prometheus metrics behind the same token.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { NodeSummary } from '../../shared/node/usage';
import type { AddressInfo } from 'node:net';
import type { Pod } from '../../shared/pod/schema';
import type { Logger } from '../../shared/ports';
import type { Registry } from 'prom-client';
import { writeMetrics } from '../../shared/metrics/server';
import type { ContainerRuntime } from '../runtime/types';
import { observePod } from '../sync/observe';
import { limitBytes } from './limit-bytes';
import type { StreamServer } from '../streams/server';

export interface LogServerDeps {
  /** The node's usage summary (GET /stats/summary), for the API's metrics.k8s.io. */
  stats?: () => NodeSummary;
  runtime: ContainerRuntime;
  nodeName: string;
  token: string;
  findPod: (namespace: string, name: string) => Pod | undefined;
  logger: Logger;
  /** The agent's metrics, served at /metrics. */
  metrics?: Registry;
  /** exec and attach: upgrades on the same port (agent/streams/server.ts). */
  streams?: StreamServer;
}

export interface LogServer {
  url: string;
  close(): Promise<void>;
}

const ROUTE = /^\/pods\/([^/]+)\/([^/]+)\/logs$/;

function authorized(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ') || token.length === 0) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

function reply(res: http.ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text.endsWith('\n') ? text : `${text}\n`);
}

export async function startLogServer(deps: LogServerDeps, port: number, host = '127.0.0.1'): Promise<LogServer> {
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === '/healthz') return reply(res, 200, 'ok');
    if (!authorized(req.headers.authorization, deps.token)) return reply(res, 401, 'Unauthorized');
    if (req.method === 'GET' && url.pathname === '/metrics' && deps.metrics) return writeMetrics(deps.metrics, res);
    if (req.method === 'GET' && url.pathname === '/stats/summary' && deps.stats) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(deps.stats()));
    }
    const match = ROUTE.exec(url.pathname);
    if (req.method !== 'GET' || !match) return reply(res, 404, 'not found');
    const [namespace, name] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
    const pod = deps.findPod(namespace, name);
    if (!pod) return reply(res, 404, `pods "${name}" not found on node ${deps.nodeName}`);
    const names = pod.spec.containers.map((c) => c.name);
    const container = url.searchParams.get('container') || (names.length === 1 ? names[0] : '');
    if (!container) return reply(res, 400, `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    if (!names.includes(container)) return reply(res, 400, `container ${container} is not valid for pod ${name}`);
    const previous = url.searchParams.get('previous') === 'true';
    const follow = url.searchParams.get('follow') === 'true' && !previous;
    const tail = url.searchParams.get('tailLines');
    const tailLines = tail !== null && /^\d+$/.test(tail) ? Number(tail) : undefined;
    const limit = url.searchParams.get('limitBytes');
    if (limit !== null && !/^[1-9]\d*$/.test(limit)) return reply(res, 400, `limitBytes must be a positive integer, got "${limit}"`);
    const instances = observePod(await deps.runtime.list(deps.nodeName, pod.metadata.uid)).containers[container] ?? [];
    const instance = previous ? instances[1] : instances[0];
    if (!instance) {
      return reply(res, 400, previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    }
    const logs = await deps.runtime.logs(instance.id, { follow, tailLines });
    const stream = limit === null ? logs : limitBytes(logs, Number(limit));
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    req.on('close', () => stream.destroy());
    stream.on('error', () => res.end());
    stream.pipe(res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.logger.warn({ err: (err as Error).message, url: req.url }, 'log request failed');
      if (!res.headersSent) reply(res, 500, (err as Error).message);
      else res.end();
    });
  });
  if (deps.streams) server.on('upgrade', deps.streams.handleUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        deps.streams?.close();
      }),
  };
}
