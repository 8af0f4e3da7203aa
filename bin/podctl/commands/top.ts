/**
 * `podctl top pod [NAME] [--containers] [-l SELECTOR] [-A]` and
 * `podctl top node [NAME]`: usage from the API's metrics.k8s.io, printed as
 * kubectl top prints it (CPU in millicores, memory in MiB, node percentages
 * of allocatable).
 */
import type { Node } from '../../../shared/display/kube-types';
import { parseQuantity } from '../../../shared/kube/quantity';
import { tabwrite } from '../format/tabwriter';
import type { CommandContext } from './context';

interface Usage {
  cpu: string;
  memory: string;
}
export interface PodMetrics {
  metadata: { name: string; namespace: string };
  containers: { name: string; usage: Usage }[];
}
export interface NodeMetrics {
  metadata: { name: string };
  usage: Usage;
}

const toNumber = (q: string | number) => {
  const v = parseQuantity(q);
  return Number(v.numerator) / Number(v.denominator);
};
/** kubectl top's units: whole millicores and whole MiB. */
export const milli = (cpu: string) => `${Math.round(toNumber(cpu) * 1000)}m`;
export const mebi = (memory: string) => `${Math.round(toNumber(memory) / (1024 * 1024))}Mi`;

function sum(usages: Usage[]): Usage {
  const cpu = usages.reduce((a, u) => a + toNumber(u.cpu), 0);
  const memory = usages.reduce((a, u) => a + toNumber(u.memory), 0);
  return { cpu: String(cpu), memory: String(memory) };
}

export function podTopTable(items: PodMetrics[], o: { containers?: boolean; allNamespaces?: boolean }): string {
  const head = [...(o.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...(o.containers ? ['CONTAINER'] : []), 'CPU(cores)', 'MEMORY(bytes)'];
  const rows = [...items]
    .sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name))
    .flatMap((p) => {
      const ns = o.allNamespaces ? [p.metadata.namespace] : [];
      if (o.containers) return p.containers.map((c) => [...ns, p.metadata.name, c.name, milli(c.usage.cpu), mebi(c.usage.memory)]);
      const total = sum(p.containers.map((c) => c.usage));
      return [[...ns, p.metadata.name, milli(total.cpu), mebi(total.memory)]];
    });
  return tabwrite([head, ...rows].map((r) => `${r.join('\t')}\t`).join('\n') + '\n', 3).replace(/ +\n/g, '\n');
}

export function nodeTopTable(items: NodeMetrics[], nodes: Node[]): string {
  const allocatable = new Map(nodes.map((n) => [n.metadata.name, n.status?.allocatable ?? {}]));
  const pct = (used: string, of: string | undefined) => (of ? `${Math.round((toNumber(used) / toNumber(of)) * 100)}%` : '<unknown>');
  const rows = [...items]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((m) => {
      const a = allocatable.get(m.metadata.name) ?? {};
      return [m.metadata.name, milli(m.usage.cpu), pct(m.usage.cpu, a.cpu), mebi(m.usage.memory), pct(m.usage.memory, a.memory)];
    });
  return tabwrite([['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'], ...rows].map((r) => `${r.join('\t')}\t`).join('\n') + '\n', 3).replace(/ +\n/g, '\n');
}

const GV = '/apis/metrics.k8s.io/v1beta1';

export async function topCommand(ctx: CommandContext, args: string[], o: { containers?: boolean; selector?: string; allNamespaces?: boolean }): Promise<number> {
  const [kind, name] = args;
  const query = o.selector ? `?labelSelector=${encodeURIComponent(o.selector)}` : '';
  if (kind === 'pod' || kind === 'pods' || kind === 'po') {
    const base = o.allNamespaces ? `${GV}/pods` : `${GV}/namespaces/${encodeURIComponent(ctx.namespace)}/pods`;
    const items = name ? [await ctx.client.get<PodMetrics>(`${base}/${encodeURIComponent(name)}`)] : (await ctx.client.get<{ items: PodMetrics[] }>(`${base}${query}`)).items;
    if (items.length === 0) {
      ctx.io.err(`No resources found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
    ctx.io.out(podTopTable(items, o));
    return 0;
  }
  if (kind === 'node' || kind === 'nodes' || kind === 'no') {
    const items = name ? [await ctx.client.get<NodeMetrics>(`${GV}/nodes/${encodeURIComponent(name)}`)] : (await ctx.client.get<{ items: NodeMetrics[] }>(`${GV}/nodes${query}`)).items;
    const nodes = (await ctx.client.get<{ items: Node[] }>('/api/v1/nodes')).items;
    ctx.io.out(nodeTopTable(items, nodes));
    return 0;
  }
  throw new Error(`unknown resource "${kind ?? ''}" for top: use "pod" or "node"`);
}
