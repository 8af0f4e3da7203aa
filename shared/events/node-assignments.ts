/** Topic node-assignments (key nodeName): what a node must run, and what it must stop. */
import { z } from 'zod';
import { pod } from '../pod/schema';
import { eventSchema } from './envelope';

export const podAssigned = eventSchema('PodAssigned', z.strictObject({ nodeName: z.string().min(1), pod }));

export const podUnassigned = eventSchema(
  'PodUnassigned',
  z.strictObject({
    nodeName: z.string().min(1),
    namespace: z.string(),
    name: z.string(),
    uid: z.string(),
    gracePeriodSeconds: z.number().int().min(0),
    reason: z.string(),
  }),
);

export const nodeAssignmentEvent = z.discriminatedUnion('type', [podAssigned, podUnassigned]);
export type NodeAssignmentEvent = z.infer<typeof nodeAssignmentEvent>;
export type PodAssigned = z.infer<typeof podAssigned>;
export type PodUnassigned = z.infer<typeof podUnassigned>;
