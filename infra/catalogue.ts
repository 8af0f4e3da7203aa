/**
 * Who reads and writes what: the one table the cloud grants are derived from.
 * Each handler consumes its topics (one event source mapping and consumer
 * group per topic), publishes to the topics listed, and touches only the
 * tables listed, at the level listed.
 * The tests read the synthesized policies back against this table, so a grant
 * can not grow without this file saying so.
 */
import { TOPICS, type TopicName } from '../shared/events/topics';
import type { TableDefinition } from '../shared/adapters/dynamodb/tables';

export type TableName = TableDefinition['logical'];
export type TableAccess = 'read' | 'write';

export interface HandlerSpec {
  /** Folder under functions/ and the stable handler name. */
  name: string;
  consumes: TopicName[];
  publishes: TopicName[];
  tables: Partial<Record<TableName, TableAccess>>;
  /** Also runs `sweep()` on an EventBridge schedule (the handler module exports one). */
  sweeps?: boolean;
}

export const HANDLERS: readonly HandlerSpec[] = [
  {
    name: 'pod-controller',
    consumes: [TOPICS.podEvents],
    publishes: [TOPICS.podEvents, TOPICS.nodeAssignments, TOPICS.podChanges, TOPICS.podHistory, TOPICS.deadLetter],
    tables: { Pods: 'write', PodHistory: 'write', Nodes: 'read' },
  },
  {
    name: 'scheduler',
    consumes: [TOPICS.podEvents],
    publishes: [TOPICS.nodeAssignments, TOPICS.podChanges, TOPICS.podHistory, TOPICS.deadLetter],
    tables: { Pods: 'write', Nodes: 'write', PodHistory: 'write' },
  },
  {
    name: 'status-recorder',
    consumes: [TOPICS.podStatus],
    publishes: [TOPICS.podChanges, TOPICS.podEvents, TOPICS.podHistory, TOPICS.deadLetter],
    tables: { Pods: 'write', Nodes: 'write', PodHistory: 'write' },
  },
  {
    name: 'node-lifecycle',
    consumes: [TOPICS.nodeHeartbeats, TOPICS.nodeEvents],
    publishes: [TOPICS.podEvents, TOPICS.podHistory, TOPICS.deadLetter],
    tables: { Nodes: 'write', Pods: 'write', PodHistory: 'write' },
    sweeps: true,
  },
  {
    name: 'replication-controller',
    consumes: [TOPICS.rcEvents, TOPICS.podChanges],
    publishes: [TOPICS.podEvents, TOPICS.podHistory, TOPICS.deadLetter],
    tables: { ReplicationControllers: 'write', Pods: 'read', PodHistory: 'write' },
    sweeps: true,
  },
  {
    name: 'config-controller',
    consumes: [TOPICS.configEvents],
    publishes: [TOPICS.deadLetter],
    tables: { ConfigObjects: 'write' },
  },
];

/**
 * The Kafka consumer group of a handler's event source mapping on one topic:
 * fixed, so IAM can name it, and one per mapping, as Lambda requires.
 */
export const consumerGroupOf = (handler: Pick<HandlerSpec, 'name'>, topic: TopicName): string => `podflow-${handler.name}-${topic}`;

/**
 * The API server: it appends commands to pod-events, rc-events, node-events and config-events, follows
 * pod-changes for watches and pod-history for the events feed (one consumer
 * group per instance and feed, under the `api-` prefix) and reads the
 * projections; it writes no table.
 */
export const API_ACCESS = {
  consumes: [TOPICS.podChanges, TOPICS.podHistory] as TopicName[],
  consumerGroupPrefix: 'api-',
  publishes: [TOPICS.podEvents, TOPICS.rcEvents, TOPICS.nodeEvents, TOPICS.configEvents] as TopicName[],
  tables: { Pods: 'read', Nodes: 'read', PodHistory: 'read', ReplicationControllers: 'read', ConfigObjects: 'read' } as Partial<Record<TableName, TableAccess>>,
};

/**
 * An agent node: reads node-assignments (consumer groups under `agent-`, one
 * per node) and writes what it observes. No table access at all.
 */
export const AGENT_ACCESS = {
  consumes: [TOPICS.nodeAssignments] as TopicName[],
  consumerGroupPrefix: 'agent-',
  publishes: [TOPICS.podStatus, TOPICS.nodeHeartbeats] as TopicName[],
};
