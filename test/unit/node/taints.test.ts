/** Taints and tolerations as Kubernetes matches them: the shared matcher, the TaintToleration plugin, NoExecute evictions and the API's taint decision. */
import { decideTaints } from '../../../api/routes/node-patch';
import { noExecuteStayMs, taintCauses, tolerates, untoleratedTaint, type NodeTaint, type TolerationLike } from '../../../shared/node/taints';
import { planTaintEvictions } from '../../../shared/node/taint-eviction';
import type { PodRecord } from '../../../shared/ports';
import { taintToleration, taintTolerationPreference } from '../../../shared/scheduling/plugins/taint-toleration';
import { aPodSpec, aRecordedPod } from '../../helpers/factories';
import { aNode, aPod } from '../scheduling/nodes';

const gpu: NodeTaint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('a toleration against a taint', () => {
  it.each<[string, TolerationLike, boolean]>([
    ['Equal with the same key, value and effect', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    ['no operator means Equal', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }, false],
    ['Exists ignores the value', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    ['another key', { key: 'team', operator: 'Exists' }, false],
    ['an empty effect matches every effect', { key: 'dedicated', operator: 'Equal', value: 'gpu' }, true],
    ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['an empty key with Exists matches every taint', { operator: 'Exists' }, true],
    ['an empty key with Exists still checks the effect', { operator: 'Exists', effect: 'PreferNoSchedule' }, false],
    ['an unknown operator matches nothing', { key: 'dedicated', operator: 'Gt', value: 'gpu' }, false],
  ])('%s', (_name, toleration, expected) => {
    expect(tolerates(toleration, gpu)).toBe(expected);
  });

  it('compares an absent taint value as empty', () => {
    expect(tolerates({ key: 'k', operator: 'Equal', value: '' }, { key: 'k', effect: 'NoSchedule' })).toBe(true);
  });
});

describe('the TaintToleration filter', () => {
  const withTolerations = (tolerations: TolerationLike[]) => {
    const info = aPod();
    return { ...info, pod: { ...info.pod, spec: { ...info.pod.spec, tolerations: tolerations as never } } };
  };
  it.each<[string, NodeTaint[], TolerationLike[], string | null]>([
    ['an untainted node passes', [], [], null],
    ['an untolerated NoSchedule taint fails with its key and value', [gpu], [], 'node(s) had untolerated taint {dedicated: gpu}'],
    ['an untolerated NoExecute taint fails', [{ key: 'maint', effect: 'NoExecute' }], [], 'node(s) had untolerated taint {maint: }'],
    ['PreferNoSchedule never filters', [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }], [], null],
    ['a tolerated taint passes', [gpu], [{ key: 'dedicated', operator: 'Exists' }], null],
    ['the first untolerated taint is named', [gpu, { key: 'b', value: '2', effect: 'NoSchedule' }], [{ key: 'dedicated', operator: 'Exists' }], 'node(s) had untolerated taint {b: 2}'],
  ])('%s', (_name, taints, tolerations, reason) => {
    const status = taintToleration.filter(withTolerations(tolerations), { ...aNode('n1'), taints });
    expect(status.code).toBe(reason ? 'UnschedulableAndUnresolvable' : 'Success');
    expect(status.reasons).toEqual(reason ? [reason] : []);
  });

  it('scores a node with fewer untolerated PreferNoSchedule taints higher', () => {
    const prefer = (key: string): NodeTaint => ({ key, effect: 'PreferNoSchedule' });
    const score = (taints: NodeTaint[], tolerations: TolerationLike[] = []) => taintTolerationPreference.score(withTolerations(tolerations), { ...aNode('n1'), taints });
    expect(score([])).toBe(100);
    expect(score([prefer('a')])).toBeLessThan(score([]));
    expect(score([prefer('a'), prefer('b')])).toBeLessThan(score([prefer('a')]));
    expect(score([prefer('a')], [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }])).toBe(100);
    // A NoSchedule toleration does not count for PreferNoSchedule taints.
    expect(score([prefer('a')], [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }])).toBeLessThan(100);
  });
});

