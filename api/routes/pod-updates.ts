/**
 * Pod updates: PUT, PATCH (JSON patch, merge patch, strategic merge patch and
 * server-side apply) and the `status` subresource. Every change becomes a
 * PodUpdateRequested on pod-events (an apply to a missing pod a
 * PodCreateRequested), decided by the pod-controller; the answer waits for its
 * outcome on the change feed, as a create does. A patch is merged with the pod
 * as read and sent bound to that version; when another writer (the node's
 * status reports included) got in between, it is merged again with the newer
 * pod. The status is written by the pod's node alone: a client's PUT or PATCH
 * of it answers 405.
 */
import { unenforcedWarnings } from '../../shared/pod/unenforced';
import { sendWarnings } from '../field-validation';
import { podUid } from '../../shared/pod/uid';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { makeEvent, TOPICS, type K8sStatus, type PodCreateRequested, type PodUpdateRequested } from '../../shared/events';
import { badRequest, conflict, invalid, methodNotAllowed, notFound } from '../../shared/kube/status';
import { MODIFIED_SINCE } from '../../shared/pod/update-decider';
import { podUpdateCauses } from '../../shared/pod/update-rules';
import { validatePodManifest } from '../../shared/pod/validate';
import type { Pod } from '../../shared/pod/schema';
import type { PodRecord } from '../../shared/ports';
import { dryRun } from '../dry-run';
import { isDryRun } from '../list-options';
import { sendStatus, type ApiDeps } from '../deps';
import { writeTimedOut } from '../write-outcome';
import { asObject, creatorManagedFields, patchObject, recordOwnership, updateOptions, type UpdateRequestOptions } from '../update-objects';
import { patchTypeOf } from '../../shared/kube/patch/patch';

type Params = { namespace: string; name: string };
type Req = FastifyRequest<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>;
type Answer = { ok: true; pod: Pod; created?: boolean } | { ok: false; status: K8sStatus };

const PATCH_ATTEMPTS = 5;
const isModified = (a: Answer) => !a.ok && a.status.reason === 'Conflict' && (a.status.message ?? '').endsWith(MODIFIED_SINCE);

function kindMismatch(body: Record<string, unknown>): string | undefined {
  if (body.kind !== undefined && body.kind !== 'Pod') {
    return `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1) or kind ${String(body.kind)} is not Pod`;
  }
  return undefined;
}

