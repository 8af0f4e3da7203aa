/**
 * Pod validation shared by the API and the pod-controller (so an outside
 * producer on pod-events gets the same answer as a REST client): the zod shape
 * first, then the cross-field rules the API server checks. Every cause is
 * reported at once, each with its Kubernetes field path.
 */
import type { z } from 'zod';
import type { StatusCause } from '../events/status';
import { podManifest, type PodManifest } from './schema';

export type Validation<T> = { ok: true; value: T } | { ok: false; causes: StatusCause[] };

/** ['spec','containers',0,'image'] → 'spec.containers[0].image' */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

export function causesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) causes.push({ reason: 'FieldValueInvalid', message: `unknown field "${key}"`, field: fieldPath([...path, key]) });
    } else if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: fieldPath(path) });
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      const supported = issue.values.map((v) => JSON.stringify(v)).join(', ');
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: supported values: ${supported}`, field: fieldPath(path) });
    } else {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${issue.message}`, field: fieldPath(path) });
    }
  }
  return causes;
}

/** Rules across fields: unique names, known volume references, a name to create under. */
export function semanticCauses(pod: PodManifest): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!pod.metadata.name && !pod.metadata.generateName) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  }
  const volumeNames = new Set<string>();
  (pod.spec.volumes ?? []).forEach((v, i) => {
    if (volumeNames.has(v.name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${v.name}"`, field: `spec.volumes[${i}].name` });
    volumeNames.add(v.name);
    const sources = [v.emptyDir, v.hostPath].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      causes.push({
        reason: sources === 0 ? 'FieldValueRequired' : 'FieldValueForbidden',
        message: sources === 0 ? 'Required value: must specify a volume type' : 'Forbidden: may not specify more than 1 volume type',
        field: `spec.volumes[${i}]`,
      });
    }
  });
  const containerNames = new Set<string>();
  pod.spec.containers.forEach((c, i) => {
    if (containerNames.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: "${c.name}"`, field: `spec.containers[${i}].name` });
    containerNames.add(c.name);
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!volumeNames.has(m.name)) causes.push({ reason: 'FieldValueNotFound', message: `Not found: "${m.name}"`, field: `spec.containers[${i}].volumeMounts[${j}].name` });
    });
  });
  return causes;
}

export function validatePodManifest(input: unknown): Validation<PodManifest> {
  const parsed = podManifest.safeParse(input);
  if (!parsed.success) return { ok: false, causes: causesFromZod(parsed.error) };
  const causes = semanticCauses(parsed.data);
  return causes.length ? { ok: false, causes } : { ok: true, value: parsed.data };
}
