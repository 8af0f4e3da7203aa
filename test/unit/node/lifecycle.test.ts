import { DEFAULT_LIFECYCLE, evictionTimeoutFor, heartbeatSeenAt, planSweep, type LifecycleConfig } from '../../../shared/node/lifecycle';
import type { NodeReady, NodeRecord, PodRecord } from '../../../shared/ports';
import { aNodeDescription, aPodSpec, aRecordedPod } from '../../helpers/factories';

const S = 1000;
const NOW = 1_000_000 * S;

function node(name: string, o: { silentFor: number; ready?: NodeReady; readySince?: number; agentReady?: boolean }): NodeRecord {
  return {
    name,
    node: aNodeDescription({ name }),
    bootId: 'boot-1',
    lastHeartbeat: NOW - o.silentFor,
    agentReady: o.agentReady ?? true,
    ready: o.ready ?? 'True',
    readyTransition: o.readySince ?? 0,
    allocatable: { cpu: 4000, memory: 8 * 2 ** 30, pods: 110 },
    allocated: { cpu: 0, memory: 0, pods: 0 },
    reservations: {},
    version: 7,
  };
}

function podOn(nodeName: string, uid: string, tolerationSeconds?: number): PodRecord {
  const spec = aPodSpec(tolerationSeconds === undefined ? {} : { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }] });
  return { namespace: 'default', name: uid, uid, version: 1, pod: aRecordedPod({ name: uid, uid, spec, nodeName }), nodeName, deleted: false };
}

const byNode = (...pods: PodRecord[]) => {
  const map = new Map<string, PodRecord[]>();
  for (const p of pods) map.set(p.nodeName!, [...(map.get(p.nodeName!) ?? []), p]);
  return map;
};

const healthy = (n: number) => Array.from({ length: n }, (_, i) => node(`ok-${i}`, { silentFor: 5 * S }));

interface Row {
  name: string;
  nodes: NodeRecord[];
  pods: PodRecord[];
  cfg?: Partial<LifecycleConfig>;
  readyChanges: string[];
  evicted: string[];
  halted?: boolean;
}

const rows: Row[] = [
  { name: 'a gap shorter than the grace period changes nothing', nodes: [node('a', { silentFor: 39 * S }), ...healthy(2)], pods: [podOn('a', 'p1')], readyChanges: [], evicted: [] },
  { name: 'after the grace period the node becomes Unknown, nothing evicted yet', nodes: [node('a', { silentFor: 41 * S }), ...healthy(2)], pods: [podOn('a', 'p1')], readyChanges: ['a True→Unknown'], evicted: [] },
  {
    name: 'after the eviction timeout its pods are evicted',
    nodes: [node('a', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 300 * S }), ...healthy(2)],
    pods: [podOn('a', 'p1'), podOn('a', 'p2')],
    readyChanges: [],
    evicted: ['p1@a', 'p2@a'],
  },
  {
    name: 'one second before the eviction timeout nothing is evicted',
    nodes: [node('a', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 299 * S }), ...healthy(2)],
    pods: [podOn('a', 'p1')],
    readyChanges: [],
    evicted: [],
  },
  {
    name: 'a missed sweep still counts the silence from grace after the last heartbeat',
    nodes: [node('a', { silentFor: 341 * S }), ...healthy(2)],
    pods: [podOn('a', 'p1')],
    readyChanges: ['a True→Unknown'],
    evicted: ['p1@a'],
  },
  {
    name: 'tolerationSeconds shortens or lengthens a pod’s stay',
    nodes: [node('a', { silentFor: 100 * S, ready: 'Unknown', readySince: NOW - 60 * S }), ...healthy(2)],
    pods: [podOn('a', 'short', 30), podOn('a', 'long', 3600), podOn('a', 'default')],
    readyChanges: [],
    evicted: ['short@a'],
  },
  {
    name: 'more than 55% of nodes down halts evictions',
    nodes: [node('a', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 350 * S }), node('b', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 350 * S }), ...healthy(1)],
    pods: [podOn('a', 'p1'), podOn('b', 'p2')],
    readyChanges: ['a Unknown→Unknown', 'b Unknown→Unknown'],
    evicted: [],
    halted: true,
  },
  {
    name: 'a node still silent when a full disruption ends waits a whole eviction timeout from the last halted sweep',
    nodes: [node('a', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 2 * S }), ...healthy(2)],
    pods: [podOn('a', 'p1')],
    readyChanges: [],
    evicted: [],
  },
  {
    name: 'exactly half the nodes down still evicts',
    nodes: [node('a', { silentFor: 400 * S, ready: 'Unknown', readySince: NOW - 350 * S }), ...healthy(1)],
    pods: [podOn('a', 'p1')],
    readyChanges: [],
    evicted: ['p1@a'],
  },
  {
    name: 'the rate limit caps evictions per sweep, longest-lost node first',
    nodes: [node('a', { silentFor: 900 * S, ready: 'Unknown', readySince: NOW - 400 * S }), node('b', { silentFor: 900 * S, ready: 'Unknown', readySince: NOW - 800 * S }), ...healthy(3)],
    pods: [podOn('a', 'a1'), podOn('a', 'a2'), podOn('b', 'b1'), podOn('b', 'b2')],
    cfg: { maxEvictionsPerSweep: 3 },
    readyChanges: [],
    evicted: ['b1@b', 'b2@b', 'a1@a'],
  },
  { name: 'a node back in time becomes Ready again', nodes: [node('a', { silentFor: 2 * S, ready: 'Unknown', readySince: NOW - 60 * S })], pods: [], readyChanges: ['a Unknown→True'], evicted: [] },
  { name: 'a heartbeating agent that is fencing is NotReady, not Unknown', nodes: [node('a', { silentFor: 2 * S, agentReady: false })], pods: [podOn('a', 'p1')], readyChanges: ['a True→False'], evicted: [] },
];

