/** The ConfigMap and Secret rules and command decider: given a stored record and a command, then the record written or the refusal. */
import { decideConfigCommand } from '../../../shared/config-objects/decider';
import type { ConfigObjectRecord } from '../../../shared/config-objects/record';
import { MAX_PAYLOAD_BYTES, payload, redactSecretValues, validateConfigObject } from '../../../shared/config-objects/schema';
import { makeEvent, type ConfigEvent, type ConfigObjectCreateRequested, type ConfigObjectDeleteRequested, type ConfigObjectUpdateRequested } from '../../../shared/events';

const now = new Date('2026-11-29T10:00:00Z');
let rv = 100;
const ctx = { now, nextResourceVersion: () => String(++rv) };

const create = (object: Record<string, unknown>, id = 'c1', kind: 'ConfigMap' | 'Secret' = 'ConfigMap') =>
  makeEvent<ConfigObjectCreateRequested>('ConfigObjectCreateRequested', 'configmaps/default/app', { kind, object }, { source: 'test', time: now, id });
const update = (object: Record<string, unknown>, extra: Partial<ConfigObjectUpdateRequested['data']> = {}, id = 'u1') =>
  makeEvent<ConfigObjectUpdateRequested>('ConfigObjectUpdateRequested', 'configmaps/default/app', { kind: 'ConfigMap', namespace: 'default', name: 'app', object, ...extra }, { source: 'test', time: now, id });
const remove = (extra: Partial<ConfigObjectDeleteRequested['data']> = {}, id = 'd1') =>
  makeEvent<ConfigObjectDeleteRequested>('ConfigObjectDeleteRequested', 'configmaps/default/app', { kind: 'ConfigMap', namespace: 'default', name: 'app', ...extra }, { source: 'test', time: now, id });

function stored(cmd: ConfigEvent, state: ConfigObjectRecord | null = null): ConfigObjectRecord {
  const d = decideConfigCommand(state, cmd, ctx);
  if (d.kind !== 'write') throw new Error(`expected a write, got ${d.kind}`);
  return d.record;
}

const app = { metadata: { name: 'app', namespace: 'default', labels: { tier: 'web' } }, data: { color: 'blue' } };

describe('config decider', () => {
  it('creates the object with the command id as uid and server fields set', () => {
    const r = stored(create(app));
    expect(r).toMatchObject({ kind: 'ConfigMap', namespace: 'default', name: 'app', uid: 'c1', version: 1, deleted: false, requests: [{ id: 'c1' }] });
    expect(r.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { color: 'blue' }, metadata: { uid: 'c1', creationTimestamp: now.toISOString(), labels: { tier: 'web' } } });
  });

  it.each([
    ['a replayed create', (s: ConfigObjectRecord) => decideConfigCommand(s, create(app), ctx), 'ignore'],
    ['a replayed update', (s: ConfigObjectRecord) => decideConfigCommand(stored(update({ ...app, data: { color: 'red' } }), s), update({ ...app, data: { color: 'red' } }), ctx), 'ignore'],
    ['an update of nothing', () => decideConfigCommand(null, update(app), ctx), 'ignore'],
    ['a create from outside the API that breaks the rules', () => decideConfigCommand(null, create({ metadata: { name: 'app' }, data: { 'no/slash': 'x' } }), ctx), 'invalid'],
  ])('%s', (_name, decide, kind) => {
    expect(decide(stored(create(app))).kind).toBe(kind);
  });

  it.each([
    ['a second create of a live name', () => create(app, 'c2'), 'AlreadyExists', 'configmaps "app" already exists'],
    ['a stale resourceVersion', () => update(app, { resourceVersion: '1' }), 'Conflict', 'the object has been modified'],
    ['another incarnation', () => remove({ uid: 'other' }), 'Conflict', 'Precondition failed: UID in precondition: other'],
  ])('records the refusal of %s with its Status', (_name, cmd, reason, message) => {
    const s = stored(create(app));
    const d = decideConfigCommand(s, cmd(), ctx);
    expect(d.kind).toBe('write');
    if (d.kind !== 'write') return;
    expect(d.refused).toMatchObject({ reason });
    expect(d.refused?.message).toContain(message);
    expect(d.record.object).toEqual(s.object);
  });

  it('updates data and labels, bumps the resourceVersion, keeps uid and creation time', () => {
    const s = stored(create(app));
    const r = stored(update({ metadata: { name: 'app', labels: { tier: 'db' } }, data: { color: 'red' } }), s);
    expect(r.object.data).toEqual({ color: 'red' });
    expect(r.object.metadata).toMatchObject({ uid: 'c1', creationTimestamp: now.toISOString(), labels: { tier: 'db' } });
    expect(Number(r.object.metadata.resourceVersion)).toBeGreaterThan(Number(s.object.metadata.resourceVersion));
  });

  it('refuses to change the payload of an immutable ConfigMap or to make it mutable again, but allows its labels', () => {
    const s = stored(create({ ...app, immutable: true }));
    for (const next of [{ ...app, immutable: true, data: { color: 'red' } }, { ...app, immutable: false }]) {
      const d = decideConfigCommand(s, update(next, {}, `u-${JSON.stringify(next).length}`), ctx);
      expect(d.kind === 'write' && d.refused?.reason).toBe('Invalid');
    }
    const relabelled = stored(update({ ...app, immutable: true, metadata: { name: 'app', labels: { tier: 'x' } } }), s);
    expect(relabelled.object.metadata.labels).toEqual({ tier: 'x' });
  });

  it('deletes into a tombstone that a later create reuses', () => {
    const gone = stored(remove(), stored(create(app)));
    expect(gone).toMatchObject({ deleted: true, version: 2 });
    expect(gone.object.metadata.deletionTimestamp).toBe(now.toISOString());
    const again = stored(create(app, 'c3'), gone);
    expect(again).toMatchObject({ deleted: false, uid: 'c3', version: 3 });
  });
});

