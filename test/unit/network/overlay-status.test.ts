/**
 * What a node's NetworkUnavailable condition says about its tunnel: the
 * agent's one-line account of the overlay (describeOverlay) and how the
 * condition is made from the assigned range and the agent's report.
 */
import { describeOverlay, planOverlay } from '../../../shared/network/overlay-plan';
import { networkCondition } from '../../../shared/network/node-condition';

const self = { name: 'a', podCIDR: '10.244.0.0/24', address: '10.99.0.11' };

describe('describeOverlay', () => {
  it.each([
    ['no other node', [], 'VXLAN tunnel up (VTEP 10.244.0.0); routes to 0 other node ranges'],
    ['one peer', [{ name: 'b', podCIDR: '10.244.1.0/24', address: '10.99.0.12' }], 'VXLAN tunnel up (VTEP 10.244.0.0); routes to 1 other node range: 10.244.1.0/24 via 10.99.0.12'],
    [
      'a peer and a node without a range',
      [
        { name: 'b', podCIDR: '10.244.1.0/24', address: '10.99.0.12' },
        { name: 'c', address: '10.99.0.13' },
      ],
      'VXLAN tunnel up (VTEP 10.244.0.0); routes to 1 other node range: 10.244.1.0/24 via 10.99.0.12; not routed: c (no pod range yet)',
    ],
  ])('%s', (_case, nodes, want) => {
    expect(describeOverlay(planOverlay(self, [self, ...nodes]))).toBe(want);
  });

  it('cuts a long peer list', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({ name: `n${String(i).padStart(2, '0')}`, podCIDR: `10.244.${i + 1}.0/24`, address: `10.99.0.${20 + i}` }));
    const text = describeOverlay(planOverlay(self, nodes), 3);
    expect(text).toBe('VXLAN tunnel up (VTEP 10.244.0.0); routes to 12 other node ranges: 10.244.1.0/24 via 10.99.0.20, 10.244.2.0/24 via 10.99.0.21, 10.244.3.0/24 via 10.99.0.22, and 9 more');
  });
});

describe('networkCondition', () => {
  const node = (network: { podCIDR?: string; ready: boolean; reason?: string; message?: string } | undefined) => ({ node: { network } }) as unknown as Parameters<typeof networkCondition>[0];
  it.each([
    ['an agent without a pod network', undefined, undefined, undefined, undefined],
    ['no range yet', { ready: false }, undefined, undefined, { status: 'True', reason: 'NoPodCIDR', message: 'the control plane has not assigned a pod range yet' }],
    ['a full cluster CIDR', { ready: false }, undefined, 'no free range', { status: 'True', reason: 'CIDRNotAvailable', message: 'no free range' }],
    ['programmed, with the tunnel state', { podCIDR: '10.244.0.0/24', ready: true, message: 'VXLAN tunnel up' }, '10.244.0.0/24', undefined, { status: 'False', reason: 'RouteCreated', message: 'VXLAN tunnel up' }],
    ['programmed, no account given', { podCIDR: '10.244.0.0/24', ready: true }, '10.244.0.0/24', undefined, { status: 'False', reason: 'RouteCreated', message: 'agent programmed the pod network for 10.244.0.0/24' }],
    ['programmed for another range', { podCIDR: '10.244.9.0/24', ready: true, message: 'VXLAN tunnel up' }, '10.244.0.0/24', undefined, { status: 'True', reason: 'NoRouteCreated', message: 'VXLAN tunnel up' }],
    ['failing', { podCIDR: '10.244.0.0/24', ready: false, reason: 'NetworkProgrammingFailed', message: 'ip: boom' }, '10.244.0.0/24', undefined, { status: 'True', reason: 'NetworkProgrammingFailed', message: 'ip: boom' }],
  ])('%s', (_case, network, podCIDR, podCIDRError, want) => {
    expect(networkCondition({ ...node(network), podCIDR, podCIDRError })).toEqual(want);
  });
});
