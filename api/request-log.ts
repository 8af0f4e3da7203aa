/**
 * One JSON log line and one metric sample per API request, from fastify's
 * hooks (its own logger stays off): method, path, code, duration, user agent,
 * Kubernetes verb and resource. Never a header value other than the user
 * agent, never a body, and query values that look like credentials are
 * redacted. A watch the client drops ends without fastify's onResponse (the
 * reply was hijacked), so the response's close event finishes it instead;
 * each request is counted once either way.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../shared/ports';
import type { ApiMetrics } from './metrics';
import { requestLabels, type RequestLabels } from './request-labels';

const SECRET_PARAM = /token|secret|password|passwd|credential|signature|auth|key/i;

/** The request's path and query, with the value of any credential-like parameter replaced. */
export function loggablePath(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  const shown = [...params].map(([k, v]) => `${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? 'REDACTED' : encodeURIComponent(v)}`);
  return shown.length ? `${url.slice(0, at)}?${shown.join('&')}` : url.slice(0, at);
}

export function observeRequests(app: FastifyInstance, deps: { metrics: ApiMetrics; logger: Logger }): void {
  const finished = new WeakSet<FastifyRequest>();
  const labelsOf = (req: FastifyRequest): RequestLabels => requestLabels(req.method, req.routeOptions.url, req.query as Record<string, unknown>);

  const finish = (req: FastifyRequest, reply: FastifyReply) => {
    if (finished.has(req)) return;
    finished.add(req);
    const labels = labelsOf(req);
    const code = reply.raw.statusCode;
    const durationMs = reply.elapsedTime;
    deps.metrics.answered(labels, code, durationMs / 1000);
    deps.logger.info(
      {
        method: req.method,
        path: loggablePath(req.url),
        code,
        durationMs: Math.round(durationMs * 1000) / 1000,
        userAgent: req.headers['user-agent'] ?? '',
        verb: labels.verb,
        resource: labels.resource,
        remoteAddress: req.ip,
      },
      'request',
    );
  };

  app.addHook('onRequest', async (req, reply) => {
    reply.raw.once('close', () => finish(req, reply));
  });
  // After authentication: only a watch that is actually served counts as open.
  app.addHook('preHandler', async (req, reply) => {
    const { verb, resource } = labelsOf(req);
    if (verb !== 'watch') return;
    deps.metrics.watchOpened(resource);
    reply.raw.once('close', () => deps.metrics.watchClosed(resource));
  });
  app.addHook('onResponse', async (req, reply) => finish(req, reply));
}
