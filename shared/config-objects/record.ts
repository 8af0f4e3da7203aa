/**
 * A ConfigMap or Secret as the ConfigObjects table holds it, and the port to
 * that table. Besides the object the record keeps the outcome of recent
 * commands (what the API waits for, and what makes a replay a no-op). Every
 * write is conditional on `version`. A deleted object stays as a tombstone
 * until a create reuses its name.
 */
import type { K8sStatus } from '../events/status';
import type { ConfigKind, ConfigObject } from './schema';

export interface CommandOutcome {
  id: string;
  /** Absent when applied; the Status the API answers when refused. */
  status?: K8sStatus;
}

export interface ConfigObjectRecord {
  kind: ConfigKind;
  namespace: string;
  name: string;
  uid: string;
  version: number;
  deleted: boolean;
  object: ConfigObject;
  requests: CommandOutcome[];
}

export interface ConfigObjectStore {
  get(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObjectRecord | null>;
  /** Writes when the stored version equals `expectedVersion` (null: no item yet); else throws ConflictError. */
  put(record: ConfigObjectRecord, expectedVersion: number | null): Promise<void>;
  /** Live and deleted records of a kind, in one namespace or all. */
  list(kind: ConfigKind, namespace?: string): Promise<ConfigObjectRecord[]>;
}

export const MAX_REQUESTS = 20;
