/**
 * Refuses a pod that could not be stored. A pod's projection is one DynamoDB
 * item holding the pod as JSON (shared/adapters/dynamodb/pod-store.ts), and an
 * item may hold at most 400 KB. The manifest a client sends may therefore be at
 * most MAX_MANIFEST_BYTES of JSON: 256 KiB, the same as Kubernetes' own bound
 * on annotations, which leaves about 144 KiB of the item for what the control
 * plane adds later (status with container states and messages, uid, node,
 * timestamps) and the item's own attributes, so a stored pod never grows past
 * the limit as it runs. Without this bound such a pod was accepted and then
 * failed every write. Pure; runs on untrusted input and never throws.
 */
import { tooLong, type FieldCause } from '../kube/field-errors';
import { obj, str, entries } from '../kube/loose';
import { TOTAL_ANNOTATION_SIZE_MAX } from '../kube/names';
import { ROOT_FIELD } from './validate';

/** Bytes of UTF-8 JSON a pod manifest may have (see above). */
export const MAX_MANIFEST_BYTES = 256 * 1024;

function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return 0; // not serializable (cycles): the shape rules refuse it
  }
}

/** Bytes of annotation keys and values, as Kubernetes counts them (ValidateAnnotationsSize). */
export function annotationBytes(annotations: unknown): number {
  let size = 0;
  for (const [key, value] of entries(annotations, str)) size += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  return size;
}

/**
 * The whole-object bound. Over it, the cause names the annotations when they
 * are the bulk of the pod (with the room they may take beside the rest), and
 * the root otherwise. Annotations over Kubernetes' own 256 KiB limit are
 * reported by the metadata rules, once.
 */
export function sizeCauses(pod: unknown, maxBytes = MAX_MANIFEST_BYTES): FieldCause[] {
  const total = jsonBytes(pod);
  if (total <= maxBytes) return [];
  const annotations = obj(obj(pod)?.metadata)?.annotations;
  const annotated = annotationBytes(annotations);
  if (annotated > TOTAL_ANNOTATION_SIZE_MAX) return [];
  const annotationsJson = jsonBytes(annotations);
  if (annotationsJson * 2 > total) {
    const room = Math.max(0, annotated - (total - maxBytes));
    return [tooLong('metadata.annotations', room)];
  }
  return [tooLong(ROOT_FIELD, maxBytes)];
}
