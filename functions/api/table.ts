/**
 * Server-side printing: the `meta.k8s.io/v1 Table` that kubectl asks for
 * (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`) and prints as is.
 * The cells come from the same row functions podctl prints with.
 */
import type { FastifyRequest } from 'fastify';
import { podRow, POD_WIDE_COLUMNS } from '../../shared/display/pod-row';
import { nodeRow, NODE_WIDE_COLUMNS } from '../../shared/display/node-row';
import type { Node, Pod as PrintedPod } from '../../shared/display/kube-types';

export function wantsTable(req: FastifyRequest): boolean {
  return /as=Table/.test(String(req.headers.accept ?? ''));
}

/** Columns past the first five are kubectl's `-o wide` ones (priority 1). */
const WIDE_FROM = 5;
const DESCRIPTIONS: Record<string, string> = {
  NAME: 'Name must be unique within a namespace.',
  AGE: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** Column names as the Kubernetes API server spells them (kubectl upper-cases them). */
const COLUMN_NAMES: Record<string, string> = {
  NAME: 'Name', READY: 'Ready', STATUS: 'Status', RESTARTS: 'Restarts', AGE: 'Age', IP: 'IP', NODE: 'Node',
  ROLES: 'Roles', VERSION: 'Version', 'INTERNAL-IP': 'Internal-IP', 'OS-IMAGE': 'OS-Image', 'KERNEL-VERSION': 'Kernel-Version', 'CONTAINER-RUNTIME': 'Container-Runtime',
};

function columns(names: readonly string[]) {
  return names.map((name, i) => ({
    name: COLUMN_NAMES[name] ?? name,
    type: 'string',
    format: name === 'NAME' ? 'name' : '',
    description: DESCRIPTIONS[name] ?? '',
    priority: i >= WIDE_FROM ? 1 : 0,
  }));
}

function table<T extends { metadata: object }>(names: readonly string[], objects: readonly T[], row: (o: T) => string[], resourceVersion: string) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns(names),
    rows: objects.map((o) => ({ cells: row(o), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}

export function podTable(pods: readonly object[], resourceVersion: string, now = new Date()) {
  return table(POD_WIDE_COLUMNS, pods as readonly PrintedPod[], (p) => podRow(p, now, true), resourceVersion);
}

export function nodeTable(nodes: readonly object[], resourceVersion: string, now = new Date()) {
  return table(NODE_WIDE_COLUMNS, nodes as readonly Node[], (n) => nodeRow(n, now, true), resourceVersion);
}
