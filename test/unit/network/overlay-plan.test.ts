import { overlayChanges, planOverlay, vtepMac } from '../../../shared/network/overlay-plan';

const self = { name: 'a', podCIDR: '10.244.0.0/24', address: '10.99.0.11' };

describe('planning the VXLAN overlay from the Nodes table', () => {
  it.each([
    ['10.244.0.0/24', '0e:fe:0a:f4:00:00'],
    ['10.244.255.0/24', '0e:fe:0a:f4:ff:00'],
  ])('derives the VTEP MAC of %s', (cidr, mac) => expect(vtepMac(cidr)).toBe(mac));

  it.each([
    ['a lone node', [self], { routes: [], neighbors: [], fdb: [], skipped: [] }],
    [
      'one route, neighbour and FDB entry per other node',
      [self, { name: 'b', podCIDR: '10.244.1.0/24', address: '10.99.0.12' }, { name: 'c', podCIDR: '10.244.2.0/24', address: '10.99.0.13' }],
      {
        routes: [
          { cidr: '10.244.1.0/24', via: '10.244.1.0' },
          { cidr: '10.244.2.0/24', via: '10.244.2.0' },
        ],
        neighbors: [
          { ip: '10.244.1.0', mac: '0e:fe:0a:f4:01:00' },
          { ip: '10.244.2.0', mac: '0e:fe:0a:f4:02:00' },
        ],
        fdb: [
          { mac: '0e:fe:0a:f4:01:00', dst: '10.99.0.12' },
          { mac: '0e:fe:0a:f4:02:00', dst: '10.99.0.13' },
        ],
        skipped: [],
      },
    ],
    [
      'nodes without a range or address skipped, and a range clashing with this node\'s',
      [{ name: 'b' }, { name: 'c', podCIDR: '10.244.3.0/24' }, { name: 'd', podCIDR: '10.244.0.0/24', address: '10.99.0.14' }],
      {
        routes: [],
        neighbors: [],
        fdb: [],
        skipped: [
          { name: 'b', reason: 'no pod range yet' },
          { name: 'c', reason: 'no address' },
          { name: 'd', reason: 'pod range 10.244.0.0/24 is already routed' },
        ],
      },
    ],
  ])('%s', (_what, nodes, expected) => expect(planOverlay(self, nodes)).toEqual({ vtep: { ip: '10.244.0.0', mac: '0e:fe:0a:f4:00:00' }, ...expected }));

  it.each([
    ['nothing when the kernel matches', { routes: [{ cidr: '10.244.1.0/24', via: '10.244.1.0' }], neighbors: [{ ip: '10.244.1.0', mac: '0E:FE:0A:F4:01:00' }], fdb: [{ mac: '0e:fe:0a:f4:01:00', dst: '10.99.0.12' }] }, { routes: 0, neighbors: 0, fdb: 0 }, { routes: 0, neighbors: 0, fdb: 0 }],
    ['everything on an empty device', { routes: [], neighbors: [], fdb: [] }, { routes: 1, neighbors: 1, fdb: 1 }, { routes: 0, neighbors: 0, fdb: 0 }],
    ['a moved node: its FDB entry replaced, a gone node removed', { routes: [{ cidr: '10.244.1.0/24', via: '10.244.1.0' }, { cidr: '10.244.5.0/24', via: '10.244.5.0' }], neighbors: [{ ip: '10.244.1.0', mac: '0e:fe:0a:f4:01:00' }], fdb: [{ mac: '0e:fe:0a:f4:01:00', dst: '10.99.0.99' }] }, { routes: 0, neighbors: 0, fdb: 1 }, { routes: 1, neighbors: 0, fdb: 1 }],
  ])('diffs against the kernel: %s', (_what, observed, add, remove) => {
    const plan = planOverlay(self, [{ name: 'b', podCIDR: '10.244.1.0/24', address: '10.99.0.12' }]);
    const c = overlayChanges(plan, observed);
    const count = (x: typeof c.add) => ({ routes: x.routes.length, neighbors: x.neighbors.length, fdb: x.fdb.length });
    expect([count(c.add), count(c.remove)]).toEqual([add, remove]);
  });
});
