/**
 * IPv4 CIDR arithmetic and the pod CIDR allocator (what kube-controller-manager's
 * range allocator does for `--cluster-cidr` / `--node-cidr-mask-size`). Pure: the
 * ranges already taken come in, the next free range (or a clear "exhausted") goes
 * out. Uniqueness across racing allocators is the store's job (a conditional
 * write per range, shared/adapters/dynamodb/node-store.ts); this only picks.
 */

export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(text: string): number {
  const m = IPV4.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not an IPv4 address`);
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`${JSON.stringify(text)} is not an IPv4 address`);
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; the address must be the network address (no host bits set), as Kubernetes requires of a cluster CIDR. */
export function parseCidr(text: string): Cidr {
  const [ip, bits, extra] = text.trim().split('/');
  if (bits === undefined || extra !== undefined || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) throw new Error(`${JSON.stringify(text)} is not an IPv4 CIDR (a.b.c.d/n)`);
  const prefix = Number(bits);
  const base = parseIp(ip);
  if ((base & mask(prefix)) >>> 0 !== base) throw new Error(`${JSON.stringify(text)} has host bits set: the network is ${formatIp((base & mask(prefix)) >>> 0)}/${prefix}`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function contains(outer: Cidr, ip: number): boolean {
  return ((ip & mask(outer.prefix)) >>> 0) === outer.base;
}

/** The n-th address of a range (0 is the network address). */
export function nthAddress(c: Cidr, n: number): string {
  return formatIp((c.base + n) >>> 0);
}

export interface PodCidrSettings {
  clusterCidr: Cidr;
  nodeMaskSize: number;
}

/** Checks the cluster CIDR and the per-node mask size together: each node's range must fit inside the cluster's and hold at least one pod besides the gateway. */
export function podCidrSettings(clusterCidr: string, nodeMaskSize: number): PodCidrSettings {
  const cluster = parseCidr(clusterCidr);
  if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < cluster.prefix || nodeMaskSize > 30) {
    throw new Error(`node CIDR mask size ${nodeMaskSize} must be between the cluster CIDR's prefix (${cluster.prefix}) and 30`);
  }
  return { clusterCidr: cluster, nodeMaskSize };
}

/** How many node ranges the cluster CIDR holds. */
export function rangeCount(s: PodCidrSettings): number {
  return 2 ** (s.nodeMaskSize - s.clusterCidr.prefix);
}

export function nthRange(s: PodCidrSettings, n: number): string {
  return formatCidr({ base: (s.clusterCidr.base + n * 2 ** (32 - s.nodeMaskSize)) >>> 0, prefix: s.nodeMaskSize });
}

export type Allocation = { kind: 'allocated'; cidr: string } | { kind: 'exhausted'; message: string };

/**
 * The first range of the cluster CIDR that is not in `taken`. Ranges are handed
 * out from the bottom, so a released range is reused before new ones; a full
 * cluster CIDR is an answer, not an exception: the node stays without a range and
 * says why (its NetworkUnavailable condition), as kube-controller-manager's
 * CIDRNotAvailable event.
 */
export function allocatePodCidr(s: PodCidrSettings, taken: Iterable<string>): Allocation {
  const used = new Set(taken);
  const total = rangeCount(s);
  for (let i = 0; i < total; i++) {
    const cidr = nthRange(s, i);
    if (!used.has(cidr)) return { kind: 'allocated', cidr };
  }
  return { kind: 'exhausted', message: `no /${s.nodeMaskSize} range left in cluster CIDR ${formatCidr(s.clusterCidr)} (${total} ranges, all assigned)` };
}
