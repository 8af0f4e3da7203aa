/**
 * The `-o yaml|json|name` formats, as kubectl prints them: keys sorted (kubectl
 * marshals through a map), JSON indented by four spaces, YAML with block
 * sequences flush with their key, and several objects wrapped in a `List`.
 */
import { stringify } from 'yaml';
import type { Resource } from '../api/resources';
import type { KubeObject } from '../../../shared/display/kube-types';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === '') return 'table';
  if (value === 'wide' || value === 'yaml' || value === 'json' || value === 'name') return value;
  throw new Error(
    `unable to match a printer suitable for the output format "${value}", allowed formats are: json,name,wide,yaml`,
  );
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function asList(objects: KubeObject[]): unknown {
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

export function formatYaml(value: unknown): string {
  return stringify(sortKeys(value), { indentSeq: false, lineWidth: 0 });
}

/** One object when a single name was asked for, else a List (as kubectl does). */
export function formatObjects(format: 'yaml' | 'json', objects: KubeObject[], single: boolean): string {
  const value = single && objects.length === 1 ? objects[0] : asList(objects);
  return format === 'json' ? formatJson(value) : formatYaml(value);
}

export function formatName(resource: Resource, obj: KubeObject): string {
  return `${resource.singular}/${obj.metadata.name}`;
}
