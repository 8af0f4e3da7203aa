/** Topic pod-status (key namespace/name): what an agent observes of its pods. */
import { z } from 'zod';
import { podStatus } from '../pod/schema';
import { eventSchema } from './envelope';

export const podEventRecord = z.strictObject({
  type: z.enum(['Normal', 'Warning']),
  reason: z.string().min(1),
  message: z.string(),
  time: z.string(),
});
export type PodEventRecord = z.infer<typeof podEventRecord>;

const podRef = {
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  nodeName: z.string().min(1),
};

/**
 * A snapshot of the pod as the node sees it, plus what happened since the last
 * one (Pulled, Started, BackOff ...). `sequence` grows per node boot and uid, so a
 * late or replayed snapshot never overwrites a newer one.
 */
export const podStatusReported = eventSchema(
  'PodStatusReported',
  z.strictObject({
    ...podRef,
    bootId: z.string().min(1),
    sequence: z.number().int().min(0),
    status: podStatus,
    events: z.array(podEventRecord).default([]),
  }),
);

/** The node has stopped every container of the pod and removed its sandbox and volumes. */
export const podStopped = eventSchema(
  'PodStopped',
  z.strictObject({ ...podRef, events: z.array(podEventRecord).default([]) }),
);

export const podStatusEvent = z.discriminatedUnion('type', [podStatusReported, podStopped]);
export type PodStatusEvent = z.infer<typeof podStatusEvent>;
export type PodStatusReported = z.infer<typeof podStatusReported>;
export type PodStopped = z.infer<typeof podStopped>;
