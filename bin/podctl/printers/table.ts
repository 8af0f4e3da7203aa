/**
 * `kubectl get` tables: a header and one row per object, aligned like kubectl's
 * tabwriter (three spaces between columns), with a NAMESPACE column across
 * namespaces. Watch rows reuse the widths of the first table so later rows line up.
 */
import type { Resource } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';
import { tabwrite } from '../format/tabwriter';

export const COLUMN_PADDING = 3;

export interface TableOptions {
  now: Date;
  wide: boolean;
  allNamespaces: boolean;
  noHeaders?: boolean;
}

export function tableHeader(resource: Resource, options: TableOptions): string[] {
  const columns = options.wide ? resource.wideColumns : resource.columns;
  return options.allNamespaces && resource.namespaced ? ['NAMESPACE', ...columns] : columns;
}

export function tableRow(resource: Resource, obj: KubeObject, options: TableOptions): string[] {
  const row = resource.row(obj as never, options.now, options.wide);
  return options.allNamespaces && resource.namespaced ? [obj.metadata.namespace ?? '', ...row] : row;
}

/** The printed table, and the column widths later watch rows should use. */
export function renderTable(resource: Resource, objects: KubeObject[], options: TableOptions): { text: string; widths: number[] } {
  const rows = objects.map((o) => tableRow(resource, o, options));
  if (!options.noHeaders) rows.unshift(tableHeader(resource, options));
  const widths = rows.reduce<number[]>(
    (acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, [...cell].length + COLUMN_PADDING)),
    [],
  );
  return { text: tabwrite(rows.map((r) => r.join('\t')).join('\n'), COLUMN_PADDING), widths };
}

/** One row padded to at least the given widths (growing a column when a cell is wider). */
export function renderRow(row: string[], widths: number[]): string {
  return row
    .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(widths[i] ?? 0, [...cell].length + COLUMN_PADDING))))
    .join('');
}
