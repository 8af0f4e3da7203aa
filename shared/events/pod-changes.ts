/**
 * Topic pod-changes (key namespace/name): the change feed of the pod projection.
 * Each record carries the whole pod as stored, so watchers and outside consumers
 * follow every pod's life without polling; rejections answer a request by its id.
 */
import { z } from 'zod';
import { pod } from '../pod/schema';
import { eventSchema } from './envelope';
import { k8sStatus } from './status';

export const podChanged = eventSchema(
  'PodChanged',
  z.strictObject({ change: z.enum(['ADDED', 'MODIFIED', 'DELETED']), pod }),
);

/** A request (by causationId) that was refused, with the Status the API returns. */
export const podRequestRejected = eventSchema(
  'PodRequestRejected',
  z.strictObject({ namespace: z.string(), name: z.string(), status: k8sStatus }),
);

export const podChangeEvent = z.discriminatedUnion('type', [podChanged, podRequestRejected]);
export type PodChangeEvent = z.infer<typeof podChangeEvent>;
export type PodChanged = z.infer<typeof podChanged>;
export type PodRequestRejected = z.infer<typeof podRequestRejected>;
