/**
 * Server-side printing: the `meta.k8s.io/v1 Table` that kubectl asks for
 * (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`) and prints as is.
 * The cells come from the same row functions podctl prints with.
 */
import type { FastifyRequest } from 'fastify';
import { podRow, POD_WIDE_COLUMNS } from '../shared/display/pod-row';
import { nodeRow, NODE_WIDE_COLUMNS } from '../shared/display/node-row';
import { rcRow, RC_COLUMNS, RC_WIDE_COLUMNS } from '../shared/display/rc-row';
import { eventRow, EVENT_COLUMNS, EVENT_WIDE_COLUMNS } from '../shared/display/event-row';
import { configMapRow, CONFIGMAP_COLUMNS, secretRow, SECRET_COLUMNS, type PrintedConfigObject } from '../shared/display/config-row';
import type { CoreEvent, Node, Pod as PrintedPod, ReplicationController } from '../shared/display/kube-types';

export function wantsTable(req: FastifyRequest): boolean {
  return /as=Table/.test(String(req.headers.accept ?? ''));
}

/** By default, columns past the first five are kubectl's `-o wide` ones (priority 1). */
const WIDE_FROM = 5;
const pastFirstFive = (_name: string, i: number) => i >= WIDE_FROM;
const DESCRIPTIONS: Record<string, string> = {
  NAME: 'Name must be unique within a namespace.',
  AGE: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** Column names as the Kubernetes API server spells them (kubectl upper-cases them). */
const COLUMN_NAMES: Record<string, string> = {
  NAME: 'Name', READY: 'Ready', STATUS: 'Status', RESTARTS: 'Restarts', AGE: 'Age', IP: 'IP', NODE: 'Node',
  ROLES: 'Roles', VERSION: 'Version', 'INTERNAL-IP': 'Internal-IP', 'OS-IMAGE': 'OS-Image', 'KERNEL-VERSION': 'Kernel-Version', 'CONTAINER-RUNTIME': 'Container-Runtime',
  DATA: 'Data', DESIRED: 'Desired', CURRENT: 'Current', CONTAINERS: 'Containers', IMAGES: 'Images', SELECTOR: 'Selector',
  'LAST SEEN': 'Last Seen', TYPE: 'Type', REASON: 'Reason', OBJECT: 'Object', SUBOBJECT: 'Subobject', SOURCE: 'Source', MESSAGE: 'Message', 'FIRST SEEN': 'First Seen', COUNT: 'Count',
};

function columns(names: readonly string[], wide: (name: string, i: number) => boolean) {
  return names.map((name, i) => ({
    name: COLUMN_NAMES[name] ?? name,
    type: 'string',
    format: name === 'NAME' ? 'name' : '',
    description: DESCRIPTIONS[name] ?? '',
    priority: wide(name, i) ? 1 : 0,
  }));
}

function table<T extends { metadata?: object }>(names: readonly string[], objects: readonly T[], row: (o: T) => string[], resourceVersion: string, wide = pastFirstFive) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns(names, wide),
    rows: objects.map((o) => ({ cells: row(o), object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } })),
  };
}

export function podTable(pods: readonly object[], resourceVersion: string, now = new Date()) {
  return table(POD_WIDE_COLUMNS, pods as readonly PrintedPod[], (p) => podRow(p, now, true), resourceVersion);
}

export function nodeTable(nodes: readonly object[], resourceVersion: string, now = new Date()) {
  return table(NODE_WIDE_COLUMNS, nodes as readonly Node[], (n) => nodeRow(n, now, true), resourceVersion);
}

export function rcTable(rcs: readonly object[], resourceVersion: string, now = new Date()) {
  return table(RC_WIDE_COLUMNS, rcs as readonly ReplicationController[], (rc) => rcRow(rc, now, true), resourceVersion, (_n, i) => i >= RC_COLUMNS.length);
}

export function eventTable(events: readonly object[], resourceVersion: string, now = new Date()) {
  return table(EVENT_WIDE_COLUMNS, events as readonly CoreEvent[], (e) => eventRow(e, now), resourceVersion, (name) => !EVENT_COLUMNS.includes(name));
}

/** `kubectl get configmaps` / `secrets`: key counts, never values. */
export function configObjectTable(kind: 'ConfigMap' | 'Secret', objects: readonly object[], resourceVersion: string, now = new Date()) {
  return kind === 'ConfigMap'
    ? table(CONFIGMAP_COLUMNS, objects as readonly PrintedConfigObject[], (o) => configMapRow(o, now), resourceVersion)
    : table(SECRET_COLUMNS, objects as readonly PrintedConfigObject[], (o) => secretRow(o, now), resourceVersion);
}
