/**
 * `get -w`: after the first table, follows the watch from the list's
 * resourceVersion and prints one row per change, lined up under the table.
 * A stream the server closes is reopened from the last version seen; an ERROR
 * event (such as 410 Expired) ends the command with that error.
 */
import { ApiError, formatError } from '../api/errors';
import { collectionPath, type Resource } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { readWatchEvents } from '../api/watch';
import { formatName, formatObjects, type OutputFormat } from '../printers/output';
import { renderRow, renderTable, tableRow } from '../printers/table';
import { line, type CommandContext } from './context';
import type { GetOptions } from './get';

export interface WatchRequest {
  resource: Resource;
  names: string[];
  resourceVersion?: string;
  widths: number[];
  format: OutputFormat;
  options: GetOptions;
}

export async function watchAndPrint(ctx: CommandContext, req: WatchRequest): Promise<number> {
  const { resource, format, options } = req;
  const allNamespaces = Boolean(options.allNamespaces) && req.names.length === 0;
  const tableOptions = { now: ctx.now(), wide: format === 'wide', allNamespaces };
  let widths = req.widths;
  let resourceVersion = req.resourceVersion;
  for (;;) {
    const path = collectionPath(resource, allNamespaces ? undefined : ctx.namespace);
    const body = await ctx.client.stream(path, { watch: 'true', resourceVersion, labelSelector: options.selector });
    for await (const event of readWatchEvents<KubeObject>(body)) {
      if (event.type === 'ERROR') {
        ctx.io.err(line(formatError(new ApiError(event.object as never))));
        return 1;
      }
      if (event.type === 'BOOKMARK') {
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        continue;
      }
      const obj = event.object;
      resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
      if (req.names.length > 0 && !req.names.includes(obj.metadata.name)) continue;
      if (format === 'name') ctx.io.out(line(formatName(resource, obj)));
      else if (format === 'json' || format === 'yaml') {
        const text = formatObjects(format, [{ apiVersion: 'v1', kind: resource.kind, ...obj }], true);
        ctx.io.out(format === 'yaml' ? `---\n${text}` : text);
      } else {
        const options = { ...tableOptions, now: ctx.now() };
        if (widths.length === 0) {
          const first = renderTable(resource, [obj], options);
          widths = first.widths;
          ctx.io.out(line(first.text));
        } else {
          ctx.io.out(line(renderRow(tableRow(resource, obj, options), widths)));
        }
      }
    }
    await ctx.sleep(1000);
  }
}
