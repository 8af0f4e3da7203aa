/**
 * Pods: create and delete publish commands to pod-events and wait (bounded)
 * for the pod-controller's answer on the change feed; get and list read the
 * Pods table; watch replays the feed's buffer from a resourceVersion and
 * follows it; logs are proxied to the pod's agent.
 */
import { unenforcedWarnings } from '../../shared/pod/unenforced';
import { nodeAgentToken } from '../../shared/auth/agent-token';
import { podUid } from '../../shared/pod/uid';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { makeEvent, TOPICS, type PodCreateRequested, type PodDeleteRequested } from '../../shared/events';
import { badRequest, conflict, invalid, notFound } from '../../shared/kube/status';
import { validatePodManifest } from '../../shared/pod/validate';
import { podManifest, type Pod } from '../../shared/pod/schema';
import { decodeFields, readFieldValidation, sendWarnings, unknownFields } from '../field-validation';
import type { PodRecord } from '../../shared/ports';
import { list, podFields } from '../objects';
import { dryRun } from '../dry-run';
import { checkFieldSelectorKeys, deleteOptions, isDeleteDryRun, isDryRun, pagedList, readListOptions } from '../list-options';
import { matches, parseSelector } from '../selectors';
import { sendStatus, type ApiDeps } from '../deps';
import { writeTimedOut } from '../write-outcome';
import { streamWatch } from './watch';
import { creatorManagedFields, updateOptions } from '../update-objects';
import { podTable, wantsTable } from '../table';

const podDeleteOptions = deleteOptions.extend({
  gracePeriodSeconds: z.coerce.number().int().min(0).optional(),
  propagationPolicy: z.enum(['Orphan', 'Background', 'Foreground']).nullish(),
});

/** The fields a pod field selector may name (the Kubernetes API server's set for pods). */
export const POD_FIELD_LABELS = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];

type Params = { namespace?: string; name?: string };

/** Admission reads untrusted input safely, so it runs even on a pod that failed validation. */
function admitLoosely(deps: ApiDeps, manifest: unknown) {
  return deps.admit?.(manifest) ?? [];
}

