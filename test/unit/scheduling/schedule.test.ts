import { schedule, unschedulableMessage } from '../../../shared/scheduling/framework';
import { DEFAULT_PROFILE } from '../../../shared/scheduling/registry';
import type { PodInfo } from '../../../shared/scheduling/framework';
import type { NodeRecord } from '../../../shared/ports';
import { aNode, aPod } from './nodes';

describe('schedule with the default profile', () => {
  it.each<{ name: string; pod: PodInfo; nodes: NodeRecord[]; message: string }>([
    {
      name: 'a privileged pod that fits nowhere says why per node',
      pod: aPod({ privileged: true, cpu: '2' }),
      nodes: [aNode('a', { allowPrivileged: true, allocated: { cpu: 3000 } }), aNode('b'), aNode('c')],
      message: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't allow privileged containers.",
    },
    {
      name: 'old agents and strict nodes are told apart',
      pod: aPod({ privileged: true }),
      nodes: [aNode('a', { allowPrivileged: true, agentVersion: '0.0.5' }), aNode('b')],
      message: "0/2 nodes are available: 1 node(s) didn't allow privileged containers, 1 node(s) had an agent too old for privileged containers.",
    },
    {
      name: 'the first failing filter decides for each node',
      pod: aPod({ cpu: '8', nodeSelector: { disk: 'ssd' } }),
      nodes: [aNode('a', { ready: 'Unknown' }), aNode('b'), aNode('c', { labels: { disk: 'ssd' } })],
      message: "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.",
    },
    { name: 'no nodes at all', pod: aPod(), nodes: [], message: '0/0 nodes are available: no nodes registered.' },
  ])('$name', ({ pod, nodes, message }) => {
    const result = schedule(pod, nodes, DEFAULT_PROFILE);
    expect(result).toEqual(expect.objectContaining({ kind: 'unschedulable', message }));
  });

  it.each<{ name: string; pod: PodInfo; nodes: NodeRecord[]; ranked: string[] }>([
    { name: 'places a privileged pod only on the node that allows it', pod: aPod({ privileged: true }), nodes: [aNode('a'), aNode('b', { allowPrivileged: true }), aNode('c')], ranked: ['b'] },
    { name: 'places a privileged pod only where the agent is new enough', pod: aPod({ privileged: true }), nodes: [aNode('a', { allowPrivileged: true, agentVersion: '0.0.1' }), aNode('b', { allowPrivileged: true, agentVersion: '0.2.0' })], ranked: ['b'] },
    { name: 'ranks the emptier node first', pod: aPod({ cpu: '1' }), nodes: [aNode('busy', { allocated: { cpu: 3000 } }), aNode('idle')], ranked: ['idle', 'busy'] },
    { name: 'breaks score ties by node name', pod: aPod(), nodes: [aNode('c'), aNode('a'), aNode('b')], ranked: ['a', 'b', 'c'] },
  ])('$name', ({ pod, nodes, ranked }) => {
    const result = schedule(pod, nodes, DEFAULT_PROFILE);
    if (result.kind !== 'feasible') throw new Error(`expected feasible, got ${result.message}`);
    expect(result.ranked.map((r) => r.node)).toEqual(ranked);
  });
});

describe('unschedulableMessage', () => {
  it.each<[number, Record<string, number>, string]>([
    [3, { 'Insufficient cpu': 1, "node(s) didn't allow privileged containers": 2 }, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't allow privileged containers."],
    [2, { 'Insufficient memory': 1, 'Insufficient cpu': 2 }, '0/2 nodes are available: 2 Insufficient cpu, 1 Insufficient memory.'],
    [0, {}, '0/0 nodes are available: no nodes registered.'],
  ])('words %p nodes with reasons %p', (total, reasons, message) => {
    expect(unschedulableMessage(total, reasons)).toBe(message);
  });
});
