/**
 * NodeAffinity, as kube-scheduler's plugin of that name: a pod's
 * `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution` is a
 * filter (its node selector terms are ORed, the requirements of one term
 * ANDed), and `preferredDuringSchedulingIgnoredDuringExecution` a score (the
 * weights of the terms a node matches, out of all). Requirements read node
 * labels (`matchExpressions`: In, NotIn, Exists, DoesNotExist, Gt, Lt) and
 * the node's name (`matchFields` on `metadata.name`: In, NotIn). The rules
 * that make a term well formed are here too, so validation and matching
 * agree. Pure, and total on untrusted input.
 */
import { forbidden, invalid, notSupported, required, type FieldCause } from '../../kube/field-errors';
import { arr, num, obj, str, strings, type Loose } from '../../kube/loose';
import type { NodeRecord } from '../../ports';
import { SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin } from '../framework';

const OPERATORS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] as const;
const FIELD_OPERATORS = ['In', 'NotIn'] as const;
const FIELD_KEYS = ['metadata.name'] as const;

function requirementMatches(req: Loose, value: string | undefined): boolean {
  const values = strings(req.values);
  switch (str(req.operator)) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number.parseInt(value ?? '', 10);
      const want = Number.parseInt(values[0] ?? '', 10);
      if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
      return str(req.operator) === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** One node selector term: every requirement holds. A term with none matches no node (as Kubernetes). */
export function termMatches(term: unknown, node: Pick<NodeRecord, 'name'> & { node: { labels: Record<string, string> } }): boolean {
  const t = obj(term);
  const expressions = arr(t?.matchExpressions).map(obj);
  const fields = arr(t?.matchFields).map(obj);
  if (expressions.length + fields.length === 0) return false;
  const labels = node.node.labels;
  return (
    expressions.every((e) => !!e && requirementMatches(e, Object.hasOwn(labels, str(e.key) ?? '') ? labels[str(e.key)!] : undefined)) &&
    fields.every((f) => !!f && str(f.key) === 'metadata.name' && requirementMatches(f, node.name))
  );
}

const nodeAffinityOf = (pod: { spec: unknown }) => obj(obj(obj(pod.spec)?.affinity)?.nodeAffinity);

export const NODE_AFFINITY_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  filter: ({ pod }, node) => {
    const requiredTerms = obj(nodeAffinityOf(pod)?.requiredDuringSchedulingIgnoredDuringExecution);
    if (!requiredTerms) return SUCCESS;
    return arr(requiredTerms.nodeSelectorTerms).some((t) => termMatches(t, node)) ? SUCCESS : unresolvable(NODE_AFFINITY_MISMATCH);
  },
};

export const nodeAffinityPreference: ScorePlugin = {
  name: 'NodeAffinity',
  // kube-scheduler weighs NodeAffinity twice the resource scores.
  weight: 2,
  score: ({ pod }, node) => {
    const preferred = arr(nodeAffinityOf(pod)?.preferredDuringSchedulingIgnoredDuringExecution).map(obj);
    const total = preferred.reduce((s, p) => s + (num(p?.weight) ?? 0), 0);
    if (total <= 0) return 0;
    const matched = preferred.reduce((s, p) => s + (p && termMatches(p.preference, node) ? (num(p.weight) ?? 0) : 0), 0);
    return Math.round((matched / total) * 100);
  },
};

function requirementCauses(req: unknown, path: string, operators: readonly string[], keys?: readonly string[]): FieldCause[] {
  const r = obj(req);
  if (!r) return [required(path)];
  const causes: FieldCause[] = [];
  const key = str(r.key);
  if (!key) causes.push(required(`${path}.key`));
  else if (keys && !keys.includes(key)) causes.push(notSupported(`${path}.key`, key, keys));
  const operator = str(r.operator);
  const values = strings(r.values);
  if (!operator || !operators.includes(operator)) {
    causes.push(operator ? notSupported(`${path}.operator`, operator, operators) : required(`${path}.operator`));
  } else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    causes.push(required(`${path}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
  } else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    causes.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if ((operator === 'Gt' || operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) {
    causes.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  }
  return causes;
}

function termCauses(term: unknown, path: string): FieldCause[] {
  const t = obj(term);
  if (!t) return [invalid(path, term, 'must be an object')];
  return [
    ...arr(t.matchExpressions).flatMap((e, i) => requirementCauses(e, `${path}.matchExpressions[${i}]`, OPERATORS)),
    ...arr(t.matchFields).flatMap((f, i) => requirementCauses(f, `${path}.matchFields[${i}]`, FIELD_OPERATORS, FIELD_KEYS)),
  ];
}

/** The causes a pod's nodeAffinity earns: what kube-apiserver refuses of the same terms. */
export function nodeAffinityCauses(spec: unknown): FieldCause[] {
  const na = obj(obj(obj(spec)?.affinity)?.nodeAffinity);
  if (!na) return [];
  const base = 'spec.affinity.nodeAffinity';
  const causes: FieldCause[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req !== undefined) {
    const terms = arr(obj(req)?.nodeSelectorTerms);
    const path = `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    if (terms.length === 0) causes.push(required(path, 'must have at least one node selector term'));
    terms.forEach((t, i) => causes.push(...termCauses(t, `${path}[${i}]`)));
  }
  arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((p, i) => {
    const path = `${base}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const weight = num(obj(p)?.weight);
    if (weight === undefined || weight < 1 || weight > 100) causes.push(invalid(`${path}.weight`, obj(p)?.weight, 'must be in the range 1-100'));
    causes.push(...termCauses(obj(p)?.preference, `${path}.preference`));
  });
  return causes;
}
