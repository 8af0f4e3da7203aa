/**
 * Programs one host's side of the pod network: the pod bridge (a Docker bridge
 * network on the node's pod range, without Docker's masquerade), the VXLAN
 * device, the firewall rules, and the overlay entries of
 * shared/network/overlay-plan.ts. Every step is idempotent ("replace", check
 * before append), so each pass re-applies the level and heals drift.
 *
 * Rules (iptables, in the host's namespace):
 * - nat POSTROUTING: traffic from the pod range to anywhere outside the cluster
 *   CIDR is masqueraded to the host; pod-to-pod traffic keeps its source IP.
 * - filter DOCKER-USER: traffic between the pod range and the cluster CIDR is
 *   forwarded (Docker's own rules would drop new connections into the bridge).
 * - filter PODFLOW-ISOLATION, entered from INPUT and DOCKER-USER: what pods may
 *   not reach (shared/network/isolation-plan.ts), replaced in one
 *   iptables-restore whenever it differs from the plan.
 */
import type Docker from 'dockerode';
import { formatCidr, nthAddress, parseCidr } from '../../shared/network/cidr';
import { chainListing, chainRestore, type IsolationPlan } from '../../shared/network/isolation-plan';
import { overlayChanges, type ObservedOverlay, type OverlayChanges, type OverlayPlan } from '../../shared/network/overlay-plan';
import type { HostExec } from './host-commands';

export interface HostNetworkSettings {
  /** The Docker network pods join (DOCKER_NETWORK). */
  dockerNetwork: string;
  bridgeName: string;
  vxlanDevice: string;
  vni: number;
  /** UDP port of the tunnel (8472, as flannel and the Linux default for VXLAN on Linux hosts). */
  vxlanPort: number;
  /** MTU of the tunnel and the pod bridge: the underlay's minus the 50 bytes of VXLAN encapsulation. */
  mtu: number;
  clusterCidr: string;
}

const COMMENT = ['-m', 'comment', '--comment', 'podflow pod network'];

export class HostNetwork {
  constructor(
    private readonly exec: HostExec,
    private readonly docker: Docker,
    private readonly s: HostNetworkSettings,
  ) {}

  /** The pod range the node's bridge was built on, if it exists (a node that restarts keeps its pods' addresses). */
  async existingRange(): Promise<string | undefined> {
    const existing = (await this.docker.listNetworks({ filters: { name: [this.s.dockerNetwork] } })).find((n) => n.Name === this.s.dockerNetwork);
    return existing?.Labels?.['podflow.pod-cidr'];
  }

