/**
 * The interfaces between pure decisions and the outside world. Handlers and the
 * agent see only these; adapters for DynamoDB, Kafka and memory implement them.
 */
import type { Envelope, TopicName } from '../events';
import type { NodeDescription } from '../events/node-heartbeats';
import type { NodeTaint } from '../node/taints';
import type { Pod } from '../pod/schema';
import type { HostPortUse } from '../scheduling/plugins/node-ports';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Publisher {
  /** Sends events in order; each to the partition its key (or `partition`) picks. */
  publish(topic: TopicName, events: readonly Envelope[], opts?: { partition?: number }): Promise<void>;
}

/** A pod as the Pods table holds it. Deleted pods stay as tombstones so a replayed create stays ignored. */
export interface PodRecord {
  namespace: string;
  name: string;
  uid: string;
  /** Optimistic-concurrency counter; every write is conditional on it. */
  version: number;
  pod: Pod;
  nodeName?: string;
  deleted: boolean;
  /** Newest status snapshot applied, per agent boot: older ones are ignored. */
  statusBootId?: string;
  statusSequence?: number;
}

export interface PodQuery {
  namespace?: string;
  nodeName?: string;
  includeDeleted?: boolean;
}

export interface PodStore {
  get(namespace: string, name: string): Promise<PodRecord | null>;
  /** Writes when the stored version equals `expectedVersion` (null: no item yet); else throws ConflictError. */
  put(record: PodRecord, expectedVersion: number | null): Promise<void>;
  list(query?: PodQuery): Promise<PodRecord[]>;
}

export interface Resources {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
  pods: number;
}

export type NodeReady = 'True' | 'False' | 'Unknown';

export interface NodeRecord {
  name: string;
  node: NodeDescription;
  bootId: string;
  /** Epoch ms of the last heartbeat the control plane received. */
  lastHeartbeat: number;
  /** What the agent says (false while it fences stale pods). */
  agentReady: boolean;
  ready: NodeReady;
  /** Epoch ms when `ready` last changed. */
  readyTransition: number;
  allocatable: Resources;
  allocated: Resources;
  /** Requests reserved per pod uid: the bind is idempotent because of it. */
  reservations: Record<string, Resources>;
  /** hostPorts claimed per pod uid, held with the reservation (shared/scheduling/host-port-claims.ts); absent when none. */
  hostPorts?: Record<string, HostPortUse[]>;
  /** spec.podCIDR: the node's pod range, assigned once by node-lifecycle (shared/network/cidr.ts). */
  podCIDR?: string;
  /** Why no pod range could be assigned (the cluster CIDR is full): the node's NetworkUnavailable condition says it. */
  podCIDRError?: string;
  /** spec.taints as set through the API (node-events); none when never set. */
  taints?: NodeTaint[];
  version: number;
}

export type PodCidrOutcome = 'assigned' | 'range-taken' | 'already-assigned' | 'no-such-node';

export type ReserveOutcome = 'reserved' | 'already-reserved' | 'insufficient' | 'no-such-node';

export interface NodeStore {
  get(name: string): Promise<NodeRecord | null>;
  list(): Promise<NodeRecord[]>;
  /** Registers or refreshes a node from a heartbeat; keeps allocations; ignores a heartbeat older than the stored one of the same boot. */
  recordHeartbeat(node: NodeDescription, bootId: string, agentReady: boolean, at: number): Promise<NodeRecord>;
  /**
   * Atomically adds `request` to the node's allocation unless it would exceed allocatable.
   * `known` (a recent read of the node) spares a read; the write's condition still decides.
   * `hostPorts` are claimed in the same write, unless another pod's claim overlaps (then 'insufficient').
   */
  reserve(nodeName: string, uid: string, request: Resources, known?: NodeRecord, hostPorts?: readonly HostPortUse[]): Promise<ReserveOutcome>;
  /**
   * Gives a pod's reservation and its hostPort claims back; a second release is a no-op.
   * `only: 'hostPorts'` gives back the claims alone (a pod that ended holds no port, as
   * kube-scheduler counts it, while its requests stay reserved until it is deleted).
   */
  release(nodeName: string, uid: string, only?: 'hostPorts'): Promise<void>;
  /** Sets the Ready condition when the node is still at `expectedVersion`. */
  setReady(nodeName: string, ready: NodeReady, at: number, expectedVersion: number): Promise<void>;
  /**
   * Gives the node `cidr` as its pod range, once: the range is claimed with a conditional write
   * (never two nodes on one range) together with the node's own conditional write (never a second range).
   */
  assignPodCidr(nodeName: string, cidr: string): Promise<PodCidrOutcome>;
  /** Records why a node without a range got none; no-op once it has one. */
  notePodCidrShortage(nodeName: string, message: string): Promise<void>;
  /**
   * Records a node's taints from a NodeSpecUpdated published at `at` (epoch ms): a record older
   * than the stored one changes nothing, so a replay never undoes a later change.
   */
  setTaints(nodeName: string, taints: readonly NodeTaint[], at: number): Promise<'set' | 'stale' | 'no-such-node'>;
}

/** 'ports-taken': another pod on the node holds a hostPort the pod asks for (kube's NodePorts). */
export type BindOutcome = 'bound' | 'insufficient' | 'ports-taken' | 'no-such-node' | 'pod-changed';

/** The scheduler's bind: one transaction over the Nodes and Pods tables. */
export interface Binder {
  /**
   * Reserves `request` on the node (only within its allocatable, at most once
   * per uid), claims the pod's hostPorts there (only while no other pod holds
   * an overlapping one) and writes `record` (the pod bound to the node) when the stored pod
   * is still at `expectedVersion`, both or neither. The outcome names the
   * condition that failed.
   */
  bind(nodeName: string, record: PodRecord, expectedVersion: number, request: Resources, allocatable: Resources): Promise<BindOutcome>;
}

export interface HistoryEntry {
  namespace: string;
  name: string;
  uid: string;
  /** ISO time the thing happened. */
  time: string;
  /** The event that caused it; with `index` the idempotency key of the entry. */
  eventId: string;
  index: number;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** Component or node that reported it, as kubectl's "From" column. */
  source: string;
}

export interface HistoryStore {
  append(entries: readonly HistoryEntry[]): Promise<void>;
  /** Oldest first; every incarnation (uid) of the name. */
  list(namespace: string, name: string): Promise<HistoryEntry[]>;
  /** Oldest first; one incarnation, also long after it was deleted. */
  listByUid(uid: string): Promise<HistoryEntry[]>;
}

/** What every control-plane handler is built from (its factory's dependencies). */
export interface ControlPlaneDeps {
  podStore: PodStore;
  nodeStore: NodeStore;
  historyStore: HistoryStore;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
}
