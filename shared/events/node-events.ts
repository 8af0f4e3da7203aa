/**
 * Topic node-events (key nodeName): changes to a node's spec made through the
 * API (today its taints: `kubectl taint`). Separate from node-heartbeats,
 * which only the node itself may write (signed) and whose latest record is
 * the agent's own description; each NodeSpecUpdated carries the node's whole
 * spec, so the latest one per node is its spec and the topic can be compacted.
 */
import { z } from 'zod';
import { nodeTaint } from '../node/taints';
import { eventSchema } from './envelope';

export const nodeSpecUpdated = eventSchema(
  'NodeSpecUpdated',
  z.strictObject({
    name: z.string().min(1).max(253),
    spec: z.strictObject({ taints: z.array(nodeTaint) }),
  }),
);

export const nodeSpecEvent = z.discriminatedUnion('type', [nodeSpecUpdated]);
export type NodeSpecUpdated = z.infer<typeof nodeSpecUpdated>;
export type NodeSpecEvent = z.infer<typeof nodeSpecEvent>;
