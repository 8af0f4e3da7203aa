/**
 * ConfigMaps and Secrets: create, update (PUT, every patch type, server-side
 * apply) and delete publish commands to config-events and answer once the
 * config-controller has recorded the outcome in the ConfigObjects table
 * (bounded wait, 504 after it); get and list read the table, with label and
 * field selectors; watch is level-based (the table is polled and diffed).
 * A Secret's values are served to authenticated clients, as Kubernetes does,
 * and appear in no log line and no printed table.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { configKey, makeEvent, TOPICS, type ConfigEvent, type ConfigObjectCreateRequested, type ConfigObjectDeleteRequested, type ConfigObjectUpdateRequested, type K8sStatus } from '../../shared/events';
import { MODIFIED_SINCE } from '../../shared/config-objects/decider';
import type { ConfigObjectRecord, ConfigObjectStore } from '../../shared/config-objects/record';
import { CONFIG_KINDS, RESOURCE_OF, updateCauses, validateConfigObject, type ConfigKind, type ConfigObject } from '../../shared/config-objects/schema';
import { alreadyExists, badRequest, conflict, invalid, notFound } from '../../shared/kube/status';
import { patchTypeOf } from '../../shared/kube/patch/patch';
import { list } from '../objects';
import { checkFieldSelectorKeys, deleteOptions, isDeleteDryRun, isDryRun, pagedList, readListOptions } from '../list-options';
import { configObjectTable, wantsTable } from '../table';
import { streamPolledWatch } from './watch';
import { matches, parseSelector } from '../selectors';
import { sendStatus, type ApiDeps } from '../deps';
import { pollRecorded, writeTimedOut } from '../write-outcome';
import { createTarget, kindMismatch } from '../create-target';
import { creatorManagedFields, patchObject, recordOwnership, updateOptions } from '../update-objects';

type Params = { namespace: string; name: string };
type Answer = { object: ConfigObject } | { status: K8sStatus };

const PATCH_ATTEMPTS = 5;
const WATCH_POLL_MS = 500;

const asObject = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const isModifiedConflict = (a: Answer) => 'status' in a && a.status.reason === 'Conflict' && (a.status.message ?? '').endsWith(MODIFIED_SINCE);
const live = (r: ConfigObjectRecord | null): r is ConfigObjectRecord => r !== null && !r.deleted;

function newestVersion(items: ConfigObject[]): string {
  return items.reduce((max, o) => (BigInt(o.metadata.resourceVersion) > BigInt(max) ? o.metadata.resourceVersion : max), '0');
}

export function configObjectRoutes(app: FastifyInstance, deps: ApiDeps & { configStore: ConfigObjectStore }): void {
  for (const kind of CONFIG_KINDS) kindRoutes(app, deps, kind);
}

function kindRoutes(app: FastifyInstance, deps: ApiDeps & { configStore: ConfigObjectStore }, kind: ConfigKind): void {
  const resource = RESOURCE_OF[kind];
  const store = deps.configStore;
  const writeTimeoutMs = deps.writeTimeoutMs ?? 10_000;
  const base = `/api/v1/namespaces/:namespace/${resource}`;


  /** Publishes a command and waits until the table records its outcome. */
  async function command(event: ConfigEvent, namespace: string, name: string): Promise<Answer> {
    await deps.publisher.publish(TOPICS.configEvents, [event]);
    const answer = await pollRecorded(
      () => store.get(kind, namespace, name),
      (record): Answer | undefined => {
        const outcome = record.requests.find((r) => r.id === event.id);
        if (!outcome) return undefined;
        return outcome.status ? { status: outcome.status } : { object: record.object };
      },
      writeTimeoutMs,
    );
    return answer ?? { status: writeTimedOut(writeTimeoutMs, 'the change may still be applied') };
  }

  const answer = (reply: FastifyReply, a: Answer, code = 200) => ('status' in a ? sendStatus(reply, a.status) : reply.code(code).send(a.object));

  async function listObjects(req: FastifyRequest<{ Params: { namespace?: string } }>, reply: FastifyReply) {
    const q = readListOptions(req.query);
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    checkFieldSelectorKeys(fields.map((f) => f.key), kind === 'Secret' ? ['metadata.name', 'metadata.namespace', 'type'] : ['metadata.name', 'metadata.namespace']);
    const namespace = req.params.namespace;
    const select = (o: ConfigObject) =>
      matches(labels, o.metadata.labels ?? {}) && matches(fields, { 'metadata.name': o.metadata.name, 'metadata.namespace': o.metadata.namespace, type: o.type ?? '' });
    const read = async () => (await store.list(kind, namespace)).filter(live).map((r) => r.object).filter(select);
    const table = wantsTable(req);
    if (q.watch) {
      return streamPolledWatch(req, reply, {
        list: read,
        key: (o) => o.metadata.uid,
        version: (o) => o.metadata.resourceVersion,
        encode: (o) => (table ? configObjectTable(kind, [o], o.metadata.resourceVersion) : o),
        intervalMs: WATCH_POLL_MS,
        timeoutSeconds: q.timeoutSeconds,
      });
    }
    const all = await read();
    const render = table ? (items: ConfigObject[], rv: string) => configObjectTable(kind, items, rv) : (items: ConfigObject[], rv: string) => list(`${kind}List`, items, rv);
    return pagedList(all, (o) => `${o.metadata.namespace}/${o.metadata.name}`, q, newestVersion(all), render);
  }

  /** POST, and a server-side apply to a name that does not exist, end here. */
  async function create(namespace: string, name: string, body: Record<string, unknown>, managedFields: unknown[], dryRun: boolean): Promise<Answer> {
    const meta = asObject(body.metadata) ?? {};
    const object = { ...body, metadata: { ...meta, ...(name ? { name } : {}), namespace, managedFields } };
    const validated = validateConfigObject(kind, object);
    if (!validated.ok) return { status: invalid(kind, name, validated.causes) };
    if (!name) return { status: invalid(kind, name, [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]) };
    if (live(await store.get(kind, namespace, name))) return { status: alreadyExists(resource, name) };
    const id = randomUUID();
    if (dryRun) return { object: { ...validated.value, metadata: { ...validated.value.metadata, name, namespace, uid: id, resourceVersion: '', creationTimestamp: deps.clock.now().toISOString() } } };
    const event = makeEvent<ConfigObjectCreateRequested>('ConfigObjectCreateRequested', configKey(resource, namespace, name), { kind, object: validated.value as unknown as Record<string, unknown> }, { source: 'api', time: deps.clock.now(), id });
    return command(event, namespace, name);
  }

  /** PUT and PATCH end here: the whole new object, validated, sent as an update bound to what was read. */
  async function update(current: ConfigObjectRecord, next: Record<string, unknown>, resourceVersion: string | undefined, dryRun: boolean): Promise<Answer> {
    const { namespace, name } = current;
    const meta = asObject(next.metadata) ?? {};
    if (meta.name !== undefined && meta.name !== name) return { status: badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`) };
    const validated = validateConfigObject(kind, { ...next, metadata: { ...meta, name, namespace } });
    if (!validated.ok) return { status: invalid(kind, name, validated.causes) };
    const refused = updateCauses(current.object, validated.value);
    if (refused.length) return { status: invalid(kind, name, refused) };
    if (resourceVersion && resourceVersion !== current.object.metadata.resourceVersion) return { status: conflict(resource, name, MODIFIED_SINCE) };
    if (dryRun) return { object: { ...current.object, ...validated.value, metadata: { ...current.object.metadata, labels: validated.value.metadata.labels, annotations: validated.value.metadata.annotations } } };
    const data: ConfigObjectUpdateRequested['data'] = { kind, namespace, name, uid: current.uid, object: validated.value as unknown as Record<string, unknown> };
    if (resourceVersion) data.resourceVersion = resourceVersion;
    const event = makeEvent<ConfigObjectUpdateRequested>('ConfigObjectUpdateRequested', configKey(resource, namespace, name), data, { source: 'api', time: deps.clock.now(), id: randomUUID() });
    return command(event, namespace, name);
  }

  app.get(`/api/v1/${resource}`, listObjects);
  app.get(base, listObjects);

  app.get<{ Params: Params }>(`${base}/:name`, async (req, reply) => {
    const record = await store.get(kind, req.params.namespace, req.params.name);
    if (!live(record)) return sendStatus(reply, notFound(resource, req.params.name));
    return wantsTable(req) ? configObjectTable(kind, [record.object], record.object.metadata.resourceVersion) : record.object;
  });

  app.post<{ Params: Pick<Params, 'namespace'>; Body: unknown }>(base, async (req, reply) => {
    const target = createTarget(req.body, req.params.namespace, kind);
    if (!target.ok) return sendStatus(reply, target.status);
    const creator = updateOptions(req.query as Record<string, unknown>, req.headers['user-agent'], deps.clock.now());
    return answer(reply, await create(req.params.namespace, target.name, target.body, creatorManagedFields(target.body, creator, 'Update'), isDryRun(req.query)), 201);
  });

  app.put<{ Params: Params; Body: unknown }>(`${base}/:name`, async (req, reply) => {
    const body = asObject(req.body);
    if (!body) return sendStatus(reply, badRequest(`the request body must be a ${kind} object`));
    const mismatch = kindMismatch(body, kind);
    if (mismatch) return sendStatus(reply, badRequest(mismatch));
    const current = await store.get(kind, req.params.namespace, req.params.name);
    if (!live(current)) return sendStatus(reply, notFound(resource, req.params.name));
    const rv = asObject(body.metadata)?.resourceVersion;
    if (typeof rv === 'string' && rv && rv !== current.object.metadata.resourceVersion) return sendStatus(reply, conflict(resource, current.name, MODIFIED_SINCE));
    const opts = updateOptions(req.query as Record<string, unknown>, req.headers['user-agent'], deps.clock.now());
    return answer(reply, await update(current, recordOwnership(current.object as unknown as Record<string, unknown>, body, opts), typeof rv === 'string' && rv ? rv : undefined, isDryRun(req.query)));
  });

  app.patch<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>(`${base}/:name`, async (req, reply) => {
    const opts = updateOptions(req.query, req.headers['user-agent'], deps.clock.now());
    // A patch is applied to the object it was merged with; a writer in between means merging again with the newer object.
    for (let attempt = 1; ; attempt++) {
      const current = await store.get(kind, req.params.namespace, req.params.name);
      if (!live(current)) {
        if (patchTypeOf(req.headers['content-type']) !== 'apply' || !req.query.fieldManager) return sendStatus(reply, notFound(resource, req.params.name));
        const applied = asObject(req.body) ?? {};
        return answer(reply, await create(req.params.namespace, req.params.name, applied, creatorManagedFields(applied, opts, 'Apply'), isDryRun(req.query)), 201);
      }
      const patched = patchObject(current.object as unknown as Record<string, unknown>, req.headers['content-type'], req.body, { ...opts, resource, name: current.name, query: req.query });
      if (!patched.ok) return sendStatus(reply, patched.status);
      const asked = asObject(patched.object.metadata)?.resourceVersion;
      if (typeof asked === 'string' && asked && asked !== current.object.metadata.resourceVersion) return sendStatus(reply, conflict(resource, current.name, MODIFIED_SINCE));
      const result = await update(current, patched.object, current.object.metadata.resourceVersion, isDryRun(req.query));
      if (!isModifiedConflict(result) || attempt >= PATCH_ATTEMPTS) return answer(reply, result);
    }
  });

  app.delete<{ Params: Params; Body: unknown }>(`${base}/:name`, async (req, reply) => {
    const { namespace, name } = req.params;
    const options = deleteOptions.safeParse(asObject(req.body) ?? {});
    if (!options.success) return sendStatus(reply, badRequest(`invalid DeleteOptions: ${options.error.issues.map((i) => i.message).join('; ')}`));
    const current = await store.get(kind, namespace, name);
    if (!live(current)) return sendStatus(reply, notFound(resource, name));
    const data: ConfigObjectDeleteRequested['data'] = { kind, namespace, name };
    if (options.data.preconditions?.uid) data.uid = options.data.preconditions.uid;
    if (options.data.preconditions?.resourceVersion) data.resourceVersion = options.data.preconditions.resourceVersion;
    const success = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: resource, uid: current.uid }, code: 200 };
    if (isDeleteDryRun(req.query, options.data)) {
      const stale = (data.uid && data.uid !== current.uid) || (data.resourceVersion && data.resourceVersion !== current.object.metadata.resourceVersion);
      if (stale) return sendStatus(reply, conflict(resource, name, 'Precondition failed: the uid or resourceVersion in the precondition does not match the object'));
      return reply.code(200).send(success);
    }
    const event = makeEvent<ConfigObjectDeleteRequested>('ConfigObjectDeleteRequested', configKey(resource, namespace, name), data, { source: 'api', time: deps.clock.now(), id: randomUUID() });
    const outcome = await command(event, namespace, name);
    if ('status' in outcome) return sendStatus(reply, outcome.status);
    return reply.code(200).send(success);
  });
}
