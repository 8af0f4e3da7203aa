/**
 * A ReplicationController as the ReplicationControllers table holds it, and
 * the port to that table. Besides the object, the record keeps what makes the
 * controller idempotent across replays and racing reconciles: the next slot
 * (creation ids derive from it), the creates and deletes it has published but
 * not yet seen in the Pods table, the lost pods it has already answered, and
 * the outcome of recent commands (what the API waits for). Every write is
 * conditional on `version`.
 */
import type { K8sStatus } from '../events/status';
import type { ReplicationController } from './schema';

export interface InFlight {
  uid: string;
  /** ISO time it was published. */
  at: string;
  /** For creates: the slot the pod was created for. */
  slot?: number;
}

export interface CommandOutcome {
  id: string;
  /** Absent when applied; the Status the API answers when refused. */
  status?: K8sStatus;
}

export interface RcRecord {
  namespace: string;
  name: string;
  uid: string;
  version: number;
  rc: ReplicationController;
  /** A tombstone: the RC is deleted; its pods are being (or have been) deleted. */
  deleted: boolean;
  nextSlot: number;
  pending: InFlight[];
  deleting: InFlight[];
  /** Uids of owned pods whose loss was already answered (replaced or not needed). */
  settled: string[];
  requests: CommandOutcome[];
}

export interface RcStore {
  get(namespace: string, name: string): Promise<RcRecord | null>;
  /** Writes when the stored version equals `expectedVersion` (null: no item yet); else throws ConflictError. */
  put(record: RcRecord, expectedVersion: number | null): Promise<void>;
  /** Live and deleted records, in one namespace or all. */
  list(namespace?: string): Promise<RcRecord[]>;
}

/** Bounds on the bookkeeping lists, so a long-lived RC's item stays small. */
export const MAX_SETTLED = 200;
export const MAX_REQUESTS = 20;
