/**
 * `podctl describe pod|node|rc|configmap|secret NAME...`: fetches the object, what it relates to
 * (a node's pods, an rc's pods) and its events, and prints kubectl's layout.
 * Events are best effort: a server without them still gets a description.
 */
import { CONFIG_MAP, NODE, POD, REPLICATION_CONTROLLER, SECRET, collectionPath, parseResourceArgs, type Resource } from '../api/resources';
import type { CoreEvent, KubeObject, List, Node, Pod, ReplicationController } from '../../../shared/display/kube-types';
import { eventsFor } from '../describe/events';
import { describeNode } from '../describe/node';
import { describePod } from '../describe/pod';
import { describeReplicationController } from '../describe/rc';
import { describeConfigMap, describeSecret, type DescribedConfigObject } from '../describe/config';
import { line, type CommandContext } from './context';
import { fetchNamed } from './fetch-named';

async function eventsOf(ctx: CommandContext, resource: Resource, obj: KubeObject): Promise<CoreEvent[] | undefined> {
  const namespace = obj.metadata.namespace ?? 'default';
  try {
    const list = await ctx.client.get<List<CoreEvent>>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
      fieldSelector: `involvedObject.name=${obj.metadata.name}`,
    });
    return eventsFor(list.items ?? [], resource.kind);
  } catch {
    return undefined;
  }
}

async function podsIn(ctx: CommandContext, namespace: string | undefined, selector?: string): Promise<Pod[]> {
  const list = await ctx.client.get<List<Pod>>(collectionPath(POD, namespace), { labelSelector: selector });
  return list.items ?? [];
}

async function describeOne(ctx: CommandContext, resource: Resource, obj: KubeObject): Promise<string> {
  const now = ctx.now();
  const events = await eventsOf(ctx, resource, obj);
  if (resource === POD) return describePod(obj as unknown as Pod, events ?? [], now);
  if (resource === NODE) {
    // Usage is shown when the metrics API answers; a cluster without it still describes the node.
    const metrics = await ctx.client.get<{ usage: { cpu: string; memory: string } }>(`/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(obj.metadata.name)}`).catch(() => undefined);
    return describeNode(obj as unknown as Node, await podsIn(ctx, undefined), events ?? [], now, metrics?.usage);
  }
  if (resource === REPLICATION_CONTROLLER) {
    const rc = obj as unknown as ReplicationController;
    const selector = Object.entries(rc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return describeReplicationController(rc, selector ? await podsIn(ctx, rc.metadata.namespace, selector) : [], events ?? [], now);
  }
  if (resource === CONFIG_MAP) return describeConfigMap(obj as unknown as DescribedConfigObject, events, now);
  if (resource === SECRET) return describeSecret(obj as unknown as DescribedConfigObject, events, now);
  throw new Error(`describe does not support ${resource.plural}`);
}

export async function describeCommand(ctx: CommandContext, args: string[], options: { selector?: string }): Promise<number> {
  let failed = false;
  let first = true;
  for (const { resource, names } of parseResourceArgs(args)) {
    let objects: KubeObject[] = [];
    if (names.length === 0) {
      const list = await ctx.client.get<List<KubeObject>>(collectionPath(resource, ctx.namespace), { labelSelector: options.selector });
      objects = list.items ?? [];
      if (objects.length === 0) ctx.io.err(line(`No resources found in ${ctx.namespace} namespace.`));
    }
    const named = await fetchNamed(ctx, resource, names);
    objects.push(...named.objects);
    if (named.failed) failed = true;
    for (const obj of objects) {
      if (!first) ctx.io.out('\n\n');
      first = false;
      ctx.io.out(await describeOne(ctx, resource, obj));
    }
  }
  return failed ? 1 : 0;
}
