/** The event contract: one zod union per topic. */
import type { z } from 'zod';
import { TOPICS, type TopicName } from './topics';
import { podEvent } from './pod-events';
import { nodeAssignmentEvent } from './node-assignments';
import { podStatusEvent } from './pod-status';
import { nodeHeartbeatEvent } from './node-heartbeats';
import { nodeSpecEvent } from './node-events';
import { podChangeEvent } from './pod-changes';
import { deadLetter } from './dead-letter';
import { rcEvent } from './rc-events';
import { configEvent } from './config-events';
import { podHistoryEvent } from './pod-history';

export * from './envelope';
export * from './topics';
export * from './status';
export * from './pod-events';
export * from './node-assignments';
export * from './pod-status';
export * from './node-heartbeats';
export * from './node-events';
export * from './pod-changes';
export * from './dead-letter';
export * from './rc-events';
export * from './config-events';
export * from './pod-history';

export const TOPIC_SCHEMAS: Record<TopicName, z.ZodTypeAny> = {
  [TOPICS.podEvents]: podEvent,
  [TOPICS.nodeAssignments]: nodeAssignmentEvent,
  [TOPICS.podStatus]: podStatusEvent,
  [TOPICS.nodeHeartbeats]: nodeHeartbeatEvent,
  [TOPICS.nodeEvents]: nodeSpecEvent,
  [TOPICS.podChanges]: podChangeEvent,
  [TOPICS.rcEvents]: rcEvent,
  [TOPICS.configEvents]: configEvent,
  [TOPICS.deadLetter]: deadLetter,
  [TOPICS.podHistory]: podHistoryEvent,
};
