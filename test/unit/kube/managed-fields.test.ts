import { conflictMessage, serverSideApply } from '../../../shared/kube/managed-fields/apply';
import { fieldSet, fromFieldsV1, renderPath, toFieldsV1 } from '../../../shared/kube/managed-fields/field-set';
import { readManagers, recordUpdate, writeManagers, type Manager } from '../../../shared/kube/managed-fields/managers';

const T = '2026-01-01T00:00:00Z';
const live = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' },
  status: { phase: 'Running' },
};
const config = (image: string, labels: Record<string, string> = { app: 'web' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels },
  spec: { containers: [{ name: 'web', image }] },
});
const applier = (manager: string, object: unknown): Manager => ({ manager, operation: 'Apply', time: T, set: fieldSet(object) });

describe('field sets', () => {
  it('lists leaves as fieldsV1 paths, keyed items as nodes, and leaves out what the server sets', () => {
    expect([...fieldSet(config('nginx:1'))].map((k) => renderPath(JSON.parse(k) as string[])).sort()).toEqual([
      '.metadata.labels.app',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
      '.spec.containers[name="web"].name',
    ]);
  });

  it('round-trips through the nested fieldsV1 form Kubernetes shows', () => {
    const set = fieldSet(config('nginx:1'));
    const nested = toFieldsV1(set);
    expect(nested).toEqual({ 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } });
    expect(fromFieldsV1(nested)).toEqual(set);
    expect(readManagers(writeManagers([{ manager: 'm', operation: 'Apply', time: T, set }], 'v1'))).toEqual([{ manager: 'm', operation: 'Apply', time: T, set }]);
  });
});

describe('server-side apply', () => {
  it('merges the applied fields into the live object and makes the applier their owner', () => {
    const out = serverSideApply({ live, applied: config('nginx:2', { app: 'web', tier: 'front' }), managers: [], manager: 'kubectl', force: false, time: T });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.object.spec).toEqual({ containers: [{ name: 'web', image: 'nginx:2', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' });
    expect(out.object.metadata).toMatchObject({ labels: { app: 'web', tier: 'front' }, uid: 'u' });
    expect(out.managers.map((m) => m.manager)).toEqual(['kubectl']);
  });

  it.each<[string, Manager[], unknown, boolean, string | null]>([
    ['another applier set the image: changing it conflicts', [applier('first', config('nginx:1'))], config('nginx:2'), false, 'Apply failed with 1 conflict: conflict with "first": .spec.containers[name="web"].image'],
    ['applying the same value shares the field, no conflict', [applier('first', config('nginx:1'))], config('nginx:1'), false, null],
    ['force takes the field over', [applier('first', config('nginx:1'))], config('nginx:2'), true, null],
    [
      'an updater is named with its API version and time',
      [{ manager: 'kubectl-edit', operation: 'Update', time: T, set: fieldSet(config('nginx:1')) }],
      config('nginx:2'),
      false,
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1 at 2026-01-01T00:00:00Z: .spec.containers[name="web"].image',
    ],
  ])('%s', (_name, managers, applied, force, message) => {
    const out = serverSideApply({ live, applied: applied as Record<string, unknown>, managers, manager: 'second', force, time: T });
    if (message === null) expect(out.ok).toBe(true);
    else expect(!out.ok && conflictMessage(out.conflicts, 'v1')).toBe(message);
    if (out.ok && force) expect(out.managers.find((m) => m.manager === 'first')?.set.has(JSON.stringify(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']))).toBe(false);
  });

  it('removes a field the applier owned alone and no longer applies', () => {
    const before = { ...live, metadata: { ...live.metadata, labels: { app: 'web', tier: 'front' } } };
    const out = serverSideApply({ live: before, applied: config('nginx:1'), managers: [applier('kubectl', config('nginx:1', { app: 'web', tier: 'front' }))], manager: 'kubectl', force: false, time: T });
    expect(out.ok && out.object.metadata).toMatchObject({ labels: { app: 'web' } });
  });

  it('keeps a dropped field another manager also owns', () => {
    const labelled = config('nginx:1', { app: 'web', tier: 'front' });
    const before = { ...live, metadata: { ...live.metadata, labels: { app: 'web', tier: 'front' } } };
    const out = serverSideApply({ live: before, applied: config('nginx:1'), managers: [applier('kubectl', labelled), applier('other', { metadata: { labels: { tier: 'front' } } })], manager: 'kubectl', force: false, time: T });
    expect(out.ok && out.object.metadata).toMatchObject({ labels: { app: 'web', tier: 'front' } });
  });

  it('groups several conflicts by manager, as Kubernetes words them', () => {
    const out = serverSideApply({ live, applied: config('nginx:2', { app: 'other' }), managers: [applier('first', config('nginx:1'))], manager: 'second', force: false, time: T });
    expect(!out.ok && conflictMessage(out.conflicts, 'v1')).toBe('Apply failed with 2 conflicts: conflicts with "first":\n- .metadata.labels.app\n- .spec.containers[name="web"].image');
  });
});

describe('updates', () => {
  it('give the updater what it changed and take it from the others', () => {
    const managers = recordUpdate([applier('kubectl', config('nginx:1'))], live, { ...live, metadata: { ...live.metadata, labels: { app: 'web', tier: 'front' } }, spec: { ...live.spec, containers: [{ ...live.spec.containers[0], image: 'nginx:2' }] } }, 'kubectl-edit', T);
    const edit = managers.find((m) => m.manager === 'kubectl-edit')!;
    expect([...edit.set].map((k) => renderPath(JSON.parse(k) as string[])).sort()).toEqual(['.metadata.labels.tier', '.spec.containers[name="web"].image']);
    expect(managers.find((m) => m.manager === 'kubectl')!.set.has(JSON.stringify(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']))).toBe(false);
  });
});