describe('planSweep', () => {
  it.each(rows)('$name', ({ nodes, pods, cfg, readyChanges, evicted, halted }) => {
    const plan = planSweep(nodes, byNode(...pods), NOW, { ...DEFAULT_LIFECYCLE, ...cfg });
    expect(plan.readyChanges.map((c) => `${c.node} ${c.from}→${c.to}`)).toEqual(readyChanges);
    expect(plan.evictions.map((e) => `${e.pod.uid}@${e.node}`)).toEqual(evicted);
    expect(plan.evictionsHalted).toBe(halted ?? false);
  });

  it('conditions a Ready change on the version it read', () => {
    const plan = planSweep([node('a', { silentFor: 50 * S })], new Map(), NOW, DEFAULT_LIFECYCLE);
    expect(plan.readyChanges).toEqual([{ node: 'a', from: 'True', to: 'Unknown', expectedVersion: 7 }]);
  });

  it('skips pods already deleted', () => {
    const gone = { ...podOn('a', 'p1'), deleted: true };
    const plan = planSweep([node('a', { silentFor: 900 * S, ready: 'Unknown', readySince: 0 }), ...healthy(2)], byNode(gone), NOW, DEFAULT_LIFECYCLE);
    expect(plan.evictions).toEqual([]);
  });

  it.each([
    [undefined, 300 * S],
    [30, 30 * S],
    [0, 0],
  ])('takes tolerationSeconds %p as an eviction timeout of %p ms', (seconds, ms) => {
    expect(evictionTimeoutFor(podOn('a', 'p', seconds), DEFAULT_LIFECYCLE)).toBe(ms);
  });
});

describe('when a heartbeat counts as seen (the receiver’s clock)', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  it.each<[string, string, number | null]>([
    ['a heartbeat sent now', iso(NOW), NOW],
    ['a sender clock an hour ahead gains nothing', iso(NOW + 3600 * S), NOW],
    ['a sender clock behind, within the grace period', iso(NOW - 30 * S), NOW],
    ['a replay older than the grace period', iso(NOW - 41 * S), null],
    ['an unreadable time', 'yesterday', null],
  ])('%s', (_name, time, expected) => {
    expect(heartbeatSeenAt(time, NOW, DEFAULT_LIFECYCLE)).toBe(expected);
  });
});