describe('ConfigMap and Secret rules', () => {
  it.each([
    ['ConfigMap', { metadata: { name: 'a' }, data: { 'bad key': 'x' } }, 'data[bad key]'],
    ['ConfigMap', { metadata: { name: 'a' }, data: { '..x': 'x' } }, "must not be '.' or '..' or start with '..'"],
    ['ConfigMap', { metadata: { name: 'a' }, data: { k: 'x' }, binaryData: { k: 'eA==' } }, 'duplicate of key present in data'],
    ['ConfigMap', { metadata: { name: 'a' }, binaryData: { k: 'not base64!' } }, 'illegal base64 data'],
    ['ConfigMap', { metadata: { name: 'a' }, data: { a: 'x'.repeat(MAX_PAYLOAD_BYTES), b: 'y' } }, 'Too long: must have at most 1048576 bytes'],
    ['ConfigMap', { metadata: { name: 'a' }, stringData: { a: 'x' } }, 'stringData'],
    ['Secret', { metadata: { name: 'a' }, type: 'kubernetes.io/dockerconfigjson', data: {} }, 'data[.dockerconfigjson]'],
    ['Secret', { metadata: { name: 'a' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{not json' } }, 'data[.dockerconfigjson]'],
    ['Secret', { metadata: { name: 'a' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c' } }, 'data[tls.key]'],
  ] as const)('a %s %j is refused at %s', (kind, body, text) => {
    const v = validateConfigObject(kind, body);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(JSON.stringify(v.causes)).toContain(text);
  });

  it('folds a Secret\'s stringData into base64 data, defaults its type to Opaque, and decodes it back to bytes', () => {
    const v = validateConfigObject('Secret', { metadata: { name: 's' }, data: { a: Buffer.from('one').toString('base64') }, stringData: { b: 'two' } });
    expect(v).toMatchObject({ ok: true, value: { type: 'Opaque', data: { a: 'b25l', b: 'dHdv' } } });
    if (!v.ok) return;
    expect(Object.fromEntries(Object.entries(payload(v.value)).map(([k, b]) => [k, b.toString()]))).toEqual({ a: 'one', b: 'two' });
    expect('stringData' in v.value).toBe(false);
  });

  it('redacts every Secret value in a record bound for the dead-letter topic', () => {
    const record = JSON.stringify(create({ metadata: { name: 's' }, data: { password: 'c2VjcmV0' }, stringData: { token: 'plain' } }, 'x', 'Secret'));
    const redacted = redactSecretValues(record);
    expect(redacted).not.toContain('c2VjcmV0');
    expect(redacted).not.toContain('plain');
    expect(JSON.parse(redacted).data.object.data).toEqual({ password: '<redacted>' });
    expect(redactSecretValues('not json')).toBe('<not JSON: value withheld>');
  });
});
