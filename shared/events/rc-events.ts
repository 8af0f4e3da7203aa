/**
 * Topic rc-events (key namespace/name): the commands that change a
 * ReplicationController (from the API or any outside producer). The
 * replication-controller handler applies them to the ReplicationControllers
 * table and then reconciles the RC's pods. A create's id becomes the RC's uid.
 */
import { z } from 'zod';
import { rcManifest, rcSpec } from '../rc/schema';
import { eventSchema } from './envelope';

const rcRef = {
  namespace: z.string().min(1),
  name: z.string().min(1),
  /** Precondition: change only this incarnation. */
  uid: z.string().optional(),
  /** Precondition: change only if nothing changed since this resourceVersion. */
  resourceVersion: z.string().optional(),
};

export const rcCreateRequested = eventSchema('ReplicationControllerCreateRequested', z.strictObject({ rc: rcManifest }));

/** Replaces labels, annotations, managed fields and spec (PUT, or a patch or apply the API already merged). */
export const rcUpdateRequested = eventSchema(
  'ReplicationControllerUpdateRequested',
  z.strictObject({
    ...rcRef,
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    /** Who owns which fields (server-side apply); absent keeps the stored ones. */
    managedFields: z.array(z.unknown()).optional(),
    spec: rcSpec,
  }),
);

/** The `/scale` subresource: only the replica count changes. */
export const rcScaleRequested = eventSchema('ReplicationControllerScaleRequested', z.strictObject({ ...rcRef, replicas: z.number().int().min(0) }));

/** Deletes the RC; its pods are deleted by the controller (background propagation). */
export const rcDeleteRequested = eventSchema('ReplicationControllerDeleteRequested', z.strictObject({ ...rcRef }));

export const rcEvent = z.discriminatedUnion('type', [rcCreateRequested, rcUpdateRequested, rcScaleRequested, rcDeleteRequested]);
export type RcEvent = z.infer<typeof rcEvent>;
export type RcCreateRequested = z.infer<typeof rcCreateRequested>;
export type RcUpdateRequested = z.infer<typeof rcUpdateRequested>;
export type RcScaleRequested = z.infer<typeof rcScaleRequested>;
export type RcDeleteRequested = z.infer<typeof rcDeleteRequested>;
