/**
 * The agent's pod network loop (what flanneld does beside kubelet): wait for
 * the pod range the control plane assigns this node (spec.podCIDR, read from
 * the Nodes table as kubelet reads its Node), build the pod bridge on it, then
 * on every pass program the tunnel and firewall and make the overlay match the
 * Nodes table. Its status goes out in each heartbeat (`network`), which is
 * what the node's NetworkUnavailable condition and the scheduler's
 * NodeNetwork filter read. Level-triggered: a failed pass is reported and the
 * next one tries again.
 */
import type { NodeDescription } from '../../shared/events';
import { planIsolation } from '../../shared/network/isolation-plan';
import { describeOverlay, planOverlay } from '../../shared/network/overlay-plan';
import type { Logger, NodeRecord } from '../../shared/ports';
import type { HostNetwork } from './host-network';

export type NetworkStatus = NonNullable<NodeDescription['network']>;

/** The Nodes projection as this loop reads it. */
export interface NodesReader {
  get(name: string): Promise<NodeRecord | null>;
  list(): Promise<NodeRecord[]>;
}

export interface PodNetworkDeps {
  nodeName: string;
  /** This node's underlay address (its InternalIP): the tunnel's local end. */
  address: string;
  nodes: NodesReader;
  host: HostNetwork;
  logger: Logger;
  intervalMs: number;
  /** What pods may not reach besides the metadata service: BLOCKED_CIDRS, and the agent's port (AGENT_PORT) on every node. */
  isolation: { clusterCidr: string; blockedCidrs: readonly string[]; agentPort: number };
}

function internalIp(n: NodeRecord): string | undefined {
  return n.node.addresses.find((a) => a.type === 'InternalIP')?.address;
}

export class PodNetwork {
  private current: NetworkStatus = { ready: false, reason: 'NoPodCIDR', message: 'waiting for the control plane to assign a pod range' };
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private resolveProgrammed!: () => void;
  private readonly programmedOnce = new Promise<void>((r) => (this.resolveProgrammed = r));
  private bridgeFor: string | null = null;

  /** Told when the status changes, so a heartbeat can carry it at once. */
  onChange: () => void = () => undefined;

  constructor(private readonly deps: PodNetworkDeps) {}

  status(): NetworkStatus {
    return { ...this.current };
  }

  /** Resolves once the bridge, tunnel, rules and routes have been programmed for the node's range. */
  programmed(): Promise<void> {
    return this.programmedOnce;
  }

  /** Starts the passes; the range the pod bridge already has is reported first, so a returning node asks for it back. */
  async start(): Promise<void> {
    const previous = await this.deps.host.existingRange().catch(() => undefined);
    if (previous) this.current = { ...this.current, podCIDR: previous };
    const tick = () => {
      if (this.stopped) return;
      void this.pass().finally(() => {
        // Quickly while waiting for the range, then at the resync pace.
        if (!this.stopped) this.timer = setTimeout(tick, this.current.ready ? this.deps.intervalMs : Math.min(this.deps.intervalMs, 1000));
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private set(next: NetworkStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    if (changed) this.onChange();
  }

  /** One level-triggered pass; never throws. */
  async pass(): Promise<void> {
    try {
      const self = await this.deps.nodes.get(this.deps.nodeName);
      if (!self?.podCIDR) {
        this.set(
          self?.podCIDRError
            ? { ready: false, reason: 'CIDRNotAvailable', message: self.podCIDRError }
            : { ready: false, reason: 'NoPodCIDR', message: 'waiting for the control plane to assign a pod range' },
        );
        return;
      }
      const podCIDR = self.podCIDR;
      if (this.bridgeFor !== podCIDR) {
        await this.deps.host.ensureBridge(podCIDR);
        this.bridgeFor = podCIDR;
      }
      const nodes = (await this.deps.nodes.list()).map((n) => ({ name: n.name, podCIDR: n.podCIDR, address: internalIp(n) }));
      const plan = planOverlay({ name: this.deps.nodeName, podCIDR, address: this.deps.address }, nodes);
      await this.deps.host.ensureVxlan(plan, this.deps.address);
      await this.deps.host.ensureRules(podCIDR);
      const addresses = nodes.flatMap((n) => (n.address ? [n.address] : []));
      if (await this.deps.host.ensureIsolation(planIsolation({ ...this.deps.isolation, nodeAddresses: [this.deps.address, ...addresses] }))) {
        this.deps.logger.info({ blockedCidrs: this.deps.isolation.blockedCidrs, agentPort: this.deps.isolation.agentPort, nodes: addresses.length }, 'pod isolation rules programmed');
      }
      const changed = await this.deps.host.applyOverlay(plan);
      if (changed > 0) this.deps.logger.info({ podCIDR, routes: plan.routes.length, changed, skipped: plan.skipped }, 'pod network programmed');
      this.set({ podCIDR, ready: true, message: describeOverlay(plan).slice(0, 1024) });
      this.resolveProgrammed();
    } catch (err) {
      const message = (err as Error).message.slice(0, 1000);
      this.deps.logger.warn({ err: message }, 'programming the pod network failed');
      this.set({ ...(this.current.podCIDR ? { podCIDR: this.current.podCIDR } : {}), ready: false, reason: 'NetworkProgrammingFailed', message });
    }
  }
}
