/**
 * The VXLAN overlay's forwarding state, as flannel's vxlan backend programs it:
 * a pure function of the nodes' pod ranges and underlay addresses. Every node's
 * tunnel device (VTEP) takes the network address of its pod range (x.y.z.0/32)
 * and a MAC derived from it, so a node needs no more than the Nodes table to
 * reach the others: for each other node with a range, a route to its range via
 * its VTEP address (onlink), a permanent neighbour entry (VTEP address → MAC) and
 * an FDB entry (MAC → the node's underlay address). The agent diffs this plan
 * against what the kernel holds on each pass (level-triggered), so a node that
 * joins, moves or leaves is picked up on the next pass.
 */
import { nthAddress, parseCidr } from './cidr';

export interface NetworkNode {
  name: string;
  podCIDR?: string;
  /** The node's underlay (InternalIP) address. */
  address?: string;
}

export interface OverlayRoute {
  cidr: string;
  via: string;
}
export interface OverlayNeighbor {
  ip: string;
  mac: string;
}
export interface OverlayFdb {
  mac: string;
  dst: string;
}

export interface OverlayPlan {
  /** This node's VTEP: its address (on the tunnel device) and MAC. */
  vtep: { ip: string; mac: string };
  routes: OverlayRoute[];
  neighbors: OverlayNeighbor[];
  fdb: OverlayFdb[];
  /** Nodes left out, and why (no range yet, no address, a range that overlaps this node's). */
  skipped: { name: string; reason: string }[];
}

/** A locally administered unicast MAC made from the range's network address: 0e:fe:a.b.c.d. */
export function vtepMac(podCIDR: string): string {
  const ip = nthAddress(parseCidr(podCIDR), 0);
  return ['0e', 'fe', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

export function vtepAddress(podCIDR: string): string {
  return nthAddress(parseCidr(podCIDR), 0);
}

export function planOverlay(self: Required<NetworkNode>, nodes: readonly NetworkNode[]): OverlayPlan {
  const plan: OverlayPlan = { vtep: { ip: vtepAddress(self.podCIDR), mac: vtepMac(self.podCIDR) }, routes: [], neighbors: [], fdb: [], skipped: [] };
  const seen = new Set<string>([self.podCIDR]);
  for (const n of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    if (n.name === self.name) continue;
    if (!n.podCIDR) {
      plan.skipped.push({ name: n.name, reason: 'no pod range yet' });
      continue;
    }
    if (!n.address) {
      plan.skipped.push({ name: n.name, reason: 'no address' });
      continue;
    }
    if (seen.has(n.podCIDR)) {
      plan.skipped.push({ name: n.name, reason: `pod range ${n.podCIDR} is already routed` });
      continue;
    }
    seen.add(n.podCIDR);
    const ip = vtepAddress(n.podCIDR);
    const mac = vtepMac(n.podCIDR);
    plan.routes.push({ cidr: n.podCIDR, via: ip });
    plan.neighbors.push({ ip, mac });
    plan.fdb.push({ mac, dst: n.address });
  }
  return plan;
}

export interface ObservedOverlay {
  routes: OverlayRoute[];
  neighbors: OverlayNeighbor[];
  fdb: OverlayFdb[];
}

export interface OverlayChanges {
  add: { routes: OverlayRoute[]; neighbors: OverlayNeighbor[]; fdb: OverlayFdb[] };
  remove: { routes: OverlayRoute[]; neighbors: OverlayNeighbor[]; fdb: OverlayFdb[] };
}

function diff<T>(want: readonly T[], have: readonly T[], key: (t: T) => string): { add: T[]; remove: T[] } {
  const haveKeys = new Set(have.map(key));
  const wantKeys = new Set(want.map(key));
  return { add: want.filter((t) => !haveKeys.has(key(t))), remove: have.filter((t) => !wantKeys.has(key(t))) };
}

/** What to change on the tunnel device so it holds exactly the plan's entries (nothing else is touched). */
export function overlayChanges(plan: OverlayPlan, observed: ObservedOverlay): OverlayChanges {
  const r = diff(plan.routes, observed.routes, (x) => `${x.cidr} ${x.via}`);
  const n = diff(plan.neighbors, observed.neighbors, (x) => `${x.ip} ${x.mac.toLowerCase()}`);
  const f = diff(plan.fdb, observed.fdb, (x) => `${x.mac.toLowerCase()} ${x.dst}`);
  return { add: { routes: r.add, neighbors: n.add, fdb: f.add }, remove: { routes: r.remove, neighbors: n.remove, fdb: f.remove } };
}

/**
 * The tunnel's state in one line, for the node's NetworkUnavailable condition (what `describe node`
 * shows): this node's VTEP, the peer ranges it routes and the underlay address each goes to, and the
 * nodes left out. Long lists are cut, so it stays within a condition message.
 */
export function describeOverlay(plan: OverlayPlan, maxPeers = 8): string {
  const peers = plan.routes.map((r, i) => `${r.cidr} via ${plan.fdb[i]?.dst ?? r.via}`);
  const shown = peers.slice(0, maxPeers).join(', ') + (peers.length > maxPeers ? `, and ${peers.length - maxPeers} more` : '');
  const skipped = plan.skipped.slice(0, maxPeers).map((s) => `${s.name} (${s.reason})`);
  return [
    `VXLAN tunnel up (VTEP ${plan.vtep.ip}); routes to ${peers.length} other node range${peers.length === 1 ? '' : 's'}${peers.length ? `: ${shown}` : ''}`,
    ...(skipped.length ? [`not routed: ${skipped.join(', ')}${plan.skipped.length > maxPeers ? ', ...' : ''}`] : []),
  ].join('; ');
}
