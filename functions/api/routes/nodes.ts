/** Nodes: read from the Nodes table; watch diffs successive reads (nodes change rarely). */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../shared/pod/k8s-status';
import { list, nodeObject } from '../objects';
import { nodeTable, wantsTable } from '../table';
import { matches, parseSelector } from '../selectors';
import { sendStatus, type ApiDeps } from '../server';

export function nodeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Record<string, string> }>('/api/v1/nodes', async (req, reply) => {
    const labels = parseSelector(req.query.labelSelector);
    const select = async () => (await deps.nodeStore.list()).filter((n) => matches(labels, n.node.labels));
    if (req.query.watch !== 'true' && req.query.watch !== '1') {
      const nodes = await select();
      const rv = String(nodes.reduce((m, n) => Math.max(m, n.version), 0));
      return wantsTable(req) ? nodeTable(nodes.map(nodeObject), rv) : list('NodeList', nodes.map(nodeObject), rv);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const seen = new Map<string, number>();
    let stopped = false;
    req.raw.on('close', () => (stopped = true));
    const deadline = req.query.timeoutSeconds ? Date.now() + Number(req.query.timeoutSeconds) * 1000 : Infinity;
    while (!stopped && Date.now() < deadline) {
      const nodes = await select();
      for (const n of nodes) {
        const before = seen.get(n.name);
        if (before !== n.version) res.write(JSON.stringify({ type: before === undefined ? 'ADDED' : 'MODIFIED', object: nodeObject(n) }) + '\n');
        seen.set(n.name, n.version);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    res.end();
  });

  app.get<{ Params: { name: string } }>('/api/v1/nodes/:name', async (req, reply) => {
    const node = await deps.nodeStore.get(req.params.name);
    if (!node) return sendStatus(reply, notFound('nodes', req.params.name));
    return wantsTable(req) ? nodeTable([nodeObject(node)], String(node.version)) : nodeObject(node);
  });
}
