/**
 * Events: a pod's history as core/v1 Events (so `kubectl describe pod` and
 * `podctl describe` show it), kept for as long as the history is, not an hour.
 */
import type { FastifyInstance } from 'fastify';
import { eventObject, list } from '../objects';
import { matches, parseSelector } from '../selectors';
import type { ApiDeps } from '../server';

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  async function eventsOf(namespace: string, name: string, uid?: string) {
    const entries = await deps.historyStore.list(namespace, name);
    return entries.filter((e) => !uid || e.uid === uid).map(eventObject);
  }

  app.get<{ Params: { namespace: string }; Querystring: Record<string, string> }>('/api/v1/namespaces/:namespace/events', async (req) => {
    const fields = parseSelector(req.query.fieldSelector);
    const equal = (key: string) => {
      const f = fields.find((r) => r.key === key && r.op === '=');
      return f && 'value' in f ? f.value : undefined;
    };
    const uid = equal('involvedObject.uid');
    const name = equal('involvedObject.name');
    // By uid the history outlives the pod; by name it spans incarnations; else every live pod's.
    const items = uid
      ? (await deps.historyStore.listByUid(uid)).filter((e) => e.namespace === req.params.namespace).map(eventObject)
      : (await Promise.all((name ? [name] : (await deps.podStore.list({ namespace: req.params.namespace })).map((p) => p.name)).map((n) => eventsOf(req.params.namespace, n)))).flat();
    const filtered = items.filter((e) => {
      const o = e.involvedObject as Record<string, string>;
      return matches(fields, { 'involvedObject.name': o.name, 'involvedObject.namespace': o.namespace, 'involvedObject.uid': o.uid, 'involvedObject.kind': o.kind, reason: e.reason as string, type: e.type as string });
    });
    return list('EventList', filtered, deps.feed.resourceVersion());
  });

  app.get<{ Params: { namespace: string; name: string } }>('/api/v1/namespaces/:namespace/pods/:name/events', async (req) =>
    list('EventList', await eventsOf(req.params.namespace, req.params.name), deps.feed.resourceVersion()),
  );

  app.get('/api/v1/namespaces', async () => {
    const namespaces = new Set(['default', ...(await deps.podStore.list()).map((p) => p.namespace)]);
    return list('NamespaceList', [...namespaces].sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } })), deps.feed.resourceVersion());
  });
}
