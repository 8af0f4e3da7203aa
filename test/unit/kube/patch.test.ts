import { applyPatch, PatchError, patchTypeOf } from '../../../shared/kube/patch/patch';
import { strategicMergePatch } from '../../../shared/kube/patch/strategic-merge';

const pod = {
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }], command: ['a', 'b'] },
      { name: 'side', image: 'busybox:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
  },
};

const images = (o: unknown) => (o as typeof pod).spec.containers.map((c) => `${c.name}=${c.image}`);

describe('strategic merge patch', () => {
  it.each<[string, unknown, (o: typeof pod) => unknown, unknown]>([
    ['merges a container by name, keeping the others', { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }, images, ['web=nginx:2', 'side=busybox:1']],
    ['appends a container with a new name', { spec: { containers: [{ name: 'new', image: 'x:1' }] } }, images, ['web=nginx:1', 'side=busybox:1', 'new=x:1']],
    ['deletes a container with $patch: delete', { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, images, ['web=nginx:1']],
    ['replaces the whole list with a $patch: replace item', { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] } }, images, ['only=o:1']],
    ['merges env by name', { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } }, (o) => o.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]],
    ['merges ports by containerPort', { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } }, (o) => o.spec.containers[0].ports, [{ containerPort: 80, name: 'http' }, { containerPort: 443 }]],
    ['merges volumeMounts by mountPath', { spec: { containers: [{ name: 'side', volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } }, (o) => o.spec.containers[1].volumeMounts, [{ name: 'data', mountPath: '/data', readOnly: true }]],
    ['replaces tolerations as a whole (no merge key in Kubernetes)', { spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } }, (o) => o.spec.tolerations, [{ key: 'other', operator: 'Exists' }]],
    ['replaces a command as a whole', { spec: { containers: [{ name: 'web', command: ['c'] }] } }, (o) => o.spec.containers[0].command, ['c']],
    ['null removes a field', { metadata: { labels: { app: null, tier: 'front' } } }, (o) => o.metadata.labels, { tier: 'front' }],
    ['orders a list with $setElementOrder', { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } }, images, ['side=busybox:1', 'web=nginx:1']],
    ['unites finalizers as a set', { metadata: { finalizers: ['a', 'b'] } }, (o) => o.metadata.finalizers, ['a', 'b']],
    ['removes from a primitive list with $deleteFromPrimitiveList', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, (o) => o.metadata.finalizers, []],
    ['keeps only the retained keys with $retainKeys', { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } }, (o) => o.spec.volumes, [{ name: 'data', hostPath: { path: '/x' } }]],
    ['replaces a map with $patch: replace', { metadata: { labels: { $patch: 'replace', only: 'this' } } }, (o) => o.metadata.labels, { only: 'this' }],
  ])('%s', (_name, patch, pick, expected) => {
    const before = structuredClone(pod);
    expect(pick(strategicMergePatch(pod, patch) as typeof pod)).toEqual(expected);
    expect(pod).toEqual(before);
  });

  it('refuses a keyed item without its merge key', () => {
    expect(() => strategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } })).toThrow(/does not contain declared merge key: name/);
  });
});

describe('applyPatch by content type', () => {
  it.each([
    ['application/json-patch+json', 'json'],
    ['application/merge-patch+json; charset=utf-8', 'merge'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/apply-patch+yaml', 'apply'],
    ['application/json', undefined],
  ])('%s is %s', (header, type) => {
    expect(patchTypeOf(header)).toBe(type);
  });

  it('applies a JSON patch in order, all or nothing', () => {
    const out = applyPatch('json', pod, [
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:3' },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
    ]) as typeof pod;
    expect(images(out)).toEqual(['web=nginx:3', 'side=busybox:1']);
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(() => applyPatch('json', pod, [{ op: 'test', path: '/metadata/name', value: 'other' }])).toThrow(PatchError);
    expect(() => applyPatch('json', pod, [{ op: 'remove', path: '/spec/nothing' }])).toThrow(PatchError);
    expect(() => applyPatch('json', pod, { op: 'add' })).toThrow('a JSON patch must be a list of operations');
  });

  it('a merge patch replaces lists whole (RFC 7386)', () => {
    const out = applyPatch('merge', pod, { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }) as typeof pod;
    expect(out.spec.containers).toEqual([{ name: 'web', image: 'nginx:2' }]);
  });
});
