/**
 * The ReplicationController (core/v1) as podflow stores and serves it, and the
 * autoscaling/v1 Scale of its `/scale` subresource. The template's pod spec is
 * the pod's own schema, so a template accepted here is a pod the pod-controller
 * accepts. Types come from the schemas (zod is the wire format).
 */
import { z } from 'zod';
import { objectMeta, podSpec } from '../pod/schema';

export const labelMap = z.record(z.string(), z.string());

export const podTemplate = z.strictObject({
  metadata: objectMeta.optional(),
  spec: podSpec,
});
export type PodTemplate = z.infer<typeof podTemplate>;

/** The spec after defaulting: replicas and selector are always set. */
export const rcSpec = z.strictObject({
  replicas: z.number().int().min(0),
  selector: labelMap,
  minReadySeconds: z.number().int().min(0).optional(),
  template: podTemplate,
});
export type RcSpec = z.infer<typeof rcSpec>;

/** ReplicaFailure (reason FailedCreate) while the controller cannot create the pods it should, as Kubernetes reports it. */
export const rcCondition = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type RcCondition = z.infer<typeof rcCondition>;

export const rcStatus = z.strictObject({
  replicas: z.number().int().min(0),
  fullyLabeledReplicas: z.number().int().min(0).optional(),
  readyReplicas: z.number().int().min(0).optional(),
  availableReplicas: z.number().int().min(0).optional(),
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(rcCondition).optional(),
});
export type RcStatus = z.infer<typeof rcStatus>;

/** What a create carries once validated and defaulted (status is never taken from a client). */
export const rcManifest = z.strictObject({
  apiVersion: z.literal('v1').optional(),
  kind: z.literal('ReplicationController').optional(),
  metadata: objectMeta,
  spec: rcSpec,
});
export type RcManifest = z.infer<typeof rcManifest>;

/** A replication controller as recorded: every identity field set. */
export const replicationController = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ReplicationController'),
  metadata: objectMeta.extend({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string(),
    generation: z.number().int().min(1),
    creationTimestamp: z.string(),
  }),
  spec: rcSpec,
  status: rcStatus,
});
export type ReplicationController = z.infer<typeof replicationController>;

/** autoscaling/v1 Scale, as `kubectl scale` reads and writes it. */
export const scale = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional(), resourceVersion: z.string().optional(), uid: z.string().optional() }).optional(),
  spec: z.looseObject({ replicas: z.number().int().min(0).optional() }),
});
export type ScaleInput = z.infer<typeof scale>;

export function scaleOf(rc: ReplicationController): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: rc.metadata.name, namespace: rc.metadata.namespace, uid: rc.metadata.uid, resourceVersion: rc.metadata.resourceVersion, creationTimestamp: rc.metadata.creationTimestamp },
    spec: { replicas: rc.spec.replicas },
    status: { replicas: rc.status.replicas, selector: Object.entries(rc.spec.selector).map(([k, v]) => `${k}=${v}`).join(',') },
  };
}
