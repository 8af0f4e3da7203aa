/**
 * In-memory adapters of the store ports, for given/when/then tests of the
 * handlers without a broker or a database. Conditional writes behave as the
 * DynamoDB adapters' do (ConflictError on a stale version, a reservation at
 * most once per uid and never past allocatable), and every read returns a
 * copy, so a handler can never change stored state by mutating what it read.
 */
import { ConflictError } from '../../errors';
import type { NodeDescription } from '../../events/node-heartbeats';
import type { NodeTaint } from '../../node/taints';
import { nodeAllocatable } from '../../node/resources';
import type {
  BindOutcome,
  Binder,
  HistoryEntry,
  HistoryStore,
  NodeReady,
  NodeRecord,
  NodeStore,
  PodCidrOutcome,
  PodQuery,
  PodRecord,
  PodStore,
  ReserveOutcome,
  Resources,
} from '../../ports';
import type { RcRecord, RcStore } from '../../rc/record';
import { conflictingClaims } from '../../scheduling/host-port-claims';
import { hostPortsOf, type HostPortUse } from '../../scheduling/plugins/node-ports';

const clone = <T>(v: T): T => structuredClone(v);
const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/** Items keyed by (namespace, name), written only at the expected version, as the Pods and ReplicationControllers tables. */
class MemoryVersioned<T extends { namespace: string; name: string; version: number }> {
  readonly items = new Map<string, T>();

  constructor(private readonly what: string) {}

  async get(namespace: string, name: string): Promise<T | null> {
    const r = this.items.get(keyOf(namespace, name));
    return r ? clone(r) : null;
  }

  async put(record: T, expectedVersion: number | null): Promise<void> {
    this.putNow(record, expectedVersion);
  }

  /** The synchronous write, for adapters that must write several items at once (the binder). */
  putNow(record: T, expectedVersion: number | null): void {
    const current = this.items.get(keyOf(record.namespace, record.name));
    if ((current?.version ?? null) !== expectedVersion) throw new ConflictError(`${this.what} ${record.namespace}/${record.name}: version changed`);
    this.items.set(keyOf(record.namespace, record.name), clone(record));
  }
}

export class MemoryPodStore extends MemoryVersioned<PodRecord> implements PodStore {
  constructor() {
    super('pod');
  }

  async list(q: PodQuery = {}): Promise<PodRecord[]> {
    return [...this.items.values()]
      .filter((r) => (!q.namespace || r.namespace === q.namespace) && (!q.nodeName || r.nodeName === q.nodeName) && (q.includeDeleted || !r.deleted))
      .sort((a, b) => keyOf(a.namespace, a.name).localeCompare(keyOf(b.namespace, b.name)))
      .map(clone);
  }
}

const zero: Resources = { cpu: 0, memory: 0, pods: 0 };
const fits = (allocated: Resources, request: Resources, allocatable: Resources) =>
  allocated.cpu + request.cpu <= allocatable.cpu && allocated.memory + request.memory <= allocatable.memory && allocated.pods + request.pods <= allocatable.pods;

export class MemoryNodeStore implements NodeStore {
  readonly items = new Map<string, NodeRecord>();

  async get(name: string): Promise<NodeRecord | null> {
    const n = this.items.get(name);
    return n ? clone(n) : null;
  }

  async list(): Promise<NodeRecord[]> {
    return [...this.items.values()].sort((a, b) => a.name.localeCompare(b.name)).map(clone);
  }

  async recordHeartbeat(node: NodeDescription, bootId: string, agentReady: boolean, at: number): Promise<NodeRecord> {
    const current = this.items.get(node.name);
    if (current && current.lastHeartbeat > at && current.bootId === bootId) return clone(current); // a replayed, older heartbeat
    const ready: NodeReady = agentReady ? 'True' : 'False';
    const record: NodeRecord = {
      name: node.name,
      node: clone(node),
      bootId,
      lastHeartbeat: at,
      agentReady,
      ready,
      readyTransition: !current || current.ready !== ready ? at : current.readyTransition,
      allocatable: nodeAllocatable(node),
      allocated: current?.allocated ?? { ...zero },
      reservations: current?.reservations ?? {},
      ...(current?.hostPorts ? { hostPorts: current.hostPorts } : {}),
      ...(current?.podCIDR ? { podCIDR: current.podCIDR } : current?.podCIDRError ? { podCIDRError: current.podCIDRError } : {}),
      ...(current?.taints ? { taints: current.taints } : {}),
      version: (current?.version ?? 0) + 1,
    };
    this.items.set(node.name, record);
    return clone(record);
  }

  async reserve(nodeName: string, uid: string, request: Resources, _known?: NodeRecord, hostPorts: readonly HostPortUse[] = []): Promise<ReserveOutcome> {
    return this.reserveNow(nodeName, uid, request, undefined, hostPorts);
  }

