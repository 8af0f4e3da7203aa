/**
 * ReplicationControllers: create, update (PUT and merge-patch), scale (the
 * autoscaling/v1 `/scale` subresource) and delete publish commands to rc-events
 * and answer once the replication-controller has recorded the outcome in the
 * ReplicationControllers table (bounded wait, 504 after it); get and list read
 * the table; watch is level-based (the table is polled and diffed). Deleting an
 * RC deletes its pods (the controller does, in the background).
 */
import { unenforcedWarnings } from '../../shared/pod/unenforced';
import { sendWarnings } from '../field-validation';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { makeEvent, TOPICS, type K8sStatus, type RcCreateRequested, type RcDeleteRequested, type RcEvent, type RcScaleRequested, type RcUpdateRequested } from '../../shared/events';
import { alreadyExists, badRequest, conflict, invalid, notFound } from '../../shared/kube/status';
import { MODIFIED_SINCE, RESOURCE } from '../../shared/rc/decider';
import { mergePatch } from '../../shared/rc/merge-patch';
import type { RcRecord, RcStore } from '../../shared/rc/record';
import { scale, scaleOf, type ReplicationController } from '../../shared/rc/schema';
import { validateReplicationController } from '../../shared/rc/validate';
import { admitTemplate } from '../../shared/pod/admission';
import { causesFromZod } from '../../shared/pod/validate';
import { list } from '../objects';
import { checkFieldSelectorKeys, deleteOptions, isDeleteDryRun, isDryRun, pagedList, readListOptions } from '../list-options';
import { rcTable, wantsTable } from '../table';
import { streamPolledWatch } from './watch';
import { matches, parseSelector } from '../selectors';
import { sendStatus, type ApiDeps } from '../deps';
import { pollRecorded, writeTimedOut } from '../write-outcome';
import { createTarget, kindMismatch } from '../create-target';
import { creatorManagedFields, patchObject, recordOwnership, updateOptions } from '../update-objects';
import { patchTypeOf } from '../../shared/kube/patch/patch';

type Params = { namespace: string; name: string };

const KIND = 'ReplicationController';
const PATCH_ATTEMPTS = 5;

type Answer = { rc: ReplicationController } | { status: K8sStatus };
const isModifiedConflict = (a: Answer) => 'status' in a && a.status.reason === 'Conflict' && (a.status.message ?? '').endsWith(MODIFIED_SINCE);
const WATCH_POLL_MS = 500;

const asObject = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

