/**
 * hostPort claims held by a node: the bind records the hostPorts of the pod it
 * binds on the node, in the same conditional write that reserves the pod's
 * requests, so two schedulers racing to put two pods with one hostPort on one
 * node cannot both win (the NodePorts filter reads a snapshot; the claim is
 * the guard). Pure: the encoding of a claim, the grouping the store's
 * condition is built from, and the reading of a refusal.
 *
 * kube's rule: a claim is (protocol, hostPort, hostIP), and 0.0.0.0 (no
 * hostIP) overlaps every address, so per protocol and port a node holds either
 * one claim on every address or any number of claims on distinct addresses.
 */
import { portsConflict, type HostPortUse } from './plugins/node-ports';

/** One claim as stored in a reservation: "TCP/8080/0.0.0.0". */
export function encodeClaim(use: HostPortUse): string {
  return `${use.protocol}/${use.hostPort}/${use.hostIP}`;
}

export function decodeClaim(text: string): HostPortUse | null {
  const match = /^([A-Z]+)\/(\d+)\/(.+)$/.exec(text);
  if (!match) return null;
  return { protocol: match[1], hostPort: Number(match[2]), hostIP: match[3] };
}

export interface PortClaimGroup {
  /** "TCP/8080": one per protocol and port. */
  port: string;
  /** The host addresses claimed on it, sorted, without repeats. */
  hostIPs: string[];
}

/** A pod's claims grouped by protocol and port, the unit the store's condition guards. */
export function groupClaims(uses: readonly HostPortUse[]): PortClaimGroup[] {
  const byPort = new Map<string, Set<string>>();
  for (const u of uses) {
    const port = `${u.protocol}/${u.hostPort}`;
    byPort.set(port, (byPort.get(port) ?? new Set()).add(u.hostIP));
  }
  return [...byPort].sort(([a], [b]) => a.localeCompare(b)).map(([port, ips]) => ({ port, hostIPs: [...ips].sort() }));
}

/**
 * The claims of other pods on the node that `wanted` collides with: the reason
 * a bind was refused, when it names any (otherwise the refusal was resources).
 */
export function conflictingClaims(wanted: readonly HostPortUse[], held: Readonly<Record<string, readonly HostPortUse[]>>, uid: string): HostPortUse[] {
  return Object.entries(held)
    .filter(([holder]) => holder !== uid)
    .flatMap(([, uses]) => uses.filter((h) => wanted.some((w) => portsConflict(w, h))));
}
