/**
 * The RC command decider: given the stored record (or none) and a command from
 * rc-events, decide the record to write. Pure: time and resource versions come
 * in the context. A create's id is the RC's uid, so a replayed create finds
 * itself; every other command is remembered by id in `requests`, so a replay
 * changes nothing. A refused command is recorded with its Status, which is what
 * the API answers. Generation grows only when the spec changes.
 */
import type { RcCreateRequested, RcDeleteRequested, RcEvent, RcScaleRequested, RcUpdateRequested } from '../events/rc-events';
import type { K8sStatus } from '../events/status';
import { alreadyExists, conflict } from '../kube/status';
import { MAX_REQUESTS, type CommandOutcome, type RcRecord } from './record';
import type { RcSpec, ReplicationController } from './schema';

export interface RcDecideContext {
  now: Date;
  nextResourceVersion: () => string;
}

export type RcCommandDecision =
  | { kind: 'write'; record: RcRecord; expectedVersion: number | null; refused?: K8sStatus }
  | { kind: 'ignore'; reason: string };

export const RESOURCE = 'replicationcontrollers';

export const MODIFIED_SINCE = 'the object has been modified; please apply your changes to the latest version and try again';

export function decideRcCommand(state: RcRecord | null, cmd: RcEvent, ctx: RcDecideContext): RcCommandDecision {
  switch (cmd.type) {
    case 'ReplicationControllerCreateRequested':
      return decideCreate(state, cmd, ctx);
    case 'ReplicationControllerUpdateRequested':
    case 'ReplicationControllerScaleRequested':
    case 'ReplicationControllerDeleteRequested':
      return decideChange(state, cmd, ctx);
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}

function remember(requests: CommandOutcome[], outcome: CommandOutcome): CommandOutcome[] {
  return [...requests, outcome].slice(-MAX_REQUESTS);
}

function decideCreate(state: RcRecord | null, cmd: RcCreateRequested, ctx: RcDecideContext): RcCommandDecision {
  const manifest = cmd.data.rc;
  const namespace = manifest.metadata.namespace ?? 'default';
  const name = manifest.metadata.name ?? '';
  const uid = cmd.id;
  if (state && state.uid === uid) return { kind: 'ignore', reason: 'create replayed' };
  if (state && state.requests.some((r) => r.id === cmd.id)) return { kind: 'ignore', reason: 'refusal already recorded' };
  if (state && !state.deleted) {
    const refused = alreadyExists(RESOURCE, name);
    return { kind: 'write', record: { ...state, version: state.version + 1, requests: remember(state.requests, { id: cmd.id, status: refused }) }, expectedVersion: state.version, refused };
  }
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _ct, deletionTimestamp: _dt, generation: _g, ...meta } = manifest.metadata;
  const rc: ReplicationController = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { ...meta, name, namespace, uid, resourceVersion: ctx.nextResourceVersion(), generation: 1, creationTimestamp: ctx.now.toISOString() },
    spec: manifest.spec,
    status: { replicas: 0 },
  };
  return {
    kind: 'write',
    record: { namespace, name, uid, version: (state?.version ?? 0) + 1, rc, deleted: false, nextSlot: 0, pending: [], deleting: [], settled: [], requests: [{ id: cmd.id }] },
    expectedVersion: state ? state.version : null,
  };
}

type ChangeCommand = RcUpdateRequested | RcScaleRequested | RcDeleteRequested;

function preconditionFailure(state: RcRecord, cmd: ChangeCommand): K8sStatus | undefined {
  const { uid, resourceVersion } = cmd.data;
  if (uid && uid !== state.uid) return conflict(RESOURCE, state.name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${state.uid}`);
  if (resourceVersion && resourceVersion !== state.rc.metadata.resourceVersion) return conflict(RESOURCE, state.name, MODIFIED_SINCE);
  return undefined;
}

function changedSpec(cmd: ChangeCommand, spec: RcSpec): RcSpec {
  if (cmd.type === 'ReplicationControllerScaleRequested') return { ...spec, replicas: cmd.data.replicas };
  if (cmd.type === 'ReplicationControllerUpdateRequested') return cmd.data.spec;
  return spec;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function decideChange(state: RcRecord | null, cmd: ChangeCommand, ctx: RcDecideContext): RcCommandDecision {
  if (!state || state.deleted) return { kind: 'ignore', reason: 'no such replication controller' };
  if (state.requests.some((r) => r.id === cmd.id)) return { kind: 'ignore', reason: 'command replayed' };
  const refused = preconditionFailure(state, cmd);
  if (refused) {
    return { kind: 'write', record: { ...state, version: state.version + 1, requests: remember(state.requests, { id: cmd.id, status: refused }) }, expectedVersion: state.version, refused };
  }
  const requests = remember(state.requests, { id: cmd.id });
  const rc = state.rc;
  if (cmd.type === 'ReplicationControllerDeleteRequested') {
    const deleted: ReplicationController = {
      ...rc,
      metadata: { ...rc.metadata, deletionTimestamp: ctx.now.toISOString(), deletionGracePeriodSeconds: 0, resourceVersion: ctx.nextResourceVersion() },
    };
    return { kind: 'write', record: { ...state, version: state.version + 1, rc: deleted, deleted: true, requests }, expectedVersion: state.version };
  }
  const spec = changedSpec(cmd, rc.spec);
  const metadata = { ...rc.metadata };
  if (cmd.type === 'ReplicationControllerUpdateRequested') {
    if (cmd.data.labels) metadata.labels = cmd.data.labels;
    else delete metadata.labels;
    if (cmd.data.annotations) metadata.annotations = cmd.data.annotations;
    else delete metadata.annotations;
    if (cmd.data.managedFields) metadata.managedFields = cmd.data.managedFields;
  }
  const specChanged = !sameJson(spec, rc.spec);
  const metaChanged = !sameJson(metadata, rc.metadata);
  if (!specChanged && !metaChanged) return { kind: 'write', record: { ...state, version: state.version + 1, requests }, expectedVersion: state.version };
  const updated: ReplicationController = {
    ...rc,
    metadata: { ...metadata, resourceVersion: ctx.nextResourceVersion(), generation: rc.metadata.generation + (specChanged ? 1 : 0) },
    spec,
  };
  return { kind: 'write', record: { ...state, version: state.version + 1, rc: updated, requests }, expectedVersion: state.version };
}
