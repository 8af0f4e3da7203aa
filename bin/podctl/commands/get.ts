/**
 * `podctl get`: lists or fetches pods, nodes and replication controllers and
 * prints them as a table, wide table, YAML, JSON or names; `-w` keeps printing
 * a row per change after the first table.
 */
import { collectionPath, parseResourceArgs, type Resource } from '../api/resources';
import type { KubeObject, List } from '../../../shared/display/kube-types';
import { formatName, formatObjects, parseOutputFormat, type OutputFormat } from '../printers/output';
import { renderTable } from '../printers/table';
import { line, type CommandContext } from './context';
import { watchAndPrint } from './watch';
import { fetchNamed } from './fetch-named';

export interface GetOptions {
  output?: string;
  selector?: string;
  watch?: boolean;
  allNamespaces?: boolean;
  noHeaders?: boolean;
}

interface Fetched {
  resource: Resource;
  objects: KubeObject[];
  resourceVersion?: string;
  named: boolean;
}

async function fetchGroup(ctx: CommandContext, resource: Resource, names: string[], options: GetOptions): Promise<{ fetched: Fetched; failed: boolean }> {
  if (names.length === 0) {
    const namespace = options.allNamespaces ? undefined : ctx.namespace;
    const list = await ctx.client.get<List<KubeObject>>(collectionPath(resource, namespace), { labelSelector: options.selector });
    return { fetched: { resource, objects: list.items ?? [], resourceVersion: list.metadata?.resourceVersion, named: false }, failed: false };
  }
  const { objects, failed } = await fetchNamed(ctx, resource, names);
  return { fetched: { resource, objects, named: true }, failed };
}

export function printFetched(ctx: CommandContext, f: Fetched, format: OutputFormat, options: GetOptions): number[] {
  if (format === 'name') {
    for (const o of f.objects) ctx.io.out(line(formatName(f.resource, o)));
    return [];
  }
  if (format === 'json' || format === 'yaml') {
    const objects = f.objects.map((o) => ({ apiVersion: 'v1', kind: f.resource.kind, ...o }));
    ctx.io.out(formatObjects(format, objects, f.named && objects.length === 1));
    return [];
  }
  const allNamespaces = Boolean(options.allNamespaces) && !f.named;
  const { text, widths } = renderTable(f.resource, f.objects, { now: ctx.now(), wide: format === 'wide', allNamespaces, noHeaders: options.noHeaders });
  ctx.io.out(line(text));
  return widths;
}

export function noResourcesMessage(resource: Resource, namespace: string, allNamespaces: boolean): string {
  return !resource.namespaced || allNamespaces ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}

export async function getCommand(ctx: CommandContext, args: string[], options: GetOptions): Promise<number> {
  const format = parseOutputFormat(options.output);
  const groups = parseResourceArgs(args);
  if (options.watch && groups.length > 1) throw new Error('watch is only supported on individual resources and resource collections, but 2 resources were found');
  let failed = false;
  let printed = 0;
  for (const group of groups) {
    const { fetched, failed: someMissing } = await fetchGroup(ctx, group.resource, group.names, options);
    failed ||= someMissing;
    let widths: number[] = [];
    if (fetched.objects.length > 0) {
      if (printed > 0 && (format === 'table' || format === 'wide')) ctx.io.out('\n');
      widths = printFetched(ctx, fetched, format, options);
      printed++;
    } else if (!fetched.named) {
      ctx.io.err(line(noResourcesMessage(group.resource, ctx.namespace, Boolean(options.allNamespaces))));
    }
    if (options.watch) {
      return watchAndPrint(ctx, { ...fetched, names: group.names, widths, format, options });
    }
  }
  return failed ? 1 : 0;
}
