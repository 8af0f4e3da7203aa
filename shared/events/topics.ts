/**
 * The topics, their keys and partition counts: the one place that names them.
 * The local broker launcher, the cloud stacks and every producer and consumer
 * read this table, so a topic can not be spelt two ways.
 */
export const TOPICS = {
  podEvents: 'pod-events',
  nodeAssignments: 'node-assignments',
  podStatus: 'pod-status',
  nodeHeartbeats: 'node-heartbeats',
  podChanges: 'pod-changes',
  rcEvents: 'rc-events',
  deadLetter: 'dead-letter',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  /** What the record key is; order holds per key. */
  readonly key: string;
  readonly description: string;
}

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: TOPICS.podEvents, partitions: 64, key: 'namespace/name', description: 'Pod commands (create, delete, evict) and the controller decisions that follow them.' },
  { name: TOPICS.nodeAssignments, partitions: 32, key: 'nodeName', description: 'What each node must run or stop; a node reads only the partition its name hashes to.' },
  { name: TOPICS.podStatus, partitions: 16, key: 'namespace/name', description: 'What the agents observe of their pods: container states, pod IPs, stop confirmations.' },
  { name: TOPICS.nodeHeartbeats, partitions: 4, key: 'nodeName', description: 'Node registration and heartbeats, carrying the node description.' },
  { name: TOPICS.podChanges, partitions: 8, key: 'namespace/name', description: 'The change feed of the pod projection (ADDED/MODIFIED/DELETED with the whole pod); what watches follow.' },
  { name: TOPICS.rcEvents, partitions: 4, key: 'namespace/name', description: 'ReplicationController commands (create, update, scale, delete); the replication-controller handler applies them.' },
  { name: TOPICS.deadLetter, partitions: 1, key: 'source topic', description: 'Records no handler could parse or apply, with the reason.' },
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
