/**
 * The ConfigMap and Secret command decider: given the stored record (or none)
 * and a command from config-events, decide the record to write. Pure: time and
 * resource versions come in the context. A create's id is the object's uid, so
 * a replayed create finds itself; every other command is remembered by id in
 * `requests`, so a replay changes nothing. A refused command (exists already,
 * a stale precondition, an immutable payload changed) is recorded with its
 * Status, which is what the API answers. An object the API's rules refuse is
 * `invalid`: only a producer outside the API can send one, and it is
 * dead-lettered.
 */
import type { ConfigEvent, ConfigObjectCreateRequested, ConfigObjectDeleteRequested, ConfigObjectUpdateRequested } from '../events/config-events';
import type { K8sStatus } from '../events/status';
import type { StatusCause } from '../events/status';
import { alreadyExists, conflict, invalid } from '../kube/status';
import { MAX_REQUESTS, type CommandOutcome, type ConfigObjectRecord } from './record';
import { RESOURCE_OF, updateCauses, validateConfigObject, type ConfigKind, type ConfigObject, type ConfigObjectInput } from './schema';

export interface ConfigDecideContext {
  now: Date;
  nextResourceVersion: () => string;
}

export type ConfigCommandDecision =
  | { kind: 'write'; record: ConfigObjectRecord; expectedVersion: number | null; refused?: K8sStatus }
  | { kind: 'invalid'; causes: StatusCause[] }
  | { kind: 'ignore'; reason: string };

export const MODIFIED_SINCE = 'the object has been modified; please apply your changes to the latest version and try again';

/** The object a command is about (a create names it in its object's metadata). */
export function commandTarget(cmd: ConfigEvent): { kind: ConfigKind; namespace: string; name: string } {
  if (cmd.type !== 'ConfigObjectCreateRequested') return { kind: cmd.data.kind, namespace: cmd.data.namespace, name: cmd.data.name };
  const meta = (cmd.data.object.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  return { kind: cmd.data.kind, namespace: typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default', name: typeof meta.name === 'string' ? meta.name : '' };
}

export function decideConfigCommand(state: ConfigObjectRecord | null, cmd: ConfigEvent, ctx: ConfigDecideContext): ConfigCommandDecision {
  switch (cmd.type) {
    case 'ConfigObjectCreateRequested':
      return decideCreate(state, cmd, ctx);
    case 'ConfigObjectUpdateRequested':
    case 'ConfigObjectDeleteRequested':
      return decideChange(state, cmd, ctx);
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}

const remember = (requests: CommandOutcome[], outcome: CommandOutcome) => [...requests, outcome].slice(-MAX_REQUESTS);

function refuse(state: ConfigObjectRecord, id: string, status: K8sStatus): ConfigCommandDecision {
  return { kind: 'write', record: { ...state, version: state.version + 1, requests: remember(state.requests, { id, status }) }, expectedVersion: state.version, refused: status };
}

/** The client's metadata without the fields only the server sets. */
function clientMeta(meta: ConfigObjectInput['metadata']) {
  const { uid: _u, resourceVersion: _rv, creationTimestamp: _ct, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, generation: _g, generateName: _gn, ...rest } = meta;
  return rest;
}

function decideCreate(state: ConfigObjectRecord | null, cmd: ConfigObjectCreateRequested, ctx: ConfigDecideContext): ConfigCommandDecision {
  const checked = validateConfigObject(cmd.data.kind, cmd.data.object);
  if (!checked.ok) return { kind: 'invalid', causes: checked.causes };
  const input = checked.value;
  const namespace = input.metadata.namespace ?? 'default';
  const name = input.metadata.name ?? '';
  if (!name) return { kind: 'invalid', causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] };
  const uid = cmd.id;
  if (state && state.uid === uid) return { kind: 'ignore', reason: 'create replayed' };
  if (state && state.requests.some((r) => r.id === cmd.id)) return { kind: 'ignore', reason: 'refusal already recorded' };
  if (state && !state.deleted) return refuse(state, cmd.id, alreadyExists(RESOURCE_OF[cmd.data.kind], name));
  const object: ConfigObject = {
    ...input,
    metadata: { ...clientMeta(input.metadata), name, namespace, uid, resourceVersion: ctx.nextResourceVersion(), creationTimestamp: ctx.now.toISOString() },
  };
  return {
    kind: 'write',
    record: { kind: cmd.data.kind, namespace, name, uid, version: (state?.version ?? 0) + 1, deleted: false, object, requests: [{ id: cmd.id }] },
    expectedVersion: state ? state.version : null,
  };
}

function decideChange(state: ConfigObjectRecord | null, cmd: ConfigObjectUpdateRequested | ConfigObjectDeleteRequested, ctx: ConfigDecideContext): ConfigCommandDecision {
  if (!state || state.deleted) return { kind: 'ignore', reason: `no such ${cmd.data.kind}` };
  if (state.requests.some((r) => r.id === cmd.id)) return { kind: 'ignore', reason: 'command replayed' };
  const resource = RESOURCE_OF[state.kind];
  const { uid, resourceVersion } = cmd.data;
  if (uid && uid !== state.uid) return refuse(state, cmd.id, conflict(resource, state.name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${state.uid}`));
  if (resourceVersion && resourceVersion !== state.object.metadata.resourceVersion) return refuse(state, cmd.id, conflict(resource, state.name, MODIFIED_SINCE));
  const requests = remember(state.requests, { id: cmd.id });
  const current = state.object;
  if (cmd.type === 'ConfigObjectDeleteRequested') {
    const deleted: ConfigObject = { ...current, metadata: { ...current.metadata, deletionTimestamp: ctx.now.toISOString(), resourceVersion: ctx.nextResourceVersion() } };
    return { kind: 'write', record: { ...state, version: state.version + 1, deleted: true, object: deleted, requests }, expectedVersion: state.version };
  }
  const checked = validateConfigObject(state.kind, cmd.data.object);
  if (!checked.ok) return { kind: 'invalid', causes: checked.causes };
  const next = checked.value;
  const refused = updateCauses(current, next);
  if (refused.length) return refuse(state, cmd.id, invalid(state.kind, state.name, refused));
  const { data: _d, binaryData: _b, type: _t, immutable: _i, ...base } = current;
  const updated: ConfigObject = {
    ...base,
    ...(next.data ? { data: next.data } : {}),
    ...(next.binaryData ? { binaryData: next.binaryData } : {}),
    ...(next.type ? { type: next.type } : {}),
    ...(next.immutable !== undefined ? { immutable: next.immutable } : {}),
    metadata: { ...clientMeta(next.metadata), name: state.name, namespace: state.namespace, uid: state.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion },
  };
  if (JSON.stringify(updated) === JSON.stringify(current)) return { kind: 'write', record: { ...state, version: state.version + 1, requests }, expectedVersion: state.version };
  updated.metadata.resourceVersion = ctx.nextResourceVersion();
  return { kind: 'write', record: { ...state, version: state.version + 1, object: updated, requests }, expectedVersion: state.version };
}