  /** The Docker bridge network on `podCIDR`; an existing one on another range is replaced only while no container uses it. */
  async ensureBridge(podCIDR: string): Promise<void> {
    const cidr = parseCidr(podCIDR);
    const existing = (await this.docker.listNetworks({ filters: { name: [this.s.dockerNetwork] } })).find((n) => n.Name === this.s.dockerNetwork);
    if (existing) {
      const subnet = existing.IPAM?.Config?.[0]?.Subnet;
      if (subnet === podCIDR) return;
      const net = this.docker.getNetwork(existing.Id);
      const info = (await net.inspect()) as { Containers?: Record<string, unknown> };
      if (Object.keys(info.Containers ?? {}).length > 0) throw new Error(`Docker network ${this.s.dockerNetwork} is on ${subnet ?? 'no subnet'}, not the node's pod range ${podCIDR}, and containers still use it`);
      await net.remove();
    }
    await this.docker.createNetwork({
      Name: this.s.dockerNetwork,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: formatCidr(cidr), Gateway: nthAddress(cidr, 1) }] },
      Options: {
        'com.docker.network.bridge.name': this.s.bridgeName,
        'com.docker.network.bridge.enable_ip_masquerade': 'false',
        'com.docker.network.driver.mtu': String(this.s.mtu),
      },
      Labels: { 'podflow.managed': 'true', 'podflow.pod-cidr': podCIDR },
    });
  }

  /** The tunnel device with this node's VTEP address and MAC, bound to its underlay address. */
  async ensureVxlan(plan: OverlayPlan, localAddress: string): Promise<void> {
    const dev = this.s.vxlanDevice;
    const links = JSON.parse((await this.exec('ip', ['-j', '-d', 'link', 'show'])) || '[]') as { ifname: string; address?: string; mtu?: number; linkinfo?: { info_data?: { id?: number; local?: string; port?: number } } }[];
    const link = links.find((l) => l.ifname === dev);
    const info = link?.linkinfo?.info_data;
    if (link && (info?.id !== this.s.vni || info?.local !== localAddress || info?.port !== this.s.vxlanPort)) {
      await this.exec('ip', ['link', 'del', dev]);
    }
    if (!link || info?.id !== this.s.vni || info?.local !== localAddress || info?.port !== this.s.vxlanPort) {
      await this.exec('ip', ['link', 'add', dev, 'type', 'vxlan', 'id', String(this.s.vni), 'local', localAddress, 'dstport', String(this.s.vxlanPort), 'nolearning']);
    }
    const fresh = !link || info?.id !== this.s.vni || info?.local !== localAddress || info?.port !== this.s.vxlanPort;
    // Only when it differs: setting a device's address, even to the same value, flushes its neighbour entries.
    if (fresh || link?.address?.toLowerCase() !== plan.vtep.mac || link?.mtu !== this.s.mtu) await this.exec('ip', ['link', 'set', dev, 'address', plan.vtep.mac, 'mtu', String(this.s.mtu)]);
    const addrs = JSON.parse((await this.exec('ip', ['-j', 'addr', 'show', 'dev', dev])) || '[]') as { addr_info?: { family: string; local: string; prefixlen: number }[] }[];
    const have = (addrs[0]?.addr_info ?? []).filter((a) => a.family === 'inet');
    for (const a of have) if (a.local !== plan.vtep.ip) await this.exec('ip', ['addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', dev]);
    if (!have.some((a) => a.local === plan.vtep.ip)) await this.exec('ip', ['addr', 'add', `${plan.vtep.ip}/32`, 'dev', dev]);
    await this.exec('ip', ['link', 'set', dev, 'up']);
  }

  async ensureRules(podCIDR: string): Promise<void> {
    await this.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    const cluster = this.s.clusterCidr;
    await this.ensureRule('nat', 'POSTROUTING', ['-s', podCIDR, '!', '-d', cluster, ...COMMENT, '-j', 'MASQUERADE']);
    await this.ensureRule('filter', 'DOCKER-USER', ['-s', cluster, '-d', podCIDR, ...COMMENT, '-j', 'ACCEPT'], true);
    await this.ensureRule('filter', 'DOCKER-USER', ['-s', podCIDR, '-d', cluster, ...COMMENT, '-j', 'ACCEPT'], true);
  }

  /** Makes the isolation chain hold exactly the plan's rules and its hooks exist; returns whether the chain was rewritten. */
  async ensureIsolation(plan: IsolationPlan): Promise<boolean> {
    const listed = await this.exec('iptables', ['-w', '-t', 'filter', '-S', plan.chain]).catch(() => '');
    const have = listed.split('\n').filter(Boolean);
    const want = chainListing(plan);
    const rewrite = have.length !== want.length || have.some((l, i) => l !== want[i]);
    // Before the hooks: a jump to a chain that does not exist yet is refused.
    if (rewrite) await this.exec('iptables-restore', ['-w', '--noflush'], chainRestore(plan));
    for (const h of plan.hooks) await this.ensureRule(h.table, h.chain, [...h.rule], true);
    return rewrite;
  }

  private async ensureRule(table: string, chain: string, rule: string[], first = false): Promise<void> {
    try {
      await this.exec('iptables', ['-w', '-t', table, '-C', chain, ...rule]);
    } catch {
      await this.exec('iptables', ['-w', '-t', table, first ? '-I' : '-A', chain, ...(first ? ['1'] : []), ...rule]);
    }
  }

  async observe(): Promise<ObservedOverlay> {
    const dev = this.s.vxlanDevice;
    const routes = JSON.parse((await this.exec('ip', ['-j', 'route', 'show', 'dev', dev])) || '[]') as { dst: string; gateway?: string }[];
    const neigh = JSON.parse((await this.exec('ip', ['-j', 'neigh', 'show', 'dev', dev, 'nud', 'permanent'])) || '[]') as { dst: string; lladdr?: string }[];
    const fdb = JSON.parse((await this.exec('bridge', ['-j', 'fdb', 'show', 'dev', dev])) || '[]') as { mac: string; dst?: string }[];
    return {
      routes: routes.filter((r) => r.gateway).map((r) => ({ cidr: r.dst, via: r.gateway! })),
      neighbors: neigh.filter((n) => n.lladdr).map((n) => ({ ip: n.dst, mac: n.lladdr! })),
      fdb: fdb.filter((f) => f.dst && f.mac !== '00:00:00:00:00:00').map((f) => ({ mac: f.mac, dst: f.dst! })),
    };
  }

  /** Makes the tunnel device hold exactly the plan's routes, neighbours and FDB entries; returns how many entries changed. */
  async applyOverlay(plan: OverlayPlan): Promise<number> {
    const dev = this.s.vxlanDevice;
    const c = overlayChanges(plan, await this.observe());
    for (const r of c.remove.routes) await this.exec('ip', ['route', 'del', r.cidr, 'dev', dev]).catch(() => undefined);
    for (const n of c.remove.neighbors) await this.exec('ip', ['neigh', 'del', n.ip, 'dev', dev]).catch(() => undefined);
    for (const f of c.remove.fdb) await this.exec('bridge', ['fdb', 'del', f.mac, 'dev', dev, 'dst', f.dst]).catch(() => undefined);
    for (const f of c.add.fdb) await this.exec('bridge', ['fdb', 'append', f.mac, 'dev', dev, 'dst', f.dst]);
    for (const n of c.add.neighbors) await this.exec('ip', ['neigh', 'replace', n.ip, 'lladdr', n.mac, 'dev', dev, 'nud', 'permanent']);
    for (const r of c.add.routes) await this.exec('ip', ['route', 'replace', r.cidr, 'via', r.via, 'dev', dev, 'onlink']);
    const changed = (x: OverlayChanges['add']) => x.routes.length + x.neighbors.length + x.fdb.length;
    return changed(c.add) + changed(c.remove);
  }
}
