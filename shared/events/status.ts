/** The Kubernetes `Status` object: every API error and every rejected request. */
import { z } from 'zod';

export const statusCause = z.strictObject({
  reason: z.string().optional(),
  message: z.string().optional(),
  field: z.string().optional(),
});
export type StatusCause = z.infer<typeof statusCause>;

export const k8sStatus = z.strictObject({
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  metadata: z.strictObject({}).passthrough(),
  status: z.enum(['Success', 'Failure']),
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z
    .strictObject({
      name: z.string().optional(),
      group: z.string().optional(),
      kind: z.string().optional(),
      uid: z.string().optional(),
      causes: z.array(statusCause).optional(),
      /** How long the client should wait before retrying (Kubernetes' StatusDetails.retryAfterSeconds). */
      retryAfterSeconds: z.number().int().optional(),
    })
    .optional(),
  code: z.number().int(),
});
export type K8sStatus = z.infer<typeof k8sStatus>;
