/**
 * The topics, their keys, partition counts and retention: the one place that
 * names them. The local launcher, the cloud stacks and every producer and
 * consumer read this table, so a topic can not be spelt two ways.
 *
 * Retention follows each topic's role. Commands and observations that the
 * projections are rebuilt from are kept forever (`retention.ms=-1`). Topics
 * whose latest record per key is the state are compacted. node-assignments is
 * a delivery channel only: an agent recovers from the Pods projection and
 * then reads what is retained, so no recovery depends on its old records.
 */
export const TOPICS = {
  podEvents: 'pod-events',
  nodeAssignments: 'node-assignments',
  podStatus: 'pod-status',
  nodeHeartbeats: 'node-heartbeats',
  nodeEvents: 'node-events',
  podChanges: 'pod-changes',
  rcEvents: 'rc-events',
  configEvents: 'config-events',
  deadLetter: 'dead-letter',
  podHistory: 'pod-history',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  /** What the record key is; order holds per key. */
  readonly key: string;
  readonly description: string;
  /** Topic configuration set at creation (cleanup and retention), as the broker names it. */
  readonly config: Readonly<Record<string, string>>;
  /** Why this retention, for the event contract. */
  readonly retention: string;
}

const FOREVER = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: TOPICS.podEvents,
    partitions: 16,
    key: 'namespace/name',
    description: 'Pod commands (create, delete, evict) and the controller decisions that follow them.',
    config: FOREVER,
    retention: 'forever: every pod command ever accepted, what the Pods projection and its history are rebuilt from',
  },
  {
    name: TOPICS.nodeAssignments,
    partitions: 32,
    key: 'nodeName',
    description: 'What each node must run or stop; a node reads only the partition its name hashes to.',
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
    retention: '7 days: an agent starts from the Pods projection (its pods by node) and then reads what is retained, so expired assignments lose nothing',
  },
  {
    name: TOPICS.podStatus,
    partitions: 16,
    key: 'namespace/name',
    description: 'What the agents observe of their pods: container states, pod IPs, stop confirmations.',
    config: FOREVER,
    retention: 'forever: the observations the pod status and history are rebuilt from',
  },
  {
    name: TOPICS.nodeHeartbeats,
    partitions: 4,
    key: 'nodeName',
    description: 'Node registration and heartbeats, carrying the node description.',
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60 * 60 * 1000) },
    retention: 'compacted: the latest heartbeat of a node carries its whole description, so it is the node\'s state',
  },
  {
    name: TOPICS.nodeEvents,
    partitions: 4,
    key: 'nodeName',
    description: 'Changes to a node\'s spec made through the API (its taints), each carrying the whole spec.',
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60 * 60 * 1000) },
    retention: 'compacted: the latest NodeSpecUpdated of a node carries its whole spec, so it is the node\'s spec',
  },
  {
    name: TOPICS.podChanges,
    partitions: 8,
    key: 'namespace/name',
    description: 'The change feed of the pod projection (ADDED/MODIFIED/DELETED with the whole pod); what watches follow.',
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(DAY_MS) },
    retention: 'compacted after a day: the latest change of a pod carries the whole pod; older changes stay for a day for watches and dashboards',
  },
  {
    name: TOPICS.rcEvents,
    partitions: 4,
    key: 'namespace/name',
    description: 'ReplicationController commands (create, update, scale, delete); the replication-controller handler applies them.',
    config: FOREVER,
    retention: 'forever: what the ReplicationControllers projection is rebuilt from',
  },
  {
    name: TOPICS.configEvents,
    partitions: 4,
    key: 'resource/namespace/name',
    description: 'ConfigMap and Secret commands (create, update, delete); the config-controller applies them.',
    // A ConfigMap or Secret may hold 1 MiB, which is more than the broker's default record limit once encoded.
    config: { ...FOREVER, 'max.message.bytes': String(4 * 1024 * 1024) },
    retention: 'forever: what the ConfigObjects projection is rebuilt from',
  },
  {
    name: TOPICS.podHistory,
    partitions: 8,
    key: 'namespace/name',
    description: 'Every entry of every pod\'s history (what describe shows as Events), as the handler that wrote it recorded it.',
    config: FOREVER,
    retention: 'forever: the PodHistory table is its projection, and a pod\'s history stays queryable long after the pod',
  },
  {
    name: TOPICS.deadLetter,
    partitions: 1,
    key: 'source topic',
    description: 'Records no handler could parse or apply, with the reason.',
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    retention: '30 days: for people to inspect and replay; nothing reads it to recover',
  },
];

export function topicSpec(name: TopicName): TopicSpec {
  const spec = TOPIC_SPECS.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown topic ${name}`);
  return spec;
}

/**
 * The node-assignments partition a node reads. FNV-1a over the name, so the
 * scheduler (writer) and the agent (reader) agree without asking the broker.
 */
export function nodePartition(nodeName: string, partitions = topicSpec(TOPICS.nodeAssignments).partitions): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < nodeName.length; i++) {
    hash ^= nodeName.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
