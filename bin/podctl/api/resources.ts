/**
 * The resources podctl knows, looked up by any of kubectl's names for them
 * (`pods`, `pod`, `po`, ...), with their REST paths and table printers.
 */
import type { KubeObject } from '../../../shared/display/kube-types';
import { NODE_COLUMNS, NODE_WIDE_COLUMNS, nodeRow } from '../../../shared/display/node-row';
import { POD_COLUMNS, POD_WIDE_COLUMNS, podRow } from '../../../shared/display/pod-row';
import { RC_COLUMNS, RC_WIDE_COLUMNS, rcRow } from '../../../shared/display/rc-row';
import { CONFIGMAP_COLUMNS, configMapRow, SECRET_COLUMNS, secretRow } from '../../../shared/display/config-row';

export interface Resource {
  /** The kind, as in manifests: `Pod`. */
  kind: string;
  /** The lower-case plural used in paths and messages: `pods`. */
  plural: string;
  /** The lower-case singular used in `-o name` and in apply/scale messages: `pod`. */
  singular: string;
  namespaced: boolean;
  columns: string[];
  wideColumns: string[];
  row(obj: never, now: Date, wide: boolean): string[];
}

export const POD: Resource = {
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  columns: POD_COLUMNS,
  wideColumns: POD_WIDE_COLUMNS,
  row: podRow,
};

export const NODE: Resource = {
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  columns: NODE_COLUMNS,
  wideColumns: NODE_WIDE_COLUMNS,
  row: nodeRow,
};

export const REPLICATION_CONTROLLER: Resource = {
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  namespaced: true,
  columns: RC_COLUMNS,
  wideColumns: RC_WIDE_COLUMNS,
  row: rcRow,
};

export const CONFIG_MAP: Resource = {
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  columns: CONFIGMAP_COLUMNS,
  wideColumns: CONFIGMAP_COLUMNS,
  row: configMapRow,
};

export const SECRET: Resource = {
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  columns: SECRET_COLUMNS,
  wideColumns: SECRET_COLUMNS,
  row: secretRow,
};

const ALIASES: Record<string, Resource> = {
  pods: POD,
  pod: POD,
  po: POD,
  nodes: NODE,
  node: NODE,
  no: NODE,
  replicationcontrollers: REPLICATION_CONTROLLER,
  replicationcontroller: REPLICATION_CONTROLLER,
  rc: REPLICATION_CONTROLLER,
  configmaps: CONFIG_MAP,
  configmap: CONFIG_MAP,
  cm: CONFIG_MAP,
  secrets: SECRET,
  secret: SECRET,
};

/** Every name podctl takes for a resource type (plural, singular, short), as completion offers them. */
export const RESOURCE_NAMES: string[] = Object.keys(ALIASES);

export class UnknownResourceError extends Error {
  constructor(readonly resourceName: string) {
    super(`the server doesn't have a resource type "${resourceName}"`);
  }
}

export function lookupResource(name: string): Resource {
  const resource = ALIASES[name.toLowerCase()];
  if (!resource) throw new UnknownResourceError(name);
  return resource;
}

export function resourceForKind(kind: string): Resource | undefined {
  return [POD, NODE, REPLICATION_CONTROLLER, CONFIG_MAP, SECRET].find((r) => r.kind === kind);
}

/** The collection path: `/api/v1/namespaces/ns/pods`, `/api/v1/pods` across namespaces, `/api/v1/nodes`. */
export function collectionPath(resource: Resource, namespace: string | undefined): string {
  if (!resource.namespaced || namespace === undefined) return `/api/v1/${resource.plural}`;
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

export function objectPath(resource: Resource, namespace: string, name: string): string {
  return `${collectionPath(resource, resource.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

/**
 * Splits `get` arguments into a resource and names: `pods`, `pod web`,
 * `pod/web rc/db` (each `type/name` may name a different resource).
 */
export function parseResourceArgs(args: string[]): { resource: Resource; names: string[] }[] {
  if (args.length === 0) throw new Error('You must specify the type of resource to get.');
  if (args.every((a) => a.includes('/'))) {
    const groups: { resource: Resource; names: string[] }[] = [];
    for (const arg of args) {
      const [type, name] = arg.split('/', 2);
      if (!name) throw new Error(`arguments in resource/name form must have a single resource and name`);
      const resource = lookupResource(type);
      const group = groups.find((g) => g.resource === resource);
      if (group) group.names.push(name);
      else groups.push({ resource, names: [name] });
    }
    return groups;
  }
  if (args.slice(1).some((a) => a.includes('/'))) {
    throw new Error('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  }
  return [{ resource: lookupResource(args[0]), names: args.slice(1) }];
}

export function displayName(resource: Resource, obj: KubeObject): string {
  return `${resource.singular}/${obj.metadata.name}`;
}