export function podRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const writeTimeoutMs = deps.writeTimeoutMs ?? 10_000;

  /**
   * Waits for the request's outcome on the change feed. The table is read only
   * every few seconds as a fallback: polling it per waiting request would add
   * load exactly when the system is already slow.
   */
  async function awaitOutcome(requestId: string, namespace: string, name: string, done: (r: PodRecord | null) => boolean) {
    const deadline = Date.now() + writeTimeoutMs;
    while (Date.now() < deadline) {
      const outcome = await deps.feed.waitFor(requestId, Math.min(3000, deadline - Date.now()));
      if (outcome) return outcome;
      // The write is in the log: a store that does not answer now only delays the answer (504 at the deadline, as Kubernetes).
      const record = await deps.podStore.get(namespace, name).catch(() => undefined);
      if (record !== undefined && done(record)) return { kind: 'stored' as const, record };
    }
    return null;
  }

  async function listPods(req: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>, reply: FastifyReply) {
    const q = readListOptions(req.query);
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    checkFieldSelectorKeys(fields.map((f) => f.key), POD_FIELD_LABELS);
    const namespace = req.params.namespace;
    const filter = (pod: PodRecord['pod']) =>
      (!namespace || pod.metadata.namespace === namespace) && matches(labels, pod.metadata.labels ?? {}) && matches(fields, podFields(pod));
    const snapshot = async () => (await deps.podStore.list({ namespace })).map((r) => r.pod);
    if (q.watch) {
      const table = wantsTable(req);
      return streamWatch(req, reply, {
        source: deps.feed,
        snapshot,
        filter,
        encode: table ? (pod) => podTable([pod], pod.metadata.resourceVersion) : undefined,
        resourceVersion: q.resourceVersion,
        timeoutSeconds: q.timeoutSeconds,
        allowWatchBookmarks: q.allowWatchBookmarks,
        bookmarkIntervalMs: deps.watchBookmarkIntervalMs,
        bookmark: (resourceVersion) => ({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion } }),
      });
    }
    const all = (await snapshot()).filter(filter);
    const render = wantsTable(req) ? podTable : (items: Pod[], rv: string) => list('PodList', items, rv);
    return pagedList(all, (p) => `${p.metadata.namespace}/${p.metadata.name}`, q, deps.feed.resourceVersion(), render);
  }

  app.get('/api/v1/pods', listPods);
  app.get('/api/v1/namespaces/:namespace/pods', listPods);

  app.get<{ Params: Required<Params> }>('/api/v1/namespaces/:namespace/pods/:name', async (req, reply) => {
    const record = await deps.podStore.get(req.params.namespace, req.params.name);
    if (!record || record.deleted) return sendStatus(reply, notFound('pods', req.params.name));
    return wantsTable(req) ? podTable([record.pod], record.pod.metadata.resourceVersion) : record.pod;
  });

  app.post<{ Params: Required<Pick<Params, 'namespace'>>; Body: unknown }>('/api/v1/namespaces/:namespace/pods', async (req, reply) => {
    const body = req.body as { metadata?: { namespace?: string; name?: string } } | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return sendStatus(reply, badRequest('the request body must be a Pod object'));
    if ((body as { kind?: string }).kind !== undefined && (body as { kind?: string }).kind !== 'Pod') {
      return sendStatus(reply, badRequest(`the API version in the data (${(body as { apiVersion?: string }).apiVersion}) does not match the expected API version (v1) or kind ${(body as { kind?: string }).kind} is not Pod`));
    }
    const namespace = req.params.namespace;
    if (body.metadata?.namespace && body.metadata.namespace !== namespace) {
      return sendStatus(reply, badRequest('the namespace of the provided object does not match the namespace sent on the request'));
    }
    const name = typeof body.metadata?.name === 'string' ? body.metadata.name : '';
    // The creator owns every field it wrote (metadata.managedFields), so a later server-side apply can conflict with it.
    const creator = updateOptions(req.query as Record<string, unknown>, req.headers['user-agent'], deps.clock.now());
    // Unknown fields are decoded as `?fieldValidation=` says (Strict refuses, Warn and Ignore drop them) before validation.
    const directive = readFieldValidation(req.query);
    if (!directive.ok) return sendStatus(reply, directive.status);
    const decoded = decodeFields(directive.directive, 'Pod', body, unknownFields(podManifest, body));
    if (!decoded.ok) return sendStatus(reply, decoded.status);
    const known = decoded.input as typeof body;
    // What the pod asks for that podflow does not do is said, never dropped silently (kubectl prints each Warning).
    sendWarnings(reply, [...decoded.warnings, ...unenforcedWarnings((known as { spec?: unknown } | undefined)?.spec)]);
    const input = { ...known, metadata: { ...(known.metadata ?? {}), namespace, managedFields: creatorManagedFields(known, creator, 'Update') } };
    const validated = validatePodManifest(input);
    // Policy is checked even on an otherwise invalid pod, so every cause comes back at once.
    const refused = admitLoosely(deps, validated.ok ? validated.value : input);
    if (!validated.ok || refused.length) return sendStatus(reply, invalid('Pod', name, [...(validated.ok ? [] : validated.causes), ...refused]));
    const manifest = validated.value;
    const id = randomUUID();
    const key = `${namespace}/${manifest.metadata.name ?? manifest.metadata.generateName ?? ''}`;
    const command = makeEvent<PodCreateRequested>('PodCreateRequested', key, { pod: manifest }, { source: 'api', time: deps.clock.now(), id });
    if (isDryRun(req.query)) {
      const outcome = dryRun(await deps.podStore.get(namespace, manifest.metadata.name ?? ''), command, deps.clock.now());
      return outcome.ok ? reply.code(201).send(outcome.pod) : sendStatus(reply, outcome.status);
    }
    await deps.publisher.publish(TOPICS.podEvents, [command]);
    const outcome = await awaitOutcome(id, namespace, manifest.metadata.name ?? '', (r) => r?.uid === podUid(namespace, manifest.metadata.name ?? '', id));
    if (!outcome) return sendStatus(reply, writeTimedOut(writeTimeoutMs, 'the pod may still be created'));
    if (outcome.kind === 'rejected') return sendStatus(reply, outcome.status);
    const pod = outcome.kind === 'changed' ? outcome.event.object : outcome.record!.pod;
    return reply.code(201).send(pod);
  });

  app.delete<{ Params: Required<Params>; Querystring: Record<string, string>; Body: unknown }>('/api/v1/namespaces/:namespace/pods/:name', async (req, reply) => {
    const { namespace, name } = req.params;
    const options = podDeleteOptions.safeParse({ ...(req.body && typeof req.body === 'object' ? req.body : {}), ...(req.query.gracePeriodSeconds ? { gracePeriodSeconds: req.query.gracePeriodSeconds } : {}) });
    if (!options.success) return sendStatus(reply, badRequest(`invalid DeleteOptions: ${options.error.issues.map((i) => i.message).join('; ')}`));
    const record = await deps.podStore.get(namespace, name);
    if (!record || record.deleted) return sendStatus(reply, notFound('pods', name));
    const precondition = options.data.preconditions;
    if (precondition?.resourceVersion && precondition.resourceVersion !== record.pod.metadata.resourceVersion) {
      return sendStatus(reply, conflict('pods', name, `Precondition failed: ResourceVersion in precondition: ${precondition.resourceVersion}, ResourceVersion in object meta: ${record.pod.metadata.resourceVersion}`));
    }
    const id = randomUUID();
    const data: PodDeleteRequested['data'] = { namespace, name };
    if (options.data.gracePeriodSeconds !== undefined) data.gracePeriodSeconds = options.data.gracePeriodSeconds;
    if (precondition?.uid) data.uid = precondition.uid;
    const command = makeEvent<PodDeleteRequested>('PodDeleteRequested', `${namespace}/${name}`, data, { source: 'api', time: deps.clock.now(), id });
    if (isDeleteDryRun(req.query, options.data)) {
      const outcome = dryRun(record, command, deps.clock.now());
      return outcome.ok ? reply.code(200).send(outcome.pod) : sendStatus(reply, outcome.status);
    }
    await deps.publisher.publish(TOPICS.podEvents, [command]);
    const outcome = await awaitOutcome(id, namespace, name, (r) => !r || r.deleted || r.uid !== record.uid || Boolean(r.pod.metadata.deletionTimestamp));
    if (!outcome) return sendStatus(reply, writeTimedOut(writeTimeoutMs));
    if (outcome.kind === 'rejected') return sendStatus(reply, outcome.status);
    return reply.code(200).send(outcome.kind === 'changed' ? outcome.event.object : (outcome.record?.pod ?? record.pod));
  });

  app.get<{ Params: Required<Params>; Querystring: Record<string, string> }>('/api/v1/namespaces/:namespace/pods/:name/log', async (req, reply) => {
    const { namespace, name } = req.params;
    const record = await deps.podStore.get(namespace, name);
    if (!record || record.deleted) return sendStatus(reply, notFound('pods', name));
    const node = record.nodeName ? await deps.nodeStore.get(record.nodeName) : null;
    if (!node?.node.endpoint) return sendStatus(reply, badRequest(`pod ${name} has no node serving logs yet`));
    const container = req.query.container ?? (record.pod.spec.containers.length === 1 ? record.pod.spec.containers[0].name : undefined);
    if (!container) {
      return sendStatus(reply, badRequest(`a container name must be specified for pod ${name}, choose one of: [${record.pod.spec.containers.map((c) => c.name).join(' ')}]`));
    }
    const query = new URLSearchParams({ container, uid: record.uid });
    for (const k of ['tailLines', 'limitBytes']) {
      if (req.query[k] !== undefined && !/^[1-9]\d*$/.test(req.query[k])) return sendStatus(reply, badRequest(`${k} must be a positive integer, got "${req.query[k]}"`));
    }
    for (const k of ['follow', 'previous', 'tailLines', 'limitBytes', 'timestamps']) if (req.query[k] !== undefined) query.set(k, req.query[k]);
    const upstream = await fetch(`${node.node.endpoint}/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/logs?${query}`, {
      headers: { authorization: `Bearer ${nodeAgentToken(deps.agentToken, node.name)}` },
    }).catch((err: Error) => err);
    if (upstream instanceof Error) return sendStatus(reply, { ...badRequest(`node ${node.name} is not reachable for logs: ${upstream.message}`), code: 502, reason: 'BadGateway' });
    if (!upstream.ok || !upstream.body) {
      const text = await upstream.text();
      return sendStatus(reply, { ...badRequest(text || `node answered ${upstream.status}`), code: upstream.status >= 400 ? upstream.status : 502 });
    }
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'transfer-encoding': 'chunked' });
    const reader = upstream.body.getReader();
    req.raw.on('close', () => void reader.cancel().catch(() => undefined));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Backpressure: a client that does not read holds at most one chunk here, never the whole log.
        if (!reply.raw.write(value)) await new Promise((resolve) => { reply.raw.once('drain', resolve); reply.raw.once('close', resolve); });
        if (reply.raw.destroyed) break;
      }
    } catch {
      // the client or the agent went away
    }
    reply.raw.end();
  });
}
