/** NodeAffinity as kube-scheduler's plugin: required terms filter (ORed terms, ANDed requirements), preferred terms score, bad terms are refused. */
import { nodeAffinity, nodeAffinityCauses, nodeAffinityPreference, termMatches } from '../../../shared/scheduling/plugins/node-affinity';
import { validatePodManifest } from '../../../shared/pod/validate';
import { aNode, aPod } from './nodes';

const node = { name: 'n1', node: { labels: { disk: 'ssd', zone: 'a', cores: '8' } } };
const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });

describe('a node selector term', () => {
  it.each<[string, object, boolean]>([
    ['In, matching', expr('disk', 'In', ['ssd', 'nvme']), true],
    ['In, other value', expr('disk', 'In', ['hdd']), false],
    ['NotIn, absent label', expr('gpu', 'NotIn', ['a100']), true],
    ['Exists', expr('zone', 'Exists'), true],
    ['DoesNotExist on a present label', expr('zone', 'DoesNotExist'), false],
    ['Gt', expr('cores', 'Gt', ['4']), true],
    ['Lt', expr('cores', 'Lt', ['4']), false],
    ['Gt on a label that is not a number', expr('disk', 'Gt', ['4']), false],
    ['requirements of one term are ANDed', { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'In', values: ['b'] }] }, false],
    ['matchFields on the node name', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, true],
    ['an empty term matches no node', {}, false],
    ['an inherited key is not a label', expr('toString', 'Exists'), false],
  ])('%s', (_name, term, matches) => {
    expect(termMatches(term, node)).toBe(matches);
  });
});

describe('the NodeAffinity filter and score', () => {
  const withAffinity = (nodeAffinitySpec: object) => {
    const info = aPod();
    info.pod.spec.affinity = { nodeAffinity: nodeAffinitySpec };
    return info;
  };
  const required = (...terms: object[]) => withAffinity({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } });

  it('passes a node that matches any required term, and refuses one that matches none with kube-scheduler’s reason', () => {
    const pod = required(expr('disk', 'In', ['hdd']), expr('zone', 'In', ['a']));
    expect(nodeAffinity.filter(pod, aNode('a', { labels: { zone: 'a' } })).code).toBe('Success');
    expect(nodeAffinity.filter(pod, aNode('b', { labels: { zone: 'b' } }))).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] });
    expect(nodeAffinity.filter(aPod(), aNode('c')).code).toBe('Success');
  });

  it('scores by the weight of the preferred terms a node matches', () => {
    const pod = withAffinity({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, preference: expr('disk', 'In', ['ssd']) }, { weight: 20, preference: expr('zone', 'In', ['a']) }] });
    expect(nodeAffinityPreference.score(pod, aNode('a', { labels: { disk: 'ssd', zone: 'b' } }))).toBe(80);
    expect(nodeAffinityPreference.score(pod, aNode('b', { labels: { disk: 'ssd', zone: 'a' } }))).toBe(100);
    expect(nodeAffinityPreference.score(aPod(), aNode('c'))).toBe(0);
  });
});

describe('validation of node affinity terms', () => {
  const base = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
  it.each<[string, object, string[]]>([
    ['a well-formed term', { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('disk', 'In', ['ssd'])] } }, []],
    ['an unknown operator', { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('disk', 'Near', ['ssd'])] } }, [`${base}[0].matchExpressions[0].operator: Unsupported value: "Near": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"`]],
    ['In without values', { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('disk', 'In')] } }, [`${base}[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`]],
    ['Exists with values', { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('disk', 'Exists', ['x'])] } }, [`${base}[0].matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`]],
    ['no terms', { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } }, [`${base}: Required value: must have at least one node selector term`]],
    ['a preferred weight out of range', { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: expr('disk', 'Exists') }] }, ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100']],
  ])('%s', (_name, na, messages) => {
    expect(nodeAffinityCauses({ affinity: { nodeAffinity: na } }).map((c) => `${c.field}: ${c.message}`)).toEqual(messages);
  });

  it('runs as part of pod validation', () => {
    const result = validatePodManifest({ metadata: { name: 'web' }, spec: { containers: [{ name: 'a', image: 'x:1' }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr('disk', 'Near', ['ssd'])] } } } } });
    expect(result.ok).toBe(false);
  });
});