  /** The synchronous reservation; `allocatable` as the caller saw it (the binder's condition), else the stored one. */
  reserveNow(nodeName: string, uid: string, request: Resources, allocatable: Resources | undefined, hostPorts: readonly HostPortUse[] = []): ReserveOutcome {
    const node = this.items.get(nodeName);
    if (!node) return 'no-such-node';
    if (node.reservations[uid]) return 'already-reserved';
    if (!fits(node.allocated, request, allocatable ?? node.allocatable)) return 'insufficient';
    if (conflictingClaims(hostPorts, node.hostPorts ?? {}, uid).length > 0) return 'insufficient';
    node.allocated = { cpu: node.allocated.cpu + request.cpu, memory: node.allocated.memory + request.memory, pods: node.allocated.pods + request.pods };
    node.reservations[uid] = { ...request };
    if (hostPorts.length > 0) node.hostPorts = { ...node.hostPorts, [uid]: clone([...hostPorts]) };
    return 'reserved';
  }

  async release(nodeName: string, uid: string, only?: 'hostPorts'): Promise<void> {
    const node = this.items.get(nodeName);
    const r = node?.reservations[uid];
    if (!node || !r) return;
    if (node.hostPorts?.[uid]) {
      const { [uid]: _freed, ...rest } = node.hostPorts;
      if (Object.keys(rest).length > 0) node.hostPorts = rest;
      else delete node.hostPorts;
    }
    if (only === 'hostPorts') return;
    node.allocated = { cpu: node.allocated.cpu - r.cpu, memory: node.allocated.memory - r.memory, pods: node.allocated.pods - r.pods };
    delete node.reservations[uid];
  }

  private taintsAt = new Map<string, number>();

  async setTaints(nodeName: string, taints: readonly NodeTaint[], at: number): Promise<'set' | 'stale' | 'no-such-node'> {
    const node = this.items.get(nodeName);
    if (!node) return 'no-such-node';
    if ((this.taintsAt.get(nodeName) ?? -Infinity) > at) return 'stale';
    this.taintsAt.set(nodeName, at);
    node.taints = clone([...taints]);
    node.version += 1;
    return 'set';
  }

  async setReady(nodeName: string, ready: NodeReady, at: number, expectedVersion: number): Promise<void> {
    const node = this.items.get(nodeName);
    if (!node || node.version !== expectedVersion) throw new ConflictError(`node ${nodeName}: version changed`);
    node.ready = ready;
    node.readyTransition = at;
    node.version++;
  }

  /** The range claims, as the Dynamo adapter's claim items: one node per range. */
  private readonly podCidrClaims = new Map<string, string>();

  async assignPodCidr(nodeName: string, cidr: string): Promise<PodCidrOutcome> {
    const node = this.items.get(nodeName);
    if (!node) return 'no-such-node';
    if (node.podCIDR) return 'already-assigned';
    if (this.podCidrClaims.has(cidr)) return 'range-taken';
    this.podCidrClaims.set(cidr, nodeName);
    node.podCIDR = cidr;
    delete node.podCIDRError;
    node.version++;
    return 'assigned';
  }

  async notePodCidrShortage(nodeName: string, message: string): Promise<void> {
    const node = this.items.get(nodeName);
    if (!node || node.podCIDR || node.podCIDRError === message) return;
    node.podCIDRError = message;
    node.version++;
  }
}

/** Both writes of a bind or neither, as the DynamoDB transaction: JavaScript runs this without interleaving. */
export class MemoryBinder implements Binder {
  constructor(
    private readonly pods: MemoryPodStore,
    private readonly nodes: MemoryNodeStore,
  ) {}

  async bind(nodeName: string, record: PodRecord, expectedVersion: number, request: Resources, allocatable: Resources): Promise<BindOutcome> {
    const stored = this.pods.items.get(keyOf(record.namespace, record.name));
    if (stored?.version !== expectedVersion) return 'pod-changed';
    const node = this.nodes.items.get(nodeName);
    if (!node) return 'no-such-node';
    if (node.reservations[record.uid] || !fits(node.allocated, request, allocatable)) return 'insufficient';
    const hostPorts = hostPortsOf(record.pod);
    if (conflictingClaims(hostPorts, node.hostPorts ?? {}, record.uid).length > 0) return 'ports-taken';
    this.nodes.reserveNow(nodeName, record.uid, request, allocatable, hostPorts);
    this.pods.putNow(record, expectedVersion);
    return 'bound';
  }
}

export class MemoryHistoryStore implements HistoryStore {
  readonly entries: HistoryEntry[] = [];

  async append(entries: readonly HistoryEntry[]): Promise<void> {
    for (const e of entries) {
      if (!this.entries.some((x) => x.eventId === e.eventId && x.index === e.index && x.name === e.name && x.namespace === e.namespace)) this.entries.push(clone(e));
    }
  }

  async list(namespace: string, name: string): Promise<HistoryEntry[]> {
    return this.entries.filter((e) => e.namespace === namespace && e.name === name).map(clone);
  }

  async listByUid(uid: string): Promise<HistoryEntry[]> {
    return this.entries.filter((e) => e.uid === uid).map(clone);
  }
}

export class MemoryRcStore extends MemoryVersioned<RcRecord> implements RcStore {
  constructor() {
    super('rc');
  }

  async list(namespace?: string): Promise<RcRecord[]> {
    return [...this.items.values()].filter((r) => !namespace || r.namespace === namespace).map(clone);
  }
}
