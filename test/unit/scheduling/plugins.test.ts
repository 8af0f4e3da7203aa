import type { FilterPlugin, PluginStatus } from '../../../shared/scheduling/framework';
import { leastAllocated } from '../../../shared/scheduling/plugins/least-allocated';
import { nodePrivileged } from '../../../shared/scheduling/plugins/node-privileged';
import { nodeReady } from '../../../shared/scheduling/plugins/node-ready';
import { nodeResourcesFit } from '../../../shared/scheduling/plugins/node-resources-fit';
import { nodeSelector } from '../../../shared/scheduling/plugins/node-selector';
import { compareVersions, isAtLeast, MIN_AGENT_VERSION_PRIVILEGED, nodeVersion } from '../../../shared/scheduling/plugins/node-version';
import { DEFAULT_PROFILE, FILTERS, profile } from '../../../shared/scheduling/registry';
import type { PodInfo } from '../../../shared/scheduling/framework';
import type { NodeRecord } from '../../../shared/ports';
import type { Container } from '../../../shared/pod/schema';
import { aNode, aPod } from './nodes';

const ok: PluginStatus = { code: 'Success', reasons: [] };
const no = (reason: string): PluginStatus => ({ code: 'Unschedulable', reasons: [reason] });
const never = (reason: string): PluginStatus => ({ code: 'UnschedulableAndUnresolvable', reasons: [reason] });

const withSecurity = (securityContext: Container['securityContext']): PodInfo => {
  const info = aPod();
  info.pod.spec.containers[0].securityContext = securityContext;
  return info;
};
const withInit = (securityContext: Container['securityContext']): PodInfo => {
  const info = aPod();
  info.pod.spec.initContainers = [{ name: 'init', image: 'podflow/base:1', securityContext }];
  return info;
};

const rows: [FilterPlugin, string, PodInfo, NodeRecord, PluginStatus][] = [
  [nodeReady, 'a Ready node with a ready agent', aPod(), aNode('a'), ok],
  [nodeReady, 'a NotReady node', aPod(), aNode('a', { ready: 'False' }), no("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")],
  [nodeReady, 'an Unknown node', aPod(), aNode('a', { ready: 'Unknown' }), no("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")],
  [nodeReady, 'a Ready node whose agent is still fencing', aPod(), aNode('a', { agentReady: false }), no("node(s) had untolerated taint {node.kubernetes.io/not-ready: }")],
  [nodeSelector, 'a pod without selector', aPod(), aNode('a'), ok],
  [nodeSelector, 'matching labels', aPod({ nodeSelector: { disk: 'ssd' } }), aNode('a', { labels: { disk: 'ssd', zone: 'z1' } }), ok],
  [nodeSelector, 'a label with another value', aPod({ nodeSelector: { disk: 'ssd' } }), aNode('a', { labels: { disk: 'hdd' } }), never("node(s) didn't match Pod's node affinity/selector")],
  [nodeSelector, 'a missing label', aPod({ nodeSelector: { disk: 'ssd' } }), aNode('a'), never("node(s) didn't match Pod's node affinity/selector")],
  [nodeSelector, 'the node named by nodeName', aPod({ nodeName: 'a' }), aNode('a'), ok],
  [nodeSelector, 'another node than nodeName', aPod({ nodeName: 'b' }), aNode('a'), never("node(s) didn't match the requested node name")],
  [nodePrivileged, 'an unprivileged pod on a strict node', aPod(), aNode('a', { allowPrivileged: false }), ok],
  [nodePrivileged, 'a privileged pod on a node that allows it', aPod({ privileged: true }), aNode('a', { allowPrivileged: true }), ok],
  [nodePrivileged, 'a privileged pod on a node that does not', aPod({ privileged: true }), aNode('a', { allowPrivileged: false }), never("node(s) didn't allow privileged containers")],
  [nodePrivileged, 'every capability on a node that does not allow privileged', withSecurity({ capabilities: { add: ['ALL'] } }), aNode('a', { allowPrivileged: false }), never("node(s) didn't allow privileged containers")],
  [nodePrivileged, 'a privileged init container on a node that does not', withInit({ privileged: true }), aNode('a', { allowPrivileged: false }), never("node(s) didn't allow privileged containers")],
  [nodePrivileged, 'baseline capabilities on a strict node', withSecurity({ capabilities: { add: ['NET_BIND_SERVICE'] } }), aNode('a', { allowPrivileged: false }), ok],
  [nodeVersion, 'a privileged pod on an agent at the minimum version', aPod({ privileged: true }), aNode('a', { agentVersion: MIN_AGENT_VERSION_PRIVILEGED }), ok],
  [nodeVersion, 'a privileged pod on a newer agent', aPod({ privileged: true }), aNode('a', { agentVersion: '1.4.2' }), ok],
  [nodeVersion, 'a privileged pod on an older agent', aPod({ privileged: true }), aNode('a', { agentVersion: '0.0.9' }), never('node(s) had an agent too old for privileged containers')],
  [nodeVersion, 'a privileged pod on an unreadable version', aPod({ privileged: true }), aNode('a', { agentVersion: 'unknown' }), never('node(s) had an agent too old for privileged containers')],
  [nodeVersion, 'an unprivileged pod on an old agent', aPod(), aNode('a', { agentVersion: '0.0.1' }), ok],
  [nodeResourcesFit, 'requests that fit', aPod({ cpu: '1', memory: '1Gi' }), aNode('a'), ok],
  [nodeResourcesFit, 'requests that fill the node exactly', aPod({ cpu: '4', memory: '8Gi' }), aNode('a'), ok],
  [nodeResourcesFit, 'one millicore too many', aPod({ cpu: '4001m' }), aNode('a'), no('Insufficient cpu')],
  [nodeResourcesFit, 'cpu already taken', aPod({ cpu: '500m' }), aNode('a', { allocated: { cpu: 3600 } }), no('Insufficient cpu')],
  [nodeResourcesFit, 'memory too large', aPod({ memory: '9Gi' }), aNode('a'), no('Insufficient memory')],
  [nodeResourcesFit, 'a full pod count', aPod(), aNode('a', { pods: 2, allocated: { pods: 2 } }), no('Too many pods')],
  [nodeResourcesFit, 'a replayed bind the node already reserved', aPod({ uid: 'u', cpu: '4' }), aNode('a', { allocated: { cpu: 4000 }, reservations: { u: { cpu: 4000, memory: 0, pods: 1 } } }), ok],
];

