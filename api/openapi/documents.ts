/**
 * The OpenAPI documents as the Kubernetes API server serves them: Swagger 2.0
 * at /openapi/v2, the OpenAPI v3 discovery at /openapi/v3 (one entry per
 * group-version, each URL carrying its document's hash) and the OpenAPI v3
 * document of core/v1 at /openapi/v3/api/v1. Each is serialised once, with
 * its ETag (the upper-case hex SHA-512 of the bytes, as kube-openapi computes
 * it), so clients' caches and `?hash=` URLs stay valid for the process's life.
 */
import { createHash } from 'node:crypto';
import { generateDefinitions, REF_PREFIX, type JsonSchema } from './definitions';
import { servedPaths, v2Paths, v3Paths } from './operations';

export interface Serialized {
  body: string;
  etag: string;
}

export interface OpenApiDocuments {
  v2: Serialized;
  v3Discovery: Serialized;
  /** By group-version path, e.g. `api/v1`. */
  v3: Record<string, Serialized>;
}

const serialize = (doc: unknown): Serialized => {
  const body = JSON.stringify(doc);
  return { body, etag: createHash('sha512').update(body).digest('hex').toUpperCase() };
};

const BEARER = { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' };

/** Swagger 2.0 has no allOf-wrapped references with siblings nor `nullable`: references point into `#/definitions/`. */
function toV2(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toV2);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(REF_PREFIX, '#/definitions/');
    else out[key] = toV2(value);
  }
  const allOf = out.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as JsonSchema).$ref === 'string') {
    delete out.allOf;
    out.$ref = (allOf[0] as JsonSchema).$ref;
  }
  return out;
}

let definitions: Record<string, JsonSchema> | undefined;
/** The definitions are the same for every server in the process: generated once. */
export function coreDefinitions(): Record<string, JsonSchema> {
  definitions ??= generateDefinitions();
  return definitions;
}

/** The three documents for a server that routes what `served` says. */
export function buildOpenApiDocuments(served: (method: string, url: string) => boolean, version: string): OpenApiDocuments {
  const schemas = coreDefinitions();
  const paths = servedPaths(served);
  const info = { title: 'Kubernetes', version };
  const v3 = serialize({
    openapi: '3.0.0',
    info,
    paths: v3Paths(paths),
    components: { schemas, securitySchemes: { BearerToken: BEARER } },
    security: [{ BearerToken: [] }],
  });
  const v2 = serialize({
    swagger: '2.0',
    info,
    paths: v2Paths(paths),
    definitions: toV2(schemas),
    securityDefinitions: { BearerToken: BEARER },
    security: [{ BearerToken: [] }],
  });
  const v3Discovery = serialize({ paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${v3.etag}` } } });
  return { v2, v3Discovery, v3: { 'api/v1': v3 } };
}

/**
 * Whether an Accept header admits JSON, read as kube-openapi's content
 * negotiation reads it: the first clause (by quality) that JSON matches wins;
 * no header means anything.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return accept
    .split(',')
    .map((clause) => {
      const [range, ...params] = clause.trim().split(';').map((p) => p.trim());
      const qParam = params.find((p) => p.startsWith('q='));
      return { range: range.toLowerCase(), q: qParam ? Number(qParam.slice(2)) : 1 };
    })
    .some(({ range, q }) => q > 0 && (range === 'application/json' || range === 'application/*' || range === '*/*'));
}
