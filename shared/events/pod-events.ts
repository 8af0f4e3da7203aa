/**
 * Topic pod-events (key namespace/name): the commands that change a pod's life
 * (from the API or any outside producer) and the pod-controller's decision
 * that the scheduler follows.
 */
import { z } from 'zod';
import { objectMeta, pod, podManifest, podSpec } from '../pod/schema';
import { eventSchema } from './envelope';

export const podCreateRequested = eventSchema(
  'PodCreateRequested',
  z.strictObject({ pod: podManifest }),
);

export const podDeleteRequested = eventSchema(
  'PodDeleteRequested',
  z.strictObject({
    namespace: z.string().min(1),
    name: z.string().min(1),
    /** Precondition: delete only this incarnation. */
    uid: z.string().optional(),
    gracePeriodSeconds: z.number().int().min(0).optional(),
  }),
);

/**
 * A change of a live pod (PUT, PATCH, server-side apply): the whole new
 * labels, annotations, managed fields and spec, bound to the incarnation
 * (uid) and, when the client gave one, to the resourceVersion it read. The
 * pod-controller decides what may change (shared/pod/update-rules.ts).
 */
export const podUpdateRequested = eventSchema(
  'PodUpdateRequested',
  z.strictObject({
    namespace: z.string().min(1),
    name: z.string().min(1),
    uid: z.string().min(1),
    resourceVersion: z.string().optional(),
    metadata: objectMeta.pick({ labels: true, annotations: true, managedFields: true }),
    spec: podSpec,
  }),
);

export const podEvictionRequested = eventSchema(
  'PodEvictionRequested',
  z.strictObject({
    namespace: z.string().min(1),
    name: z.string().min(1),
    uid: z.string().min(1),
    nodeName: z.string().min(1),
    reason: z.string().min(1),
    message: z.string(),
  }),
);

/**
 * A pod recorded and ready to place. `version` is the stored record's version
 * for that pod, so the scheduler can bind without reading it back first.
 */
export const podAccepted = eventSchema('PodAccepted', z.strictObject({ pod, version: z.number().int().positive().optional() }));

/** Asks the scheduler to try an unscheduled pod again (periodic sweep). */
export const podScheduleRequested = eventSchema(
  'PodScheduleRequested',
  z.strictObject({ namespace: z.string(), name: z.string(), uid: z.string() }),
);

export const podEvent = z.discriminatedUnion('type', [
  podCreateRequested,
  podDeleteRequested,
  podUpdateRequested,
  podEvictionRequested,
  podAccepted,
  podScheduleRequested,
]);
export type PodEvent = z.infer<typeof podEvent>;
export type PodCreateRequested = z.infer<typeof podCreateRequested>;
export type PodDeleteRequested = z.infer<typeof podDeleteRequested>;
export type PodUpdateRequested = z.infer<typeof podUpdateRequested>;
export type PodEvictionRequested = z.infer<typeof podEvictionRequested>;
export type PodAccepted = z.infer<typeof podAccepted>;
export type PodScheduleRequested = z.infer<typeof podScheduleRequested>;
