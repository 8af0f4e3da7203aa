/**
 * GET /openapi/v2, /openapi/v3 and /openapi/v3/api/v1, served as kube-openapi
 * serves them: JSON only (a client that accepts nothing but protobuf gets 406,
 * as for any format the server does not have), an ETag on each document with
 * 304 for a matching If-None-Match, and a `?hash=` URL that is immutable, or
 * redirects (301) to the current hash when it names an old one. The documents
 * are built on the first request, once the server's routes are all known.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { acceptsJson, buildOpenApiDocuments, type OpenApiDocuments, type Serialized } from '../openapi/documents';
import { VERSION } from './discovery';

function send(req: FastifyRequest, reply: FastifyReply, doc: Serialized) {
  reply.header('Vary', 'Accept');
  if (!acceptsJson(req.headers.accept)) return reply.code(406).send();
  reply.header('ETag', `"${doc.etag}"`);
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${doc.etag}"`)) return reply.code(304).send();
  return reply.type('application/json').send(doc.body);
}

export function openApiRoutes(app: FastifyInstance): void {
  let documents: OpenApiDocuments | undefined;
  const docs = () => {
    documents ??= buildOpenApiDocuments((method, url) => app.hasRoute({ method: method as HTTPMethods, url }), VERSION.gitVersion);
    return documents;
  };

  app.get('/openapi/v2', (req, reply) => send(req, reply, docs().v2));
  app.get('/openapi/v3', (req, reply) => send(req, reply, docs().v3Discovery));
  app.get<{ Params: { '*': string }; Querystring: { hash?: string } }>('/openapi/v3/*', (req, reply) => {
    const groupVersion = req.params['*'];
    const doc = docs().v3[groupVersion];
    if (!doc) return reply.callNotFound();
    const hash = req.query.hash;
    if (hash !== undefined && hash !== '') {
      if (hash !== doc.etag) return reply.redirect(`/openapi/v3/${groupVersion}?hash=${doc.etag}`, 301);
      reply.header('Cache-Control', 'public, immutable');
      reply.header('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
    }
    return send(req, reply, doc);
  });
}
