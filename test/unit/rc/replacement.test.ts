import type { Pod } from '../../../shared/pod/schema';
import { replacementUid } from '../../../shared/rc/ids';
import { podUid } from '../../../shared/pod/uid';
import { decideSameNameReplacement, needsSameNameReplacement, REPLACE_ON_NODE_LOSS } from '../../../shared/rc/replacement';
import { anOwnedPod, T0 } from './given';

function aBarePod(o: { annotated?: boolean | string; reason?: string; owned?: boolean } = {}): Pod {
  const pod = anOwnedPod('db', 'lost').pod;
  pod.metadata.ownerReferences = o.owned ? pod.metadata.ownerReferences : undefined;
  const value = o.annotated === undefined ? 'true' : o.annotated === true ? 'true' : o.annotated === false ? undefined : o.annotated;
  pod.metadata.annotations = value === undefined ? undefined : { [REPLACE_ON_NODE_LOSS]: value };
  pod.status.reason = o.reason ?? 'NodeLost';
  return pod;
}

describe('same-name replacement of bare pods', () => {
  it.each([
    ['an annotated bare pod lost with its node', aBarePod(), 'replace'],
    ['a pod without the annotation', aBarePod({ annotated: false }), 'none'],
    ['a pod annotated with a value other than "true"', aBarePod({ annotated: 'yes' }), 'none'],
    ['a pod deleted for another reason', aBarePod({ reason: 'Evicted' }), 'none'],
    ['a pod with a controller (the controller replaces it)', aBarePod({ owned: true }), 'none'],
  ])('%s → %s', (_name, pod, kind) => {
    expect(decideSameNameReplacement(pod, T0).kind).toBe(kind);
  });

  it('requests the same name, labels, annotations and spec with a new uid derived from the old, unbound', () => {
    const old = aBarePod();
    const d = decideSameNameReplacement(old, T0);
    if (d.kind !== 'replace') throw new Error('expected a replacement');
    expect(d.create.id).toBe(replacementUid(old.metadata.uid));
    expect(d.create.id).not.toBe(old.metadata.uid);
    expect(d.create.key).toBe('default/db');
    expect(d.create.data.pod.metadata).toEqual({ name: 'db', namespace: 'default', labels: old.metadata.labels, annotations: old.metadata.annotations });
    expect(d.create.data.pod.spec.nodeName).toBeUndefined();
    expect(d.create.data.pod.spec.containers).toEqual(old.spec.containers);
    expect(decideSameNameReplacement(old, new Date(T0.getTime() + 5000)).kind === 'replace' && decideSameNameReplacement(old, T0)).toMatchObject({ create: { id: d.create.id } });
  });

  it('writes the chain on both incarnations of the name', () => {
    const old = aBarePod();
    const d = decideSameNameReplacement(old, T0);
    if (d.kind !== 'replace') throw new Error('expected a replacement');
    // The create's id comes from the old uid; the new pod's uid is minted from it as the pod-controller does.
    expect(d.create.id).toBe(replacementUid(old.metadata.uid));
    const newUid = podUid(old.metadata.namespace, old.metadata.name, d.create.id);
    expect(d.history.map((h) => [h.name, h.uid, h.type, h.reason, h.message])).toEqual([
      ['db', old.metadata.uid, 'Normal', 'Replaced', `replaced by pod db (uid ${newUid}) after NodeLost on node-1`],
      ['db', newUid, 'Normal', 'ReplacementFor', `replacement for pod db (uid ${old.metadata.uid}) after NodeLost on node-1`],
    ]);
  });

  it.each([
    ['the lost incarnation is still the stored one', (r: ReturnType<typeof anOwnedPod>) => r, true],
    ['a newer incarnation holds the name', (r: ReturnType<typeof anOwnedPod>) => ({ ...r, uid: 'newer' }), false],
    ['the loss is older than the window', (r: ReturnType<typeof anOwnedPod>) => ({ ...r, pod: { ...r.pod, metadata: { ...r.pod.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } } }), false],
  ])('the sweep re-requests when %s: %s', (_name, mutate, expected) => {
    const record = { ...anOwnedPod('db', 'lost'), pod: aBarePod() };
    expect(needsSameNameReplacement(mutate(record), T0, 600_000)).toBe(expected);
  });
});
