/**
 * `metrics.k8s.io/v1beta1`, the resource metrics API that `kubectl top` reads,
 * served as metrics-server serves it: PodMetrics and NodeMetrics built from
 * each Ready node's usage summary (its agent's `/stats/summary`, asked in
 * parallel with the agent token and a timeout; a node that does not answer is
 * left out, as metrics-server leaves out a node it cannot scrape). Only nodes
 * whose endpoint the control plane recorded are asked.
 */
import { nodeAgentToken } from '../../shared/auth/agent-token';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { NodeRecord } from '../../shared/ports';
import { notFound } from '../../shared/kube/status';
import { cpuQuantity, memoryQuantity, type NodeSummary, type Usage } from '../../shared/node/usage';
import { sendStatus, type ApiDeps } from '../deps';
import { matches, parseSelector } from '../selectors';

const GV = 'metrics.k8s.io/v1beta1';
const SCRAPE_TIMEOUT_MS = 3000;

export const METRICS_GROUP = {
  name: 'metrics.k8s.io',
  versions: [{ groupVersion: GV, version: 'v1beta1' }],
  preferredVersion: { groupVersion: GV, version: 'v1beta1' },
};

const window = (u: Usage) => `${Math.max(1, Math.round(u.windowMs / 1000))}s`;

async function scrape(deps: ApiDeps, node: NodeRecord): Promise<NodeSummary | null> {
  if (node.ready !== 'True' || !node.node.endpoint) return null;
  try {
    const res = await fetch(`${node.node.endpoint}/stats/summary`, { headers: { authorization: `Bearer ${nodeAgentToken(deps.agentToken, node.name)}` }, signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    return res.ok ? ((await res.json()) as NodeSummary) : null;
  } catch {
    return null;
  }
}

async function summaries(deps: ApiDeps, only?: string): Promise<{ node: NodeRecord; summary: NodeSummary }[]> {
  const nodes = (await deps.nodeStore.list()).filter((n) => !only || n.name === only);
  const scraped = await Promise.all(nodes.map(async (node) => ({ node, summary: await scrape(deps, node) })));
  return scraped.filter((s): s is { node: NodeRecord; summary: NodeSummary } => s.summary !== null);
}

export function metricsApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/apis/metrics.k8s.io', async () => ({ kind: 'APIGroup', apiVersion: 'v1', ...METRICS_GROUP }));
  app.get(`/apis/${GV}`, async () => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: GV,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  }));

  const nodeMetrics = async (only?: string) =>
    (await summaries(deps, only)).flatMap(({ node, summary }) =>
      summary.node
        ? [{ metadata: { name: node.name, creationTimestamp: new Date().toISOString(), labels: node.node.labels ?? {} }, timestamp: new Date(summary.node.timestamp).toISOString(), window: window(summary.node), usage: { cpu: cpuQuantity(summary.node.cpuNanoCores), memory: memoryQuantity(summary.node.memoryBytes) } }]
        : [],
    );

  app.get<{ Querystring: { labelSelector?: string } }>(`/apis/${GV}/nodes`, async (req) => {
    const selector = parseSelector(req.query.labelSelector);
    const items = (await nodeMetrics()).filter((m) => matches(selector, m.metadata.labels));
    return { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items };
  });
  app.get<{ Params: { name: string } }>(`/apis/${GV}/nodes/:name`, async (req, reply) => {
    const [item] = await nodeMetrics(req.params.name);
    return item ? { kind: 'NodeMetrics', apiVersion: GV, ...item } : sendStatus(reply, notFound('nodemetrics.metrics.k8s.io', req.params.name));
  });

  const podMetrics = async (namespace: string | undefined, selector: string | undefined) => {
    const wanted = parseSelector(selector);
    const pods = new Map((await deps.podStore.list({ namespace })).map((r) => [r.uid, r.pod]));
    return (await summaries(deps)).flatMap(({ summary }) =>
      summary.pods.flatMap((p) => {
        const pod = pods.get(p.uid);
        if (!pod || p.containers.length === 0 || !matches(wanted, pod.metadata.labels ?? {})) return [];
        const newest = p.containers.reduce((a, b) => (a.timestamp >= b.timestamp ? a : b));
        return [
          {
            metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: new Date().toISOString(), labels: pod.metadata.labels ?? {} },
            timestamp: new Date(newest.timestamp).toISOString(),
            window: window(newest),
            containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memoryQuantity(c.memoryBytes) } })),
          },
        ];
      }),
    );
  };

  const listPods = async (namespace: string | undefined, labelSelector: string | undefined) => ({ kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items: await podMetrics(namespace, labelSelector) });
  app.get<{ Querystring: { labelSelector?: string } }>(`/apis/${GV}/pods`, async (req) => listPods(undefined, req.query.labelSelector));
  app.get<{ Params: { namespace: string }; Querystring: { labelSelector?: string } }>(`/apis/${GV}/namespaces/:namespace/pods`, async (req) => listPods(req.params.namespace, req.query.labelSelector));
  app.get<{ Params: { namespace: string; name: string } }>(`/apis/${GV}/namespaces/:namespace/pods/:name`, async (req, reply: FastifyReply) => {
    const item = (await podMetrics(req.params.namespace, undefined)).find((m) => m.metadata.name === req.params.name);
    return item ? { kind: 'PodMetrics', apiVersion: GV, ...item } : sendStatus(reply, notFound('podmetrics.metrics.k8s.io', req.params.name));
  });
}
