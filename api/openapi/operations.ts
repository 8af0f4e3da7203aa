/**
 * The paths and operations of core/v1 that podflow serves, described once and
 * rendered both as OpenAPI v3 and as Swagger 2.0, with Kubernetes' operation
 * ids, `x-kubernetes-action`, `x-kubernetes-group-version-kind` and query
 * parameters. kubectl reads them: `explain` finds a resource's kind through
 * its paths, and `apply`/`create` send `fieldValidation` only when the PATCH
 * operation of the kind lists that parameter. An operation is listed only when
 * the server has a route for it (`served`), so the documents never promise
 * more than the API does.
 */
import { coreGvk, META, type Gvk } from './kinds';
import type { JsonSchema } from './definitions';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Action = 'list' | 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Param {
  name: string;
  type: 'string' | 'boolean' | 'integer';
  description: string;
  uniqueItems?: boolean;
}

const q = (name: string, type: Param['type'], description: string): Param => ({ name, type, description, uniqueItems: true });

const PRETTY = q('pretty', 'string', "If 'true', then the output is pretty printed.");
const DRY_RUN = q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = q('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = q(
  'fieldValidation',
  'string',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown fields. Valid values are: - Ignore: unknown fields are silently dropped from the object. - Warn: a warning is sent in the standard warning response header for each unknown field that is dropped (the default). - Strict: the request fails with a BadRequest error if any unknown fields would be dropped from the object.',
);
const FORCE = q('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.');
const LIST_PARAMS = [
  q('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK".'),
  q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  q('limit', 'integer', 'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata.'),
  q('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  q('timeoutSeconds', 'integer', 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.'),
  q('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
];
const DELETE_PARAMS = [DRY_RUN, q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'), q('propagationPolicy', 'string', 'Whether and how garbage collection will be performed.')];
const LOG_PARAMS = [
  q('container', 'string', 'The container for which to stream logs. Defaults to only container if there is one container in the pod.'),
  q('follow', 'boolean', 'Follow the log stream of the pod. Defaults to false.'),
  q('previous', 'boolean', 'Return previous terminated container logs. Defaults to false.'),
  q('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
  q('timestamps', 'boolean', 'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.'),
];

interface Operation {
  method: Method;
  action: Action;
  id: string;
  description: string;
  params: Param[];
  /** Definition sent in the body (create, replace) or 'patch'. */
  body?: string | 'patch';
  /** Definition answered, or 'text' for logs. */
  response: string | 'text';
  code: 200 | 201;
  gvk: Gvk;
}

export interface PathItem {
  path: string;
  pathParams: string[];
  operations: Operation[];
}

const core = (kind: string) => `io.k8s.api.core.v1.${kind}`;
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

interface Resource {
  plural: string;
  kind: string;
  namespaced: boolean;
  verbs: Action[];
}

function idOf(action: Action, kind: string, namespaced: boolean, suffix = ''): string {
  const verb = { list: 'list', get: 'read', post: 'create', put: 'replace', patch: 'patch', delete: 'delete' }[action];
  return `${verb}CoreV1${namespaced ? 'Namespaced' : ''}${kind}${suffix}`;
}

function op(action: Action, r: Resource, opts: Partial<Operation> = {}): Operation {
  const method: Method = action === 'list' ? 'get' : action === 'post' ? 'post' : action === 'get' ? 'get' : action;
  const writes = action === 'post' || action === 'put' || action === 'patch';
  const params = action === 'list' ? LIST_PARAMS : writes ? [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, ...(action === 'patch' ? [FORCE] : [])] : action === 'delete' ? DELETE_PARAMS : [];
  const verbText = { list: 'list or watch objects of kind', get: 'read the specified', post: 'create a', put: 'replace the specified', patch: 'partially update the specified', delete: 'delete a' }[action];
  return {
    method,
    action,
    id: idOf(action, r.kind, r.namespaced),
    description: `${verbText} ${r.kind}`,
    params: [PRETTY, ...params],
    body: action === 'patch' ? 'patch' : writes ? core(r.kind) : undefined,
    response: action === 'list' ? core(`${r.kind}List`) : core(r.kind),
    code: action === 'post' ? 201 : 200,
    gvk: coreGvk(r.kind),
    ...opts,
  };
}

const RESOURCES: Resource[] = [
  { plural: 'pods', kind: 'Pod', namespaced: true, verbs: ['list', 'post', 'get', 'put', 'patch', 'delete'] },
  { plural: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true, verbs: ['list', 'post', 'get', 'put', 'patch', 'delete'] },
  { plural: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['list', 'post', 'get', 'put', 'patch', 'delete'] },
  { plural: 'secrets', kind: 'Secret', namespaced: true, verbs: ['list', 'post', 'get', 'put', 'patch', 'delete'] },
  { plural: 'nodes', kind: 'Node', namespaced: false, verbs: ['list', 'get', 'patch'] },
  { plural: 'events', kind: 'Event', namespaced: true, verbs: ['list'] },
  { plural: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['list', 'get'] },
];

/** Every path podflow may serve under /api/v1, before checking the routes. */
function candidatePaths(): PathItem[] {
  const items: PathItem[] = [];
  for (const r of RESOURCES) {
    const collection = r.namespaced ? `/api/v1/namespaces/{namespace}/${r.plural}` : `/api/v1/${r.plural}`;
    const params = r.namespaced ? ['namespace'] : [];
    const onCollection = r.verbs.filter((v) => v === 'list' || v === 'post');
    items.push({ path: collection, pathParams: params, operations: onCollection.map((v) => op(v, r)) });
    const onItem = r.verbs.filter((v) => v !== 'list' && v !== 'post');
    if (onItem.length) items.push({ path: `${collection}/{name}`, pathParams: ['name', ...params], operations: onItem.map((v) => op(v, r)) });
    if (r.namespaced && r.verbs.includes('list')) {
      items.push({ path: `/api/v1/${r.plural}`, pathParams: [], operations: [op('list', r, { id: `listCoreV1${r.kind}ForAllNamespaces` })] });
    }
  }
  const pod = RESOURCES[0];
  const rc = RESOURCES[1];
  const scaleGvk: Gvk = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  const scale = (action: Action) =>
    op(action, rc, { id: idOf(action, 'ReplicationController', true, 'Scale'), body: action === 'put' ? 'io.k8s.api.autoscaling.v1.Scale' : action === 'patch' ? 'patch' : undefined, response: 'io.k8s.api.autoscaling.v1.Scale', gvk: scaleGvk });
  items.push(
    { path: '/api/v1/namespaces/{namespace}/pods/{name}/log', pathParams: ['name', 'namespace'], operations: [op('get', pod, { id: 'readCoreV1NamespacedPodLog', description: 'read log of the specified Pod', params: [PRETTY, ...LOG_PARAMS], response: 'text' })] },
    { path: '/api/v1/namespaces/{namespace}/pods/{name}/status', pathParams: ['name', 'namespace'], operations: [op('get', pod, { id: 'readCoreV1NamespacedPodStatus', description: 'read status of the specified Pod' })] },
    { path: '/api/v1/namespaces/{namespace}/replicationcontrollers/{name}/scale', pathParams: ['name', 'namespace'], operations: (['get', 'put', 'patch'] as Action[]).map(scale) },
  );
  return items;
}

/** The paths whose operations the server routes (`served(method, '/api/v1/namespaces/:namespace/pods')`). */
export function servedPaths(served: (method: string, url: string) => boolean): PathItem[] {
  return candidatePaths()
    .map((item) => ({ ...item, operations: item.operations.filter((o) => served(o.method.toUpperCase(), item.path.replace(/\{(\w+)\}/g, ':$1'))) }))
    .filter((item) => item.operations.length > 0);
}

const PATH_PARAM_TEXT: Record<string, string> = { name: 'name of the object', namespace: 'object name and auth scope, such as for teams and projects' };

function extensions(o: Operation): JsonSchema {
  return { 'x-kubernetes-action': o.action, 'x-kubernetes-group-version-kind': { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version } };
}

/** OpenAPI v3 `paths`; refs point into `#/components/schemas/`. */
export function v3Paths(items: readonly PathItem[]): JsonSchema {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const paths: JsonSchema = {};
  for (const item of items) {
    const entry: JsonSchema = {
      parameters: item.pathParams.map((name) => ({ name, in: 'path', description: PATH_PARAM_TEXT[name], required: true, schema: { type: 'string', uniqueItems: true } })),
    };
    for (const o of item.operations) {
      const operation: JsonSchema = {
        tags: ['core_v1'],
        description: o.description,
        operationId: o.id,
        parameters: o.params.map((p) => ({ name: p.name, in: 'query', description: p.description, schema: { type: p.type, uniqueItems: true } })),
        responses: {
          [String(o.code)]: { description: o.code === 201 ? 'Created' : 'OK', content: o.response === 'text' ? { 'text/plain': { schema: { type: 'string' } } } : { 'application/json': { schema: ref(o.response) } } },
          '401': { description: 'Unauthorized' },
        },
        ...extensions(o),
      };
      if (o.body === 'patch') operation.requestBody = { content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: ref(`${META}.Patch`) }])), required: true };
      else if (o.body) operation.requestBody = { content: { '*/*': { schema: ref(o.body) } }, required: true };
      entry[o.method] = operation;
    }
    paths[item.path] = entry;
  }
  return paths;
}

