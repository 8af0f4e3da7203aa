/**
 * The Kubernetes-shaped REST API: fastify with bearer-token auth, every error
 * a `Status` object, and routes for discovery, pods (incl. watch and logs),
 * nodes and events. Writes never touch the tables: they become events on
 * pod-events, and the answer waits (bounded) for the projection. Every request
 * is logged and counted (request-log.ts); GET /metrics serves the counts.
 */
import { DependencyError } from '../shared/errors';
import { unavailable } from './bounded-publisher';
import Fastify, { type FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { badRequest, internalError, StatusError, tooLarge, unauthorized, unsupportedMediaType } from '../shared/kube/status';
import { sendStatus, type ApiDeps } from './deps';
import { discoveryRoutes } from './routes/discovery';
import { metricsApiRoutes } from './routes/metrics-api';
import { openApiRoutes } from './routes/openapi';
import { nodeRoutes } from './routes/nodes';
import { nodePatchRoutes } from './routes/node-patch';
import { podRoutes } from './routes/pods';
import { podUpdateRoutes } from './routes/pod-updates';
import { podStreamRoutes } from './routes/pod-streams';
import { eventRoutes } from './routes/events';
import { replicationControllerRoutes } from './routes/replicationcontrollers';
import { configObjectRoutes } from './routes/config-objects';
import { timingSafeEqual } from 'node:crypto';
import { ApiMetrics } from './metrics';
import { observeRequests } from './request-log';
import { readyzBody } from './readiness';
import { useWatchLimiter } from './watch-limits';

/** kube-apiserver's limit on a request body (3 MiB): a 1 MiB Secret, base64-encoded, with kubectl's last-applied copy of it fits. */
const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function buildApi(deps: ApiDeps, opts: { https?: { cert: Buffer; key: Buffer } } = {}): FastifyInstance {
  const app = (opts.https
    ? Fastify({ https: opts.https, bodyLimit: deps.bodyLimitBytes ?? MAX_REQUEST_BODY_BYTES, logger: false, return503OnClosing: true })
    : Fastify({ bodyLimit: deps.bodyLimitBytes ?? MAX_REQUEST_BODY_BYTES, logger: false, return503OnClosing: true })) as unknown as FastifyInstance;

  const yamlParser = (_req: unknown, body: string, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, parseYaml(body));
    } catch (err) {
      done(Object.assign(new Error(`error decoding YAML: ${(err as Error).message}`), { statusCode: 400 }));
    }
  };
  // An empty body is no body, whatever the content type says: clients (the official ones
  // included) send `Content-Type: application/json` on a DELETE without DeleteOptions.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    (body as string).trim() === '' ? done(null, undefined) : jsonParser(req, body as string, done),
  );
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, yamlParser);
  app.addContentTypeParser(
    ['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'],
    { parseAs: 'string' },
    yamlParser, // YAML is a superset of JSON: one parser for every patch body
  );

  const metrics = deps.metrics ?? new ApiMetrics();
  observeRequests(app, { metrics, logger: deps.logger });

  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/healthz' || req.url === '/readyz' || req.url === '/livez') return;
    if (!tokenMatches(req.headers.authorization, deps.token)) return sendStatus(reply, unauthorized());
  });

  if (deps.watchLimiter) useWatchLimiter(app, deps.watchLimiter);
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    // The store (or another dependency) did not answer within its bounds: the client is told to come back, not that the server broke.
    if (err instanceof DependencyError && err.retryable) {
      deps.logger.warn({ err: err.message }, 'dependency unavailable');
      err = unavailable(`the store is unavailable: ${err.message}`);
    }
    if (err instanceof StatusError) {
      const retryAfter = err.status.details?.retryAfterSeconds;
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
      return sendStatus(reply, err.status);
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatus(reply, tooLarge(`the request body is larger than ${deps.bodyLimitBytes ?? MAX_REQUEST_BODY_BYTES} bytes`));
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendStatus(reply, unsupportedMediaType(err.message));
    if (err.statusCode === 400 || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return sendStatus(reply, badRequest(err.message));
    }
    deps.logger.error({ err: err.message, stack: err.stack }, 'request failed');
    return sendStatus(reply, internalError(err.message));
  });
  app.setNotFoundHandler((req, reply) =>
    sendStatus(reply, { ...badRequest(`the server could not find the requested resource`), code: 404, reason: 'NotFound', details: { causes: [{ reason: 'UnexpectedServerResponse', message: `${req.method} ${req.url}` }] } }),
  );

  app.get('/healthz', async () => 'ok');
  app.get('/readyz', async (_req, reply) => {
    if (!deps.readiness) return 'ok';
    const result = await deps.readiness.check();
    return reply.code(result.ready ? 200 : 503).type('text/plain; charset=utf-8').send(readyzBody(result));
  });
  app.get('/livez', async () => 'ok');
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  discoveryRoutes(app);
  openApiRoutes(app);
  podRoutes(app, deps);
  podUpdateRoutes(app, deps);
  podStreamRoutes(app, deps);
  nodeRoutes(app, deps);
  nodePatchRoutes(app, deps);
  eventRoutes(app, deps);
  metricsApiRoutes(app, deps);
  if (deps.rcStore) replicationControllerRoutes(app, { ...deps, rcStore: deps.rcStore });
  if (deps.configStore) configObjectRoutes(app, { ...deps, configStore: deps.configStore });
  return app;
}