export function podUpdateRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const writeTimeoutMs = deps.writeTimeoutMs ?? 10_000;
  const live = (r: PodRecord | null): r is PodRecord => r !== null && !r.deleted;
  const timedOut = (): Answer => ({ ok: false, status: writeTimedOut(writeTimeoutMs, 'the change may still be applied') });

  /** Waits for the request's outcome on the change feed, reading the table every few seconds as a fallback. */
  async function outcomeOf(id: string, namespace: string, name: string, done: (r: PodRecord | null) => boolean): Promise<Answer> {
    const deadline = Date.now() + writeTimeoutMs;
    while (Date.now() < deadline) {
      const outcome = await deps.feed.waitFor(id, Math.min(3000, deadline - Date.now()));
      if (outcome?.kind === 'rejected') return { ok: false, status: outcome.status };
      if (outcome) return { ok: true, pod: outcome.event.object };
      const record = await deps.podStore.get(namespace, name).catch(() => null); // in the log already: 504 at the deadline at worst
      if (record && done(record)) return { ok: true, pod: record.pod };
    }
    return timedOut();
  }

  /** The new pod object (as a client would PUT it) validated, checked and sent as an update of `current`. */
  async function update(req: Req, current: PodRecord, next: Record<string, unknown>, resourceVersion: string | undefined): Promise<Answer> {
    const { namespace, name } = current;
    const meta = asObject(next.metadata) ?? {};
    if (meta.name !== undefined && meta.name !== name) return { ok: false, status: badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`) };
    if (meta.namespace !== undefined && meta.namespace !== namespace) return { ok: false, status: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
    const { status: _status, ...withoutStatus } = next;
    const validated = validatePodManifest({ ...withoutStatus, metadata: { ...meta, name, namespace } });
    if (!validated.ok) return { ok: false, status: invalid('Pod', name, validated.causes) };
    const manifest = validated.value;
    const refused = deps.admit?.(manifest) ?? [];
    const causes = [...refused, ...podUpdateCauses(current.pod, manifest)];
    if (causes.length) return { ok: false, status: invalid('Pod', name, causes) };
    const data: PodUpdateRequested['data'] = { namespace, name, uid: current.uid, metadata: {}, spec: manifest.spec };
    if (resourceVersion) data.resourceVersion = resourceVersion;
    for (const key of ['labels', 'annotations', 'managedFields'] as const) if (manifest.metadata[key] !== undefined) (data.metadata as Record<string, unknown>)[key] = manifest.metadata[key];
    const id = randomUUID();
    const command = makeEvent<PodUpdateRequested>('PodUpdateRequested', `${namespace}/${name}`, data, { source: 'api', time: deps.clock.now(), id });
    if (isDryRun(req.query)) {
      const outcome = dryRun(current, command, deps.clock.now());
      return outcome.ok ? { ok: true, pod: outcome.pod } : { ok: false, status: outcome.status };
    }
    await deps.publisher.publish(TOPICS.podEvents, [command]);
    const wanted = { labels: manifest.metadata.labels, images: manifest.spec.containers.map((c) => c.image) };
    return outcomeOf(id, namespace, name, (r) =>
      Boolean(r && r.uid === current.uid && r.version > current.version && isDeepStrictEqual(r.pod.metadata.labels, wanted.labels) && isDeepStrictEqual(r.pod.spec.containers.map((c) => c.image), wanted.images)),
    );
  }

  /** Server-side apply to a pod that does not exist creates it, owned by the applier. */
  async function createByApply(req: Req, opts: UpdateRequestOptions): Promise<Answer> {
    const { namespace, name } = req.params;
    const applied = asObject(req.body) ?? {};
    const meta = asObject(applied.metadata) ?? {};
    if (meta.name !== undefined && meta.name !== name) return { ok: false, status: badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`) };
    const input = { ...applied, metadata: { ...meta, name, namespace, managedFields: creatorManagedFields(applied, opts, 'Apply') } };
    const validated = validatePodManifest(input);
    const refused = deps.admit?.(validated.ok ? validated.value : input) ?? [];
    if (!validated.ok || refused.length) return { ok: false, status: invalid('Pod', name, [...(validated.ok ? [] : validated.causes), ...refused]) };
    const id = randomUUID();
    const command = makeEvent<PodCreateRequested>('PodCreateRequested', `${namespace}/${name}`, { pod: validated.value }, { source: 'api', time: deps.clock.now(), id });
    if (isDryRun(req.query)) {
      const outcome = dryRun(await deps.podStore.get(namespace, name), command, deps.clock.now());
      return outcome.ok ? { ok: true, pod: outcome.pod, created: true } : { ok: false, status: outcome.status };
    }
    await deps.publisher.publish(TOPICS.podEvents, [command]);
    const answer = await outcomeOf(id, namespace, name, (r) => r?.uid === podUid(namespace, name, id));
    return answer.ok ? { ...answer, created: true } : answer;
  }

  const answer = (reply: FastifyReply, a: Answer) => {
    if (!a.ok) return sendStatus(reply, a.status);
    sendWarnings(reply, unenforcedWarnings(a.pod.spec));
    return reply.code(a.created ? 201 : 200).send(a.pod);
  };

  app.put<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>('/api/v1/namespaces/:namespace/pods/:name', async (req, reply) => {
    const body = asObject(req.body);
    if (!body) return sendStatus(reply, badRequest('the request body must be a Pod object'));
    const mismatch = kindMismatch(body);
    if (mismatch) return sendStatus(reply, badRequest(mismatch));
    const current = await deps.podStore.get(req.params.namespace, req.params.name);
    if (!live(current)) return sendStatus(reply, notFound('pods', req.params.name));
    const rv = asObject(body.metadata)?.resourceVersion;
    const bound = typeof rv === 'string' && rv ? rv : undefined;
    if (bound && bound !== current.pod.metadata.resourceVersion) return sendStatus(reply, conflict('pods', current.name, MODIFIED_SINCE));
    const opts = updateOptions(req.query, req.headers['user-agent'], deps.clock.now());
    return answer(reply, await update(req, current, recordOwnership(current.pod, body, opts), bound));
  });

  app.patch<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>('/api/v1/namespaces/:namespace/pods/:name', async (req, reply) => {
    const contentType = req.headers['content-type'];
    const opts = updateOptions(req.query, req.headers['user-agent'], deps.clock.now());
    const isApply = patchTypeOf(contentType) === 'apply';
    if (isApply && !req.query.fieldManager) return sendStatus(reply, badRequest('fieldManager is required for apply requests'));
    for (let attempt = 1; ; attempt++) {
      const current = await deps.podStore.get(req.params.namespace, req.params.name);
      if (!live(current)) {
        if (isApply) return answer(reply, await createByApply(req, opts));
        return sendStatus(reply, notFound('pods', req.params.name));
      }
      const patched = patchObject(current.pod, contentType, req.body, { ...opts, resource: 'pods', name: current.name, query: req.query });
      if (!patched.ok) return sendStatus(reply, patched.status);
      // A resourceVersion the patch itself carries is a precondition, as in Kubernetes.
      const asked = asObject(patched.object.metadata)?.resourceVersion;
      if (typeof asked === 'string' && asked && asked !== current.pod.metadata.resourceVersion) return sendStatus(reply, conflict('pods', current.name, MODIFIED_SINCE));
      const result = await update(req, current, patched.object, current.pod.metadata.resourceVersion);
      // A patch that carried its own resourceVersion finds it stale on the next round and answers 409 then.
      if (!isModified(result) || attempt >= PATCH_ATTEMPTS) return answer(reply, result);
    }
  });

  app.get<{ Params: Params }>('/api/v1/namespaces/:namespace/pods/:name/status', async (req, reply) => {
    const record = await deps.podStore.get(req.params.namespace, req.params.name);
    if (!live(record)) return sendStatus(reply, notFound('pods', req.params.name));
    return record.pod;
  });

  const statusIsTheNodes = (_req: FastifyRequest, reply: FastifyReply) =>
    sendStatus(reply, methodNotAllowed('the status of a pod is written by the agent of its node: clients cannot update pods/status here'));
  app.put('/api/v1/namespaces/:namespace/pods/:name/status', statusIsTheNodes);
  app.patch('/api/v1/namespaces/:namespace/pods/:name/status', statusIsTheNodes);
}