describe('NoExecute', () => {
  const maint: NodeTaint = { key: 'maint', value: 'now', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00.000Z' };
  const t0 = Date.parse(maint.timeAdded!);
  const podOn = (uid: string, tolerations: TolerationLike[] = []): PodRecord => ({
    namespace: 'default',
    name: uid,
    uid,
    version: 1,
    pod: aRecordedPod({ name: uid, uid, nodeName: 'n1', spec: aPodSpec({ tolerations: tolerations as never }) }),
    nodeName: 'n1',
    deleted: false,
  });

  it.each<[string, TolerationLike[], number]>([
    ['not tolerated: no stay', [], 0],
    ['tolerated without tolerationSeconds: forever', [{ key: 'maint', operator: 'Exists' }], Infinity],
    ['tolerated for 30 s', [{ key: 'maint', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], 30_000],
    ['the least tolerationSeconds of the tolerations used', [{ key: 'maint', operator: 'Exists', tolerationSeconds: 60 }, { operator: 'Exists', tolerationSeconds: 10 }], 10_000],
    ['a negative tolerationSeconds is 0', [{ key: 'maint', operator: 'Exists', tolerationSeconds: -5 }], 0],
  ])('%s', (_name, tolerations, stay) => {
    expect(noExecuteStayMs([maint], tolerations)).toBe(stay);
  });

  it.each<[string, TolerationLike[], number, boolean]>([
    ['evicts an untolerating pod at once', [], t0, true],
    ['keeps a pod tolerating it forever', [{ key: 'maint', operator: 'Exists' }], t0 + 10 ** 9, false],
    ['keeps a pod within its tolerationSeconds', [{ key: 'maint', operator: 'Exists', tolerationSeconds: 30 }], t0 + 29_000, false],
    ['evicts a pod once its tolerationSeconds passed', [{ key: 'maint', operator: 'Exists', tolerationSeconds: 30 }], t0 + 30_000, true],
  ])('%s', (_name, tolerations, now, evicted) => {
    const pod = podOn('p1', tolerations);
    const plan = planTaintEvictions([{ ...aNode('n1'), taints: [maint] }], new Map([['n1', [pod]]]), now, 10);
    expect(plan.map((e) => e.pod.uid)).toEqual(evicted ? ['p1'] : []);
  });

  it('ignores NoSchedule taints, deleted pods, and stops at the rate limit', () => {
    const pods = [podOn('a'), podOn('b'), { ...podOn('gone'), deleted: true }];
    expect(planTaintEvictions([{ ...aNode('n1'), taints: [gpu] }], new Map([['n1', pods]]), t0, 10)).toEqual([]);
    expect(planTaintEvictions([{ ...aNode('n1'), taints: [maint] }], new Map([['n1', pods]]), t0, 1).map((e) => e.pod.uid)).toEqual(['a']);
  });

  it('finds the untolerated taint among several', () => {
    expect(untoleratedTaint([gpu, maint], [{ key: 'dedicated', operator: 'Exists' }], ['NoExecute'])).toEqual(maint);
  });
});

describe('the taints a node patch asks for', () => {
  const live = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', resourceVersion: '5', labels: { a: 'b' } }, spec: {}, status: { capacity: {} } };
  const now = new Date('2026-02-01T00:00:00.000Z');
  const patched = (taints: unknown, extra: Record<string, unknown> = {}) => ({ ...live, ...extra, spec: { taints } });

  it.each<[string, unknown, NodeTaint[], NodeTaint[]]>([
    ['a NoSchedule taint as given', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], [], [gpu]],
    ['removing the last taint', null, [gpu], []],
    ['a new NoExecute taint gets timeAdded now', [{ key: 'm', effect: 'NoExecute' }], [], [{ key: 'm', effect: 'NoExecute', timeAdded: now.toISOString() }]],
    ['a NoExecute taint keeps its stored timeAdded', [{ key: 'm', effect: 'NoExecute' }], [{ key: 'm', effect: 'NoExecute', timeAdded: 'earlier' }], [{ key: 'm', effect: 'NoExecute', timeAdded: 'earlier' }]],
    ['the Ready taints of the node controller are not stored', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }, gpu], [], [gpu]],
  ])('%s', (_name, taints, stored, expected) => {
    expect(decideTaints(live, patched(taints), stored, now)).toEqual({ ok: true, taints: expected });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a label change', patched([], { metadata: { ...live.metadata, labels: { a: 'c' } } }), 'metadata.labels.a'],
    ['spec.unschedulable', { ...live, spec: { unschedulable: true } }, 'spec.unschedulable'],
    ['a taint without an effect', patched([{ key: 'k' }]), 'spec.taints[0].effect'],
    ['an unknown effect', patched([{ key: 'k', effect: 'Sometimes' }]), 'spec.taints[0].effect'],
    ['a bad key', patched([{ key: 'not a key', effect: 'NoSchedule' }]), 'spec.taints[0].key'],
    ['the same key and effect twice', patched([gpu, gpu]), 'spec.taints[1]'],
  ])('refuses %s, naming the field', (_name, object, field) => {
    const decision = decideTaints(live, object, [], now);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.causes.map((c) => c.field)).toContain(field);
  });

  it('names every cause of several bad taints', () => {
    expect(taintCauses([{ effect: 'NoSchedule' }, { key: 'k', value: 'bad value!', effect: 'NoSchedule' }]).map((c) => c.field)).toEqual(['spec.taints[0].key', 'spec.taints[1].value']);
  });
});
