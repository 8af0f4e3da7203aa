/**
 * Object metadata and map rules the zod shape cannot express: a name to create
 * under, generateName, label and annotation keys and values (Kubernetes'
 * `ValidateObjectMeta`, `ValidateLabels`, `ValidateAnnotations`). Runs on
 * untrusted input; reports causes at the paths Kubernetes reports them.
 */
import { invalid, required, tooLong, type FieldCause } from './field-errors';
import { isDns1123Subdomain, isQualifiedName, isValidLabelValue, TOTAL_ANNOTATION_SIZE_MAX } from './names';
import { entries, obj, str } from './loose';

/** Label maps (metadata.labels, spec.nodeSelector): keys are qualified names, values ≤ 63 label characters. */
export function labelCauses(labels: unknown, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  for (const [key, value] of entries(labels, str)) {
    for (const msg of isQualifiedName(key)) causes.push(invalid(field, key, msg));
    for (const msg of isValidLabelValue(value)) causes.push(invalid(field, value, msg));
  }
  return causes;
}

/** Annotation keys are qualified names (checked lowercased); keys and values together ≤ 256 KiB. */
export function annotationCauses(annotations: unknown, field: string): FieldCause[] {
  const causes: FieldCause[] = [];
  let size = 0;
  for (const [key, value] of entries(annotations, str)) {
    for (const msg of isQualifiedName(key.toLowerCase())) causes.push(invalid(field, key, msg));
    size += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8'); // bytes, as Kubernetes counts them
  }
  if (size > TOTAL_ANNOTATION_SIZE_MAX) causes.push(tooLong(field, TOTAL_ANNOTATION_SIZE_MAX));
  return causes;
}

export function metadataCauses(metadata: unknown): FieldCause[] {
  const meta = obj(metadata);
  if (!meta) return [];
  const causes: FieldCause[] = [];
  const name = str(meta.name);
  const generateName = str(meta.generateName);
  if (!name && !generateName) causes.push(required('metadata.name', 'name or generateName is required'));
  if (generateName) {
    // A prefix may end in '-': mask it as Kubernetes does before checking the subdomain rule.
    const masked = generateName.endsWith('-') ? `${generateName.slice(0, -1)}a` : generateName;
    for (const msg of isDns1123Subdomain(masked)) causes.push(invalid('metadata.generateName', generateName, msg));
  }
  causes.push(...labelCauses(meta.labels, 'metadata.labels'));
  causes.push(...annotationCauses(meta.annotations, 'metadata.annotations'));
  return causes;
}
