/**
 * The DynamoDB tables and their keys: one definition read by the adapters, the
 * local bootstrap (DynamoDB Local) and the cloud state stack.
 */
export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}${logical}` locally and set by the stack in the cloud. */
  logical: 'Pods' | 'Nodes' | 'PodHistory' | 'ReplicationControllers' | 'ConfigObjects';
  partitionKey: string;
  sortKey?: string;
  indexes: { name: string; partitionKey: string; sortKey?: string }[];
  /** Attribute holding an epoch-seconds expiry, where items expire. */
  ttlAttribute?: string;
}

export const TABLES: Record<TableDefinition['logical'], TableDefinition> = {
  /** One item per pod name: the current incarnation or its tombstone. */
  Pods: {
    logical: 'Pods',
    partitionKey: 'namespace',
    sortKey: 'name',
    indexes: [{ name: 'byNode', partitionKey: 'nodeName', sortKey: 'uid' }],
    ttlAttribute: 'expiresAt',
  },
  /** One item per node: description, heartbeat, Ready condition, reservations. */
  Nodes: { logical: 'Nodes', partitionKey: 'name', indexes: [] },
  /** A pod's whole history across incarnations; sort key `${time}#${eventId}#${index}`. */
  PodHistory: { logical: 'PodHistory', partitionKey: 'pod', sortKey: 'seq', indexes: [{ name: 'byUid', partitionKey: 'uid', sortKey: 'seq' }] },
  ReplicationControllers: { logical: 'ReplicationControllers', partitionKey: 'namespace', sortKey: 'name', indexes: [] },
  /** ConfigMaps and Secrets: scope `<kind>/<namespace>`; sort key the name, and `<name>#<n>` for the chunks of a large one. */
  ConfigObjects: { logical: 'ConfigObjects', partitionKey: 'scope', sortKey: 'name', indexes: [] },
};

export type TableNames = Record<TableDefinition['logical'], string>;

export function tableNames(prefix = 'podflow-'): TableNames {
  return {
    Pods: `${prefix}Pods`,
    Nodes: `${prefix}Nodes`,
    PodHistory: `${prefix}PodHistory`,
    ReplicationControllers: `${prefix}ReplicationControllers`,
    ConfigObjects: `${prefix}ConfigObjects`,
  };
}
