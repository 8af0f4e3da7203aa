/**
 * Events: a pod's history as core/v1 Events (so `kubectl describe pod`,
 * `kubectl get events [-A] [-w]` and `kubectl events` show it), kept for as
 * long as the history is, not an hour. Lists read the PodHistory table, oldest
 * first; watches follow the pod-history topic through the API's EventFeed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { methodNotAllowed } from '../../shared/kube/status';
import type { EventObject } from '../event-feed';
import { checkFieldSelectorKeys, pagedList, readListOptions } from '../list-options';
import { eventObject, list } from '../objects';
import { matches, parseSelector, type Requirement } from '../selectors';
import { sendStatus, type ApiDeps } from '../deps';
import { eventTable, wantsTable } from '../table';
import { streamWatch } from './watch';

/** The fields an event field selector may name (the Kubernetes API server's set for events). */
export const EVENT_FIELD_LABELS = [
  'metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
];

function eventFields(e: EventObject): Record<string, string | undefined> {
  const o = e.involvedObject as Record<string, string | undefined>;
  const source = e.source as { component?: string };
  return {
    'metadata.name': e.metadata.name, 'metadata.namespace': e.metadata.namespace,
    'involvedObject.kind': o.kind, 'involvedObject.namespace': o.namespace, 'involvedObject.name': o.name, 'involvedObject.uid': o.uid,
    'involvedObject.apiVersion': o.apiVersion, 'involvedObject.resourceVersion': '', 'involvedObject.fieldPath': '',
    reason: e.reason as string, reportingComponent: e.reportingComponent as string, source: source.component, type: e.type as string,
  };
}

type Params = { namespace?: string; name?: string };

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  async function eventsOf(namespace: string, name: string, uid?: string): Promise<EventObject[]> {
    const entries = await deps.historyStore.list(namespace, name);
    return entries.filter((e) => !uid || e.uid === uid).map((e) => eventObject(e) as EventObject);
  }

  /** The stored events a request can see: by uid the history outlives the pod; by name it spans incarnations; else every live pod's. */
  async function stored(namespace: string | undefined, fields: Requirement[]): Promise<EventObject[]> {
    const equal = (key: string) => {
      const f = fields.find((r) => r.key === key && r.op === '=');
      return f && 'value' in f ? f.value : undefined;
    };
    const uid = equal('involvedObject.uid');
    const name = equal('involvedObject.name');
    if (uid) return (await deps.historyStore.listByUid(uid)).map((e) => eventObject(e) as EventObject);
    if (name && namespace) return eventsOf(namespace, name);
    const pods = await deps.podStore.list({ namespace });
    return (await Promise.all(pods.filter((p) => !name || p.name === name).map((p) => eventsOf(p.namespace, p.name)))).flat();
  }

  async function listEvents(req: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>, reply: FastifyReply) {
    const q = readListOptions(req.query);
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    checkFieldSelectorKeys(fields.map((f) => f.key), EVENT_FIELD_LABELS);
    const namespace = req.params.namespace;
    const filter = (e: EventObject) => (!namespace || e.metadata.namespace === namespace) && matches(fields, eventFields(e)) && matches(labels, {});
    const table = wantsTable(req);
    if (q.watch) {
      if (!deps.eventFeed) return sendStatus(reply, methodNotAllowed('this API server does not follow the pod-history topic, so it cannot watch events'));
      return streamWatch(req, reply, {
        source: deps.eventFeed,
        snapshot: () => stored(namespace, fields),
        filter,
        encode: table ? (e) => eventTable([e], e.metadata.resourceVersion) : undefined,
        resourceVersion: q.resourceVersion,
        timeoutSeconds: q.timeoutSeconds,
        allowWatchBookmarks: q.allowWatchBookmarks,
        bookmarkIntervalMs: deps.watchBookmarkIntervalMs,
        bookmark: (resourceVersion) => ({ kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion } }),
      });
    }
    const resourceVersion = deps.eventFeed?.resourceVersion() ?? deps.feed.resourceVersion();
    const all = (await stored(namespace, fields)).filter(filter);
    // Oldest first, as the history reads; the name breaks ties so pages never overlap.
    return pagedList(all, (e) => `${e.lastTimestamp as string}|${e.metadata.name}`, q, resourceVersion, table ? eventTable : (items, rv) => list('EventList', items, rv));
  }

  app.get('/api/v1/events', listEvents);
  app.get('/api/v1/namespaces/:namespace/events', listEvents);

  app.get<{ Params: Required<Params> }>('/api/v1/namespaces/:namespace/pods/:name/events', async (req) =>
    list('EventList', await eventsOf(req.params.namespace, req.params.name), deps.feed.resourceVersion()),
  );

  app.get('/api/v1/namespaces', async () => {
    const namespaces = new Set(['default', ...(await deps.podStore.list()).map((p) => p.namespace)]);
    return list('NamespaceList', [...namespaces].sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } })), deps.feed.resourceVersion());
  });
}