describe('filter plugins', () => {
  it.each(rows.map(([plugin, name, pod, node, status]) => ({ plugin: plugin.name, name, pod, node, status, filter: plugin })))('$plugin: $name', ({ filter, pod, node, status }) => {
    expect(filter.filter(pod, node)).toEqual(status);
  });

  it('reports every missing resource at once', () => {
    expect(nodeResourcesFit.filter(aPod({ cpu: '5', memory: '9Gi' }), aNode('a', { pods: 1, allocated: { pods: 1 } }))).toEqual({
      code: 'Unschedulable',
      reasons: ['Too many pods', 'Insufficient cpu', 'Insufficient memory'],
    });
  });
});

describe('NodeResourcesLeastAllocated', () => {
  it.each([
    { name: 'an empty node, no requests', pod: aPod(), node: aNode('a', { pods: 100 }), score: 100 },
    { name: 'half the cpu requested', pod: aPod({ cpu: '2' }), node: aNode('a', { pods: 100 }), score: 83 },
    { name: 'a node already half full', pod: aPod(), node: aNode('a', { pods: 100, allocated: { cpu: 2000, memory: 4 * 2 ** 30, pods: 49 } }), score: 50 },
    { name: 'a node with nothing allocatable', pod: aPod({ cpu: '1' }), node: aNode('a', { cpu: '0', memory: '0', pods: 0 }), score: 0 },
  ])('scores $name as $score', ({ pod, node, score }) => {
    expect(leastAllocated.score(pod, node)).toBe(score);
  });

  it('prefers the emptier node', () => {
    const pod = aPod({ cpu: '1' });
    expect(leastAllocated.score(pod, aNode('a'))).toBeGreaterThan(leastAllocated.score(pod, aNode('b', { allocated: { cpu: 2000 } })));
  });
});

describe('agent versions', () => {
  it.each([
    ['0.1.0', '0.1.0', 0],
    ['0.1.1', '0.1.0', 1],
    ['0.2.0', '0.10.0', -1],
    ['1.0.0', '0.99.99', 1],
    ['v0.1.0', '0.1.0', 0],
    ['0.1.0-rc.1', '0.1.0', -1],
    ['0.1.0-rc.2', '0.1.0-rc.10', -1],
    ['0.1.0-alpha', '0.1.0-1', 1],
    ['0.1.0+build.5', '0.1.0', 0],
  ])('compares %s with %s as %p', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b)!)).toBe(sign);
  });

  it.each(['', 'dev', '1.2', '1.2.3.4', 'latest'])('does not read %p as a version, so it is not at least any minimum', (v) => {
    expect(compareVersions(v, '0.1.0')).toBeUndefined();
    expect(isAtLeast(v, '0.0.0')).toBe(false);
  });
});

describe('registry', () => {
  it('runs NodeVersion after NodePrivileged and before the resource fit in the default profile', () => {
    expect(DEFAULT_PROFILE.filters.map((f) => f.name)).toEqual(['NodeReady', 'NodeNetwork', 'NodePorts', 'NodeSelector', 'NodeAffinity', 'TaintToleration', 'NodePrivileged', 'NodeVersion', 'NodeResourcesFit']);
    expect(FILTERS.NodeVersion).toBe(nodeVersion);
  });

  it('refuses a profile that names an unknown plugin', () => {
    expect(() => profile(['NodeReady', 'NoSuchPlugin'], [])).toThrow('unknown scheduler plugin NoSuchPlugin');
  });
});
