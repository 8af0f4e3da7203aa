/**
 * Pod validation shared by the API and the pod-controller (so an outside
 * producer on pod-events gets the same answer as a REST client), as strict as
 * the Kubernetes API server: the zod shape (types, enums, unknown fields, name
 * formats) and the cross-field rules run on the same input, and every cause is
 * reported at once, each with its Kubernetes field path and reason. Never
 * throws, whatever the input.
 */
import type { z } from 'zod';
import type { StatusCause } from '../events/status';
import { invalid, notSupported, required, type FieldCause } from '../kube/field-errors';
import { inclusiveRangeError, maxLenError } from '../kube/names';
import { obj } from '../kube/loose';
import { metadataCauses } from '../kube/meta-rules';
import { podManifest, type PodManifest } from './schema';
import { specCauses } from './spec-rules';
import { sizeCauses } from './size';

export type Validation<T> = { ok: true; value: T } | { ok: false; causes: StatusCause[] };

/** Fields whose keys are data (maps): their keys print as `[key]`, as Kubernetes prints them. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests']);

/** Where a cause on the whole document is reported: a field path is never empty. */
export const ROOT_FIELD = '<root>';

/**
 * ['spec','containers',0,'image'] → 'spec.containers[0].image';
 * ['spec','containers',0,'resources','limits','cpu'] → 'spec.containers[0].resources.limits[cpu]'.
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  let acc = '';
  path.forEach((part, i) => {
    const previous = path[i - 1];
    if (typeof part === 'number') acc += `[${part}]`;
    else if (typeof previous === 'string' && MAP_FIELDS.has(previous)) acc += `[${String(part)}]`;
    else acc += acc ? `.${String(part)}` : String(part);
  });
  return acc;
}

const TYPE_NAMES: Record<string, string> = { int: 'integer', record: 'object', map: 'object' };
const typeName = (expected: string) => TYPE_NAMES[expected] ?? expected;

/** Range messages Kubernetes uses for the numeric fields the schema bounds. */
const NUMBER_RANGES: Record<string, [number, number]> = {
  containerPort: [1, 65535],
  hostPort: [1, 65535],
  runAsUser: [0, 2147483647],
  runAsGroup: [0, 2147483647],
};

function boundMessage(issue: { code: 'too_small' | 'too_big'; origin?: string }, bound: number | bigint, key: PropertyKey | undefined): string {
  const range = typeof key === 'string' ? NUMBER_RANGES[key] : undefined;
  if (range) return inclusiveRangeError(range[0], range[1]);
  if (issue.origin === 'string') return issue.code === 'too_big' ? maxLenError(Number(bound)) : `must be at least ${bound} characters`;
  if (issue.origin === 'array') return issue.code === 'too_big' ? `must have at most ${bound} items` : `must have at least ${bound} items`;
  return issue.code === 'too_big' ? `must be less than or equal to ${bound}` : `must be greater than or equal to ${bound}`;
}

function causeFromIssue(issue: z.core.$ZodIssue, path: PropertyKey[]): FieldCause[] {
  const field = fieldPath(path) || ROOT_FIELD;
  const hasInput = 'input' in issue;
  const input = issue.input;
  const absent = hasInput ? input === undefined || input === null : issue.message.includes('received undefined');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ reason: 'FieldValueInvalid', message: `unknown field "${key}"`, field: fieldPath([...path, key]) || ROOT_FIELD }));
    case 'invalid_type':
      return [absent ? required(field) : invalid(field, input, `must be of type ${typeName(issue.expected)}`)];
    case 'invalid_value':
      return [notSupported(field, input, issue.values)];
    case 'too_small':
    case 'too_big': {
      const key = path[path.length - 1];
      const emptied = input === '' || (Array.isArray(input) && input.length === 0) || (key === 'containerPort' && input === 0);
      if (issue.code === 'too_small' && (emptied || (!hasInput && Number(issue.minimum) === 1))) return [required(field)];
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      return [invalid(field, input, boundMessage(issue, bound, key))];
    }
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' && e.path.length === 0 ? [typeName(e.expected)] : [])))];
      return [invalid(field, input, expected.length ? `must be of type ${expected.join(' or ')}` : issue.message)];
    }
    default:
      return [input === '' ? required(field) : invalid(field, input, issue.message)];
  }
}

export function causesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): StatusCause[] {
  return error.issues.flatMap((issue) => causeFromIssue(issue, [...prefix, ...issue.path]));
}

/** Rules across fields and the ones the shape cannot say: names, references, ports, quantities, labels. */
export function semanticCauses(pod: PodManifest): StatusCause[] {
  return [...metadataCauses(pod.metadata), ...specCauses(pod.spec), ...sizeCauses(pod)];
}

const SECTION_ORDER = [ROOT_FIELD, 'apiVersion', 'kind', 'metadata', 'spec', 'status'];

/**
 * One list: the shape's causes, then the rules'. A rule's cause replaces the
 * shape's bare "Required value" at the same field (it says why), and a cause
 * both report is listed once.
 */
function merge(shape: StatusCause[], rules: StatusCause[]): StatusCause[] {
  const ruled = new Set(rules.map((c) => `${c.field}\u0000${c.reason}`));
  const seen = new Set<string>();
  const out: StatusCause[] = [];
  for (const cause of [...shape.filter((c) => !(c.reason === 'FieldValueRequired' && ruled.has(`${c.field}\u0000${c.reason}`))), ...rules]) {
    const key = `${cause.field}\u0000${cause.reason}\u0000${cause.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(cause);
  }
  // Metadata before spec, as Kubernetes validates them; stable within each part.
  const rank = (c: StatusCause) => SECTION_ORDER.indexOf((c.field ?? '').split(/[.[]/)[0]);
  return out.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map(({ c }) => c);
}

export function validatePodManifest(input: unknown): Validation<PodManifest> {
  const parsed = podManifest.safeParse(input, { reportInput: true });
  const root = obj(input);
  const rules = root ? [...metadataCauses(root.metadata), ...specCauses(root.spec), ...sizeCauses(root)] : [];
  const shape = parsed.success ? [] : causesFromZod(parsed.error);
  const causes = merge(shape, rules);
  if (parsed.success && causes.length === 0) return { ok: true, value: parsed.data };
  return { ok: false, causes: causes.length ? causes : [invalid(ROOT_FIELD, input, 'is not a valid Pod')] };
}
