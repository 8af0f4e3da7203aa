/** Nodes: read from the Nodes table; a watch diffs successive reads (their status moves with every heartbeat). */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../shared/kube/status';
import { list, nodeObject } from '../objects';
import { nodeTable, wantsTable } from '../table';
import { matches, parseSelector } from '../selectors';
import { sendStatus, type ApiDeps } from '../deps';
import { checkFieldSelectorKeys, pagedList, readListOptions } from '../list-options';
import { streamPolledWatch } from './watch';

export function nodeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Record<string, string> }>('/api/v1/nodes', async (req, reply) => {
    const q = readListOptions(req.query);
    const labels = parseSelector(q.labelSelector);
    const fields = parseSelector(q.fieldSelector);
    checkFieldSelectorKeys(fields.map((f) => f.key), ['metadata.name', 'spec.unschedulable']);
    const select = async () =>
      (await deps.nodeStore.list()).filter((n) => matches(labels, n.node.labels) && matches(fields, { 'metadata.name': n.name, 'spec.unschedulable': 'false' }));
    const table = wantsTable(req);
    if (q.watch) {
      return streamPolledWatch(req, reply, {
        list: select,
        key: (n) => n.name,
        version: (n) => String(n.version),
        encode: (n) => (table ? nodeTable([nodeObject(n)], String(n.version)) : nodeObject(n)),
        intervalMs: 1000,
        timeoutSeconds: q.timeoutSeconds,
      });
    }
    const nodes = await select();
    const rv = String(nodes.reduce((m, n) => Math.max(m, n.version), 0));
    return pagedList(nodes.map(nodeObject), (n) => (n.metadata as { name: string }).name, q, rv, table ? nodeTable : (items, version) => list('NodeList', items, version));
  });

  app.get<{ Params: { name: string } }>('/api/v1/nodes/:name', async (req, reply) => {
    const node = await deps.nodeStore.get(req.params.name);
    if (!node) return sendStatus(reply, notFound('nodes', req.params.name));
    return wantsTable(req) ? nodeTable([nodeObject(node)], String(node.version)) : nodeObject(node);
  });
}