/** Swagger 2.0 `paths`; refs point into `#/definitions/`. */
export function v2Paths(items: readonly PathItem[]): JsonSchema {
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  const paths: JsonSchema = {};
  for (const item of items) {
    const entry: JsonSchema = {
      parameters: item.pathParams.map((name) => ({ name, in: 'path', description: PATH_PARAM_TEXT[name], required: true, type: 'string', uniqueItems: true })),
    };
    for (const o of item.operations) {
      const body = o.body === 'patch' ? ref(`${META}.Patch`) : o.body ? ref(o.body) : undefined;
      entry[o.method] = {
        tags: ['core_v1'],
        description: o.description,
        operationId: o.id,
        consumes: o.body === 'patch' ? PATCH_TYPES : ['*/*'],
        produces: o.response === 'text' ? ['text/plain'] : ['application/json', 'application/yaml'],
        schemes: ['https'],
        parameters: [...(body ? [{ name: 'body', in: 'body', required: true, schema: body }] : []), ...o.params.map((p) => ({ name: p.name, in: 'query', description: p.description, type: p.type, uniqueItems: true }))],
        responses: {
          [String(o.code)]: { description: o.code === 201 ? 'Created' : 'OK', schema: o.response === 'text' ? { type: 'string' } : ref(o.response) },
          '401': { description: 'Unauthorized' },
        },
        ...extensions(o),
      };
    }
    paths[item.path] = entry;
  }
  return paths;
}