export function replicationControllerRoutes(app: FastifyInstance, deps: ApiDeps & { rcStore: RcStore }): void {
  const writeTimeoutMs = deps.writeTimeoutMs ?? 10_000;
  const store = deps.rcStore;
  const live = (r: RcRecord | null): r is RcRecord => r !== null && !r.deleted;

  /** Publishes a command and waits until the table records its outcome. */
  async function command(event: RcEvent, namespace: string, name: string): Promise<{ record: RcRecord; refused?: K8sStatus } | null> {
    await deps.publisher.publish(TOPICS.rcEvents, [event]);
    return pollRecorded(
      () => store.get(namespace, name),
      (record) => {
        const outcome = record.requests.find((r) => r.id === event.id);
        return outcome || record.uid === event.id ? { record, refused: outcome?.status } : undefined;
      },
      writeTimeoutMs,
    );
  }

  const timeoutStatus = () => writeTimedOut(writeTimeoutMs, 'the change may still be applied');
  const timedOut = (reply: FastifyReply) => sendStatus(reply, timeoutStatus());

  async function listRcs(req: FastifyRequest<{ Params: Partial<Params>; Querystring: Record<string, string> }>, reply: FastifyReply) {
    const q = readListOptions(req.query);
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    checkFieldSelectorKeys(fields.map((f) => f.key), ['metadata.name', 'metadata.namespace', 'status.replicas']);
    const namespace = req.params.namespace;
    const select = (rc: ReplicationController) =>
      matches(labels, rc.metadata.labels ?? {}) &&
      matches(fields, { 'metadata.name': rc.metadata.name, 'metadata.namespace': rc.metadata.namespace, 'status.replicas': String(rc.status?.replicas ?? 0) });
    if (q.watch) return watchRcs(req, reply, namespace, select, q.timeoutSeconds, wantsTable(req));
    const all = (await store.list(namespace)).filter(live).map((r) => r.rc).filter(select);
    const render = wantsTable(req) ? rcTable : (items: ReplicationController[], rv: string) => list('ReplicationControllerList', items, rv);
    return pagedList(all, (rc) => `${rc.metadata.namespace}/${rc.metadata.name}`, q, newestVersion(all), render);
  }

  function watchRcs(req: FastifyRequest, reply: FastifyReply, namespace: string | undefined, select: (rc: ReplicationController) => boolean, timeoutSeconds?: number, table = false) {
    return streamPolledWatch(req, reply, {
      list: async () => (await store.list(namespace)).filter(live).map((r) => r.rc).filter(select),
      key: (rc) => rc.metadata.uid ?? `${rc.metadata.namespace}/${rc.metadata.name}`,
      version: (rc) => rc.metadata.resourceVersion ?? '',
      encode: (rc) => (table ? rcTable([rc], rc.metadata.resourceVersion ?? '') : rc),
      intervalMs: WATCH_POLL_MS,
      timeoutSeconds,
    });
  }

  app.get('/api/v1/replicationcontrollers', listRcs);
  app.get('/api/v1/namespaces/:namespace/replicationcontrollers', listRcs);

  app.get<{ Params: Params }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name', async (req, reply) => {
    const record = await store.get(req.params.namespace, req.params.name);
    if (!live(record)) return sendStatus(reply, notFound(RESOURCE, req.params.name));
    return wantsTable(req) ? rcTable([record.rc], record.rc.metadata.resourceVersion ?? '') : record.rc;
  });

  app.post<{ Params: Pick<Params, 'namespace'>; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers', async (req, reply) => {
    // generateName for an RC: the server picks the name, as Kubernetes does.
    const target = createTarget(req.body, req.params.namespace, KIND);
    if (!target.ok) return sendStatus(reply, target.status);
    const { body, name } = target;
    const namespace = req.params.namespace;
    const creator = updateOptions(req.query as Record<string, unknown>, req.headers['user-agent'], deps.clock.now());
    const created = await create(namespace, name, body, creatorManagedFields(body, creator, 'Update'), isDryRun(req.query));
    return answer(reply, created, 201);
  });

  /** POST, and a server-side apply to a name that does not exist, end here. */
  async function create(namespace: string, name: string, body: Record<string, unknown>, managedFields: unknown[], dryRun = false): Promise<Answer> {
    const meta = asObject(body.metadata) ?? {};
    const validated = validateReplicationController({ ...body, metadata: { ...meta, ...(name ? { name } : {}), namespace, managedFields } });
    // The template is admitted as the pods it will create, even when something else is invalid: every cause at once.
    const refused = admitTemplate({ ...body, metadata: { namespace } }, (pod) => deps.admit?.(pod) ?? []);
    if (!validated.ok || refused.length) return { status: invalid(KIND, name, [...(validated.ok ? [] : validated.causes), ...refused]) };
    if (live(await store.get(namespace, name))) return { status: alreadyExists(RESOURCE, name) };
    const id = randomUUID();
    // A dry run stops after validation and the existence check: what the controller would record, nothing published.
    if (dryRun) return { rc: { ...validated.value, apiVersion: 'v1', kind: KIND, status: { replicas: 0 }, metadata: { ...validated.value.metadata, name, namespace, uid: id, resourceVersion: '', creationTimestamp: deps.clock.now().toISOString(), generation: 1 } } };
    const event = makeEvent<RcCreateRequested>('ReplicationControllerCreateRequested', `${namespace}/${name}`, { rc: validated.value }, { source: 'api', time: deps.clock.now(), id });
    const outcome = await command(event, namespace, name);
    if (!outcome) return { status: timeoutStatus() };
    if (outcome.refused) return { status: outcome.refused };
    return { rc: outcome.record.rc };
  }

  /** PUT and PATCH end here: the whole new object, validated, sent as an update bound to what was read. */
  async function update(current: RcRecord, next: Record<string, unknown>, resourceVersion: string | undefined, dryRun = false): Promise<Answer> {
    const { namespace, name } = current;
    const meta = asObject(next.metadata) ?? {};
    if (meta.name !== undefined && meta.name !== name) return { status: badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`) };
    const validated = validateReplicationController({ ...next, metadata: { ...meta, name, namespace } });
    const refused = admitTemplate({ ...next, metadata: { namespace } }, (pod) => deps.admit?.(pod) ?? []);
    if (!validated.ok || refused.length) return { status: invalid(KIND, name, [...(validated.ok ? [] : validated.causes), ...refused]) };
    const data: RcUpdateRequested['data'] = { namespace, name, uid: current.uid, spec: validated.value.spec };
    if (resourceVersion) data.resourceVersion = resourceVersion;
    if (validated.value.metadata.labels) data.labels = validated.value.metadata.labels;
    if (validated.value.metadata.annotations) data.annotations = validated.value.metadata.annotations;
    if (validated.value.metadata.managedFields) data.managedFields = validated.value.metadata.managedFields;
    if (resourceVersion && resourceVersion !== current.rc.metadata.resourceVersion && dryRun) return { status: conflict(RESOURCE, name, MODIFIED_SINCE) };
    if (dryRun) return { rc: { ...current.rc, spec: validated.value.spec, metadata: { ...current.rc.metadata, labels: validated.value.metadata.labels, annotations: validated.value.metadata.annotations } } };
    const event = makeEvent<RcUpdateRequested>('ReplicationControllerUpdateRequested', `${namespace}/${name}`, data, { source: 'api', time: deps.clock.now(), id: randomUUID() });
    const outcome = await command(event, namespace, name);
    if (!outcome) return { status: timeoutStatus() };
    if (outcome.refused) return { status: outcome.refused };
    return { rc: outcome.record.rc };
  }

  const answer = (reply: FastifyReply, a: Answer, code = 200) => {
    if ('status' in a) return sendStatus(reply, a.status);
    sendWarnings(reply, unenforcedWarnings(a.rc.spec.template.spec, 'spec.template.spec'));
    return reply.code(code).send(a.rc);
  };

  app.put<{ Params: Params; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name', async (req, reply) => {
    const body = asObject(req.body);
    if (!body) return sendStatus(reply, badRequest('the request body must be a ReplicationController object'));
    const mismatch = kindMismatch(body, KIND);
    if (mismatch) return sendStatus(reply, badRequest(mismatch));
    const current = await store.get(req.params.namespace, req.params.name);
    if (!live(current)) return sendStatus(reply, notFound(RESOURCE, req.params.name));
    const rv = asObject(body.metadata)?.resourceVersion;
    if (typeof rv === 'string' && rv && rv !== current.rc.metadata.resourceVersion) return sendStatus(reply, conflict(RESOURCE, current.name, MODIFIED_SINCE));
    const opts = updateOptions(req.query as Record<string, unknown>, req.headers['user-agent'], deps.clock.now());
    return answer(reply, await update(current, recordOwnership(current.rc, body, opts), typeof rv === 'string' && rv ? rv : undefined, isDryRun(req.query)));
  });

  app.patch<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name', async (req, reply) => {
    const opts = updateOptions(req.query, req.headers['user-agent'], deps.clock.now());
    // A patch is applied to the object it was merged with; when another writer (the controller's
    // status updates included) got in between, it is merged again with the newer object.
    for (let attempt = 1; ; attempt++) {
      const current = await store.get(req.params.namespace, req.params.name);
      if (!live(current)) {
        if (patchTypeOf(req.headers['content-type']) !== 'apply' || !req.query.fieldManager) return sendStatus(reply, notFound(RESOURCE, req.params.name));
        // Server-side apply creates what does not exist yet, owned by the applier.
        const applied = asObject(req.body) ?? {};
        const created = await create(req.params.namespace, req.params.name, applied, creatorManagedFields(applied, opts, 'Apply'), isDryRun(req.query));
        return answer(reply, created, 201);
      }
      const { status: _s, ...base } = current.rc;
      const patched = patchObject(base, req.headers['content-type'], req.body, { ...opts, resource: RESOURCE, name: current.name, query: req.query });
      if (!patched.ok) return sendStatus(reply, patched.status);
      const asked = asObject(patched.object.metadata)?.resourceVersion;
      if (typeof asked === 'string' && asked && asked !== current.rc.metadata.resourceVersion) return sendStatus(reply, conflict(RESOURCE, current.name, MODIFIED_SINCE));
      const result = await update(current, patched.object, current.rc.metadata.resourceVersion, isDryRun(req.query));
      if (!isModifiedConflict(result) || attempt >= PATCH_ATTEMPTS) return answer(reply, result);
    }
  });

  app.delete<{ Params: Params; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name', async (req, reply) => {
    const { namespace, name } = req.params;
    const options = deleteOptions.safeParse(asObject(req.body) ?? {});
    if (!options.success) return sendStatus(reply, badRequest(`invalid DeleteOptions: ${options.error.issues.map((i) => i.message).join('; ')}`));
    const current = await store.get(namespace, name);
    if (!live(current)) return sendStatus(reply, notFound(RESOURCE, name));
    const data: RcDeleteRequested['data'] = { namespace, name };
    if (options.data.preconditions?.uid) data.uid = options.data.preconditions.uid;
    if (options.data.preconditions?.resourceVersion) data.resourceVersion = options.data.preconditions.resourceVersion;
    if (isDeleteDryRun(req.query, options.data)) {
      const stale = (data.uid && data.uid !== current.uid) || (data.resourceVersion && data.resourceVersion !== current.rc.metadata.resourceVersion);
      if (stale) return sendStatus(reply, conflict(RESOURCE, name, 'Precondition failed: the uid or resourceVersion in the precondition does not match the object'));
      return reply.code(200).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: RESOURCE, uid: current.uid }, code: 200 });
    }
    const event = makeEvent<RcDeleteRequested>('ReplicationControllerDeleteRequested', `${namespace}/${name}`, data, { source: 'api', time: deps.clock.now(), id: randomUUID() });
    const outcome = await command(event, namespace, name);
    if (!outcome) return timedOut(reply);
    if (outcome.refused) return sendStatus(reply, outcome.refused);
    return reply.code(200).send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, kind: RESOURCE, uid: current.uid }, code: 200 });
  });

  app.get<{ Params: Params }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale', async (req, reply) => {
    const record = await store.get(req.params.namespace, req.params.name);
    if (!live(record)) return sendStatus(reply, notFound(RESOURCE, req.params.name));
    return scaleOf(record.rc);
  });

  /** PUT carries a whole Scale; PATCH (what kubectl scale sends) a merge patch of the current one. */
  async function scaleTo(req: FastifyRequest<{ Params: Params; Body: unknown }>, reply: FastifyReply, patch: boolean) {
    const { namespace, name } = req.params;
    let body = req.body;
    if (patch) {
      const current = await store.get(namespace, name);
      if (!live(current)) return sendStatus(reply, notFound(RESOURCE, name));
      const { metadata, ...rest } = scaleOf(current.rc) as { metadata: Record<string, unknown> };
      body = mergePatch({ ...rest, metadata: { ...metadata, resourceVersion: undefined } }, req.body);
    }
    const parsed = scale.safeParse(body, { reportInput: true });
    if (!parsed.success) return sendStatus(reply, invalid('Scale', name, causesFromZod(parsed.error)));
    const replicas = parsed.data.spec.replicas;
    if (replicas === undefined) return sendStatus(reply, invalid('Scale', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.replicas' }]));
    const current = await store.get(namespace, name);
    if (!live(current)) return sendStatus(reply, notFound(RESOURCE, name));
    const rv = parsed.data.metadata?.resourceVersion;
    if (rv && rv !== current.rc.metadata.resourceVersion) return sendStatus(reply, conflict(RESOURCE, name, MODIFIED_SINCE));
    const data: RcScaleRequested['data'] = { namespace, name, uid: current.uid, replicas };
    if (rv) data.resourceVersion = rv;
    if (isDryRun(req.query)) return reply.code(200).send(scaleOf({ ...current.rc, spec: { ...current.rc.spec, replicas } }));
    const event = makeEvent<RcScaleRequested>('ReplicationControllerScaleRequested', `${namespace}/${name}`, data, { source: 'api', time: deps.clock.now(), id: randomUUID() });
    const outcome = await command(event, namespace, name);
    if (!outcome) return timedOut(reply);
    if (outcome.refused) return sendStatus(reply, outcome.refused);
    return reply.code(200).send(scaleOf(outcome.record.rc));
  }

  app.put<{ Params: Params; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale', (req, reply) => scaleTo(req, reply, false));
  app.patch<{ Params: Params; Body: unknown }>('/api/v1/namespaces/:namespace/replicationcontrollers/:name/scale', (req, reply) => scaleTo(req, reply, true));
}

function newestVersion(items: ReplicationController[]): string {
  return items.reduce((max, rc) => (BigInt(rc.metadata.resourceVersion) > BigInt(max) ? rc.metadata.resourceVersion : max), '0');
}
