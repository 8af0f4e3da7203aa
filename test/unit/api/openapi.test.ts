import { generateDefinitions, REF_PREFIX, type JsonSchema } from '../../../api/openapi/definitions';
import { acceptsJson, buildOpenApiDocuments } from '../../../api/openapi/documents';
import { DEFINITIONS } from '../../../api/openapi/kinds';
import { servedPaths } from '../../../api/openapi/operations';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const defs = generateDefinitions();
const props = (name: string) => defs[name].properties as Record<string, JsonSchema>;
const everyRoute = () => true;

/** Every `$ref` string anywhere in a document. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

describe('OpenAPI definitions generated from the zod schemas', () => {
  it('names the definitions as Kubernetes does', () => {
    expect(Object.keys(defs)).toEqual(
      expect.arrayContaining([`${CORE}.Pod`, `${CORE}.PodSpec`, `${CORE}.Container`, `${CORE}.Volume`, `${CORE}.ReplicationController`, `${CORE}.PodTemplateSpec`, `${META}.ObjectMeta`, 'io.k8s.apimachinery.pkg.api.resource.Quantity']),
    );
    expect(props(`${CORE}.Pod`).spec).toMatchObject({ allOf: [{ $ref: `${REF_PREFIX}${CORE}.PodSpec` }] });
    expect(props(`${CORE}.Pod`).metadata).toMatchObject({ allOf: [{ $ref: `${REF_PREFIX}${META}.ObjectMeta` }] });
    expect(props(`${CORE}.PodSpec`).containers).toMatchObject({ type: 'array', items: { $ref: `${REF_PREFIX}${CORE}.Container` } });
    expect(props(`${CORE}.ReplicationControllerSpec`).template).toMatchObject({ allOf: [{ $ref: `${REF_PREFIX}${CORE}.PodTemplateSpec` }] });
  });

  it('resolves every reference to a generated definition', () => {
    const missing = refs(defs).filter((ref) => !defs[ref.slice(REF_PREFIX.length)]);
    expect(missing).toEqual([]);
  });

  it.each([
    ['Pod', `${CORE}.Pod`, { group: '', version: 'v1', kind: 'Pod' }],
    ['PodList', `${CORE}.PodList`, { group: '', version: 'v1', kind: 'PodList' }],
    ['ReplicationController', `${CORE}.ReplicationController`, { group: '', version: 'v1', kind: 'ReplicationController' }],
    ['Node', `${CORE}.Node`, { group: '', version: 'v1', kind: 'Node' }],
    ['Scale', 'io.k8s.api.autoscaling.v1.Scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }],
  ])('marks %s with x-kubernetes-group-version-kind', (_kind, name, gvk) => {
    expect(defs[name]['x-kubernetes-group-version-kind']).toEqual([gvk]);
  });

  it('leaves nested types without a group-version-kind', () => {
    expect(defs[`${CORE}.PodSpec`]['x-kubernetes-group-version-kind']).toBeUndefined();
    expect(defs[`${CORE}.Container`]['x-kubernetes-group-version-kind']).toBeUndefined();
  });

  it.each([
    [`${CORE}.PodSpec`, 'containers', 'name', 'merge'],
    [`${CORE}.PodSpec`, 'volumes', 'name', 'merge,retainKeys'],
    [`${CORE}.Container`, 'env', 'name', 'merge'],
    [`${CORE}.Container`, 'ports', 'containerPort', 'merge'],
    [`${CORE}.Container`, 'volumeMounts', 'mountPath', 'merge'],
    [`${META}.ObjectMeta`, 'ownerReferences', 'uid', 'merge'],
  ])('%s.%s merges by %s (strategy %s)', (definition, field, key, strategy) => {
    expect(props(definition)[field]).toMatchObject({ 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy, 'x-kubernetes-list-type': 'map' });
  });

  it('keeps atomic lists without merge keys', () => {
    expect(props(`${CORE}.PodSpec`).tolerations['x-kubernetes-patch-merge-key']).toBeUndefined();
    expect(props(`${CORE}.Container`).command['x-kubernetes-patch-merge-key']).toBeUndefined();
  });

  it('lists the required fields the schema requires', () => {
    expect(defs[`${CORE}.Container`].required).toEqual(expect.arrayContaining(['name', 'image']));
    expect(defs[`${CORE}.PodSpec`].required).toEqual(['containers']);
    expect(defs[`${CORE}.Container`].required).not.toContain('imagePullPolicy');
  });

  it('describes every definition and the fields users write', () => {
    const undescribed = Object.entries(defs).filter(([, d]) => !d.description).map(([name]) => name);
    expect(undescribed).toEqual([]);
    for (const field of ['name', 'image', 'imagePullPolicy', 'env', 'ports', 'volumeMounts', 'resources']) {
      expect(props(`${CORE}.Container`)[field].description).toEqual(expect.any(String));
    }
    expect(props(`${CORE}.PodSpec`).containers.description).toMatch(/List of containers belonging to the pod/);
    expect(props(`${CORE}.Pod`).spec.description).toBe('Specification of the desired behavior of the pod.');
  });

  it('declares enums from the schema and apiVersion and kind as plain strings', () => {
    expect(props(`${CORE}.Container`).imagePullPolicy).toMatchObject({ type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] });
    expect(props(`${CORE}.Pod`).kind).toEqual({ description: expect.any(String), type: 'string' });
    expect(defs['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ type: 'string' });
  });

  it('has one definition per registered schema, each generated once', () => {
    expect(Object.keys(defs)).toHaveLength(DEFINITIONS.length);
    expect(generateDefinitions()).toEqual(defs);
  });
});

describe('OpenAPI paths and documents', () => {
  const docs = buildOpenApiDocuments(everyRoute, 'v1.31.0-test');
  const v3 = JSON.parse(docs.v3['api/v1'].body);
  const v2 = JSON.parse(docs.v2.body);

  it('offers fieldValidation, dryRun and fieldManager on the pod PATCH, with the kind, as kubectl looks for them', () => {
    const patch = v3.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    expect(patch['x-kubernetes-action']).toBe('patch');
    expect(patch.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'force']));
    expect(v3.paths['/api/v1/namespaces/{namespace}/pods'].post.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun']));
  });

  it('lists only the operations the server routes', () => {
    const served = (method: string, url: string) => method === 'GET' && url === '/api/v1/nodes';
    const paths = servedPaths(served);
    expect(paths.map((p) => p.path)).toEqual(['/api/v1/nodes']);
    expect(paths[0].operations.map((o) => o.id)).toEqual(['listCoreV1Node']);
  });

  it('serves a Swagger 2.0 document whose references point into its definitions', () => {
    expect(v2.swagger).toBe('2.0');
    const missing = refs(v2).filter((ref) => !ref.startsWith('#/definitions/') || !v2.definitions[ref.slice('#/definitions/'.length)]);
    expect(missing).toEqual([]);
    expect(v2.definitions[`${CORE}.Pod`].properties.spec).toMatchObject({ $ref: `#/definitions/${CORE}.PodSpec`, description: expect.any(String) });
    const body = v2.paths['/api/v1/namespaces/{namespace}/pods'].post.parameters.find((p: { in: string }) => p.in === 'body');
    expect(body.schema).toEqual({ $ref: `#/definitions/${CORE}.Pod` });
  });

  it('names the v3 document in the discovery by its hash, which is its ETag', () => {
    expect(JSON.parse(docs.v3Discovery.body)).toEqual({ paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${docs.v3['api/v1'].etag}` } } });
    expect(docs.v3['api/v1'].etag).toMatch(/^[0-9A-F]{128}$/);
    expect(buildOpenApiDocuments(everyRoute, 'v1.31.0-test').v3['api/v1'].etag).toBe(docs.v3['api/v1'].etag);
  });

  it.each([
    [undefined, true],
    ['application/json', true],
    ['application/json, */*', true],
    ['*/*', true],
    ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', false],
    ['application/com.github.proto-openapi.spec.v2.v1.0+protobuf,application/json;q=0.9', true],
    ['application/json;q=0', false],
  ])('Accept %p admits JSON: %p', (accept, expected) => {
    expect(acceptsJson(accept)).toBe(expected);
  });
});
