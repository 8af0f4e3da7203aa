import { allocatePodCidr, parseCidr, podCidrSettings, rangeCount } from '../../../shared/network/cidr';
import { ensurePodCidr, requestedRange } from '../../../functions/node-lifecycle/pod-cidr';
import { MemoryNodeStore } from '../../../shared/adapters/memory/stores';
import { networkCondition } from '../../../shared/network/node-condition';
import { nodeNetwork } from '../../../shared/scheduling/plugins/node-network';
import type { NodeDescription } from '../../../shared/events';
import type { NodeRecord } from '../../../shared/ports';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet } as never;

describe('parsing CIDRs', () => {
  it.each([
    ['10.244.0.0/16', { base: 0x0af40000, prefix: 16 }],
    ['0.0.0.0/0', { base: 0, prefix: 0 }],
    ['192.168.1.128/25', { base: 0xc0a80180, prefix: 25 }],
  ])('parses %s', (text, expected) => expect(parseCidr(text)).toEqual(expected));

  it.each([
    ['10.244.1.0/16', /host bits set: the network is 10.244.0.0\/16/],
    ['10.244.0.0', /not an IPv4 CIDR/],
    ['10.244.0.0/33', /not an IPv4 CIDR/],
    ['10.256.0.0/16', /not an IPv4 address/],
    ['fd00::/8', /not an IPv4 address/],
  ])('refuses %s', (text, message) => expect(() => parseCidr(text)).toThrow(message));

  it.each([
    ['10.244.0.0/16', 8, /between the cluster CIDR's prefix \(16\) and 30/],
    ['10.244.0.0/16', 31, /between the cluster CIDR's prefix \(16\) and 30/],
  ])('refuses cluster %s with node mask /%d', (cidr, mask, message) => expect(() => podCidrSettings(cidr, mask)).toThrow(message));
});

describe('allocating pod ranges', () => {
  const defaults = podCidrSettings('10.244.0.0/16', 24);
  const small = podCidrSettings('10.0.0.0/23', 24);

  it.each([
    ['the first range when none is taken', defaults, [], { kind: 'allocated', cidr: '10.244.0.0/24' }],
    ['the next range after taken ones', defaults, ['10.244.0.0/24', '10.244.1.0/24'], { kind: 'allocated', cidr: '10.244.2.0/24' }],
    ['a released range before a new one', defaults, ['10.244.0.0/24', '10.244.2.0/24'], { kind: 'allocated', cidr: '10.244.1.0/24' }],
    ['the last range of a small cluster CIDR', small, ['10.0.0.0/24'], { kind: 'allocated', cidr: '10.0.1.0/24' }],
    ['exhaustion as an answer', small, ['10.0.0.0/24', '10.0.1.0/24'], { kind: 'exhausted', message: 'no /24 range left in cluster CIDR 10.0.0.0/23 (2 ranges, all assigned)' }],
  ])('gives %s', (_what, settings, taken, expected) => expect(allocatePodCidr(settings, taken)).toEqual(expected));

  it('holds 256 /24 ranges in a /16', () => expect(rangeCount(defaults)).toBe(256));

  it.each([
    ['a range of the cluster', '10.244.7.0/24', '10.244.7.0/24'],
    ['nothing for a range outside the cluster CIDR', '10.9.7.0/24', undefined],
    ['nothing for a range of another size', '10.244.0.0/25', undefined],
    ['nothing for garbage', 'x', undefined],
    ['nothing for nothing', undefined, undefined],
  ])('a node asking for a range gets %s', (_what, asked, expected) => expect(requestedRange(defaults, asked)).toBe(expected));
});

function description(name: string, network?: NodeDescription['network']): NodeDescription {
  return {
    name,
    labels: {},
    capacity: { cpu: '2', memory: '1Gi', pods: '10' },
    allocatable: { cpu: '2', memory: '1Gi', pods: '10' },
    allowPrivileged: false,
    allowHostPath: false,
    agentVersion: '1',
    runtime: 'docker',
    addresses: [{ type: 'InternalIP', address: '10.99.0.2' }],
    ...(network ? { network } : {}),
  };
}

describe('assigning a range when a node registers', () => {
  const small = podCidrSettings('10.0.0.0/23', 24);

  it('gives each node its own range, once, and records a full cluster CIDR on the node instead of failing', async () => {
    const nodeStore = new MemoryNodeStore();
    const deps = { nodeStore, logger: quiet, podCidrs: small };
    for (const name of ['a', 'b', 'c']) await ensurePodCidr(deps, await nodeStore.recordHeartbeat(description(name, { ready: false }), 'boot', true, 1));
    await ensurePodCidr(deps, await nodeStore.recordHeartbeat(description('a', { ready: false }), 'boot', true, 2));
    const nodes = await nodeStore.list();
    expect(nodes.map((n) => [n.name, n.podCIDR ?? n.podCIDRError])).toEqual([
      ['a', '10.0.0.0/24'],
      ['b', '10.0.1.0/24'],
      ['c', 'no /24 range left in cluster CIDR 10.0.0.0/23 (2 ranges, all assigned)'],
    ]);
    expect(networkCondition(nodes[2])).toEqual({ status: 'True', reason: 'CIDRNotAvailable', message: expect.stringContaining('no /24 range left') });
  });

  it('gives a returning node the range its bridge already has, when it is free', async () => {
    const nodeStore = new MemoryNodeStore();
    const deps = { nodeStore, logger: quiet, podCidrs: podCidrSettings('10.244.0.0/16', 24) };
    await ensurePodCidr(deps, await nodeStore.recordHeartbeat(description('back', { podCIDR: '10.244.9.0/24', ready: false }), 'boot', true, 1));
    await ensurePodCidr(deps, await nodeStore.recordHeartbeat(description('other', { podCIDR: '10.244.9.0/24', ready: false }), 'boot', true, 1));
    expect((await nodeStore.list()).map((n) => n.podCIDR)).toEqual(['10.244.9.0/24', '10.244.0.0/24']);
  });

  it('assigns nothing to a node whose agent does not manage a pod network', async () => {
    const nodeStore = new MemoryNodeStore();
    await ensurePodCidr({ nodeStore, logger: quiet, podCidrs: podCidrSettings('10.244.0.0/16', 24) }, await nodeStore.recordHeartbeat(description('shared'), 'boot', true, 1));
    expect((await nodeStore.get('shared'))?.podCIDR).toBeUndefined();
  });
});

describe('NetworkUnavailable and the NodeNetwork filter', () => {
  const record = (over: Partial<NodeRecord>, network?: NodeDescription['network']): NodeRecord =>
    ({ name: 'n', node: description('n', network), bootId: 'b', lastHeartbeat: 0, agentReady: true, ready: 'True', readyTransition: 0, allocatable: { cpu: 1, memory: 1, pods: 1 }, allocated: { cpu: 0, memory: 0, pods: 0 }, reservations: {}, version: 1, ...over }) as NodeRecord;
  const pod = {} as never;

  it.each([
    ['no condition for a node without a pod network', record({}), undefined, 'Success'],
    ['NoPodCIDR before a range is assigned', record({}, { ready: false }), 'NoPodCIDR', 'Unschedulable'],
    ['NoRouteCreated until the agent programmed its range', record({ podCIDR: '10.244.1.0/24' }, { ready: false }), 'NoRouteCreated', 'Unschedulable'],
    ['not ready when the agent programmed another range', record({ podCIDR: '10.244.1.0/24' }, { podCIDR: '10.244.2.0/24', ready: true }), 'NoRouteCreated', 'Unschedulable'],
    ['the agent\'s reason when programming failed', record({ podCIDR: '10.244.1.0/24' }, { podCIDR: '10.244.1.0/24', ready: false, reason: 'NetworkProgrammingFailed', message: 'x' }), 'NetworkProgrammingFailed', 'Unschedulable'],
    ['RouteCreated (False) once programmed', record({ podCIDR: '10.244.1.0/24' }, { podCIDR: '10.244.1.0/24', ready: true }), 'RouteCreated', 'Success'],
  ])('%s', (_what, node, reason, filter) => {
    expect(networkCondition(node)?.reason).toBe(reason);
    expect(nodeNetwork.filter(pod, node).code).toBe(filter);
  });
});
