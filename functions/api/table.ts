/**
 * Server-side printing: the `meta.k8s.io/v1 Table` that kubectl asks for
 * (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`) and prints as is.
 * The cells come from the same row functions podctl prints with.
 */
import type { FastifyRequest } from 'fastify';
import { podRow, POD_WIDE_COLUMNS } from '../../bin/podctl/printers/pod-row';
import { nodeRow, NODE_WIDE_COLUMNS } from '../../bin/podctl/printers/node-row';
import type { Node, Pod as PrintedPod } from '../../bin/podctl/api/types';

export function wantsTable(req: FastifyRequest): boolean {
  return /as=Table/.test(String(req.headers.accept ?? ''));
}

const WIDE_FROM = { pods: 5, nodes: 5 } as const;
const DESCRIPTIONS: Record<string, string> = { NAME: 'Name must be unique within a namespace.', AGE: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

function columns(kind: 'pods' | 'nodes') {
  const names = kind === 'pods' ? POD_WIDE_COLUMNS : NODE_WIDE_COLUMNS;
  return names.map((name, i) => ({
    name: name.charAt(0) + name.slice(1).toLowerCase().replace(/-(.)/g, (_, c: string) => `-${c.toUpperCase()}`),
    type: 'string',
    format: name === 'NAME' ? 'name' : '',
    description: DESCRIPTIONS[name] ?? '',
    priority: i >= WIDE_FROM[kind] ? 1 : 0,
  }));
}

function partial(obj: { metadata: Record<string, unknown> }) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function podTable(pods: readonly object[], resourceVersion: string, now = new Date()) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns('pods'),
    rows: pods.map((p) => ({ cells: podRow(p as PrintedPod, now, true), object: partial(p as PrintedPod as never) })),
  };
}

export function nodeTable(nodes: readonly object[], resourceVersion: string, now = new Date()) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns('nodes'),
    rows: nodes.map((n) => ({ cells: nodeRow(n as Node, now, true), object: partial(n as Node as never) })),
  };
}
